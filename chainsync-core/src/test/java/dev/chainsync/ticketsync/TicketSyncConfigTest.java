package dev.chainsync.ticketsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.config.ConfigException;
import dev.chainsync.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The listener's variables are read, validated at start, and its backoff doubles up to its cap. */
class TicketSyncConfigTest {
    @Test
    void readsItsVariablesAndRefusesBadOnes() {
        Env env = new Env(Map.of(
                "CHAINSYNC_TICKETS_LISTENER_INTERVAL_MS", "2000",
                "CHAINSYNC_TICKETS_LISTENER_BATCH", "50",
                "CHAINSYNC_TICKETS_LISTENER_MAX_FAILURES", "4",
                "CHAINSYNC_TICKETS_LISTENER_BACKOFF_MAX_MS", "30000"));
        TicketSyncConfig c = TicketSyncConfig.load(env);
        env.throwIfInvalid();
        assertThat(c).isEqualTo(new TicketSyncConfig(Duration.ofSeconds(2), 50, 4, Duration.ofSeconds(30)));
        assertThat(TicketSyncConfig.load(new Env(Map.of()))).isEqualTo(TicketSyncConfig.defaults());

        Env bad = new Env(Map.of(
                "CHAINSYNC_TICKETS_LISTENER_INTERVAL_MS", "0",
                "CHAINSYNC_TICKETS_LISTENER_MAX_FAILURES", "0"));
        assertThat(TicketSyncConfig.load(bad)).isNull();
        assertThatThrownBy(bad::throwIfInvalid)
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anySatisfy(p -> assertThat(p).contains("CHAINSYNC_TICKETS_LISTENER_INTERVAL_MS"))
                        .anySatisfy(p -> assertThat(p).contains("CHAINSYNC_TICKETS_LISTENER_MAX_FAILURES")));
    }

    @Test
    void backoffDoublesFromTheIntervalUpToItsCap() {
        TicketSyncConfig c = new TicketSyncConfig(Duration.ofSeconds(5), 100, 3, Duration.ofSeconds(30));
        assertThat(c.backoff(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.backoff(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.backoff(3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.backoff(4)).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.backoff(1000)).isEqualTo(Duration.ofSeconds(30));
    }
}
