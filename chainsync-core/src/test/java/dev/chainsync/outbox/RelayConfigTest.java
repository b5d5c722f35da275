package dev.chainsync.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.chainsync.config.ConfigException;
import dev.chainsync.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The relay's settings validate themselves however they are built, and change one field at a time. */
class RelayConfigTest {

    @Test
    void theBuilderChangesOneFieldAndKeepsTheRest() {
        RelayConfig base = RelayConfig.defaults();
        RelayConfig other = base.toBuilder().instanceId("relay-b").build();

        assertThat(other.instanceId()).isEqualTo("relay-b");
        assertThat(other.toBuilder().instanceId(base.instanceId()).build()).isEqualTo(base);
        assertThat(base.batchSize()).isEqualTo(RelayConfig.DEFAULT_BATCH_SIZE);
        assertThat(base.commitment()).isEqualTo(RelayConfig.DEFAULT_COMMITMENT);
    }

    @Test
    void everyBadValueIsReportedByTheConstructorAtOnce() {
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> RelayConfig.builder()
                        .instanceId(" ")
                        .batchSize(0)
                        .lease(Duration.ZERO)
                        .retryBase(Duration.ofSeconds(10))
                        .retryCap(Duration.ofSeconds(1))
                        .commitment(null)
                        .build());

        assertThat(e).isNotNull();
        assertThat(e.problems())
                .hasSize(5)
                .anySatisfy(p -> assertThat(p).startsWith("CHAINSYNC_RELAY_INSTANCE_ID"))
                .anySatisfy(p -> assertThat(p).startsWith("CHAINSYNC_RELAY_BATCH_SIZE='0' must be between 1 and"))
                .anySatisfy(p -> assertThat(p).startsWith("CHAINSYNC_RELAY_LEASE_MS='0'"))
                .anySatisfy(p -> assertThat(p).startsWith("CHAINSYNC_RETRY_MAX_MS must not be smaller"))
                .anySatisfy(p -> assertThat(p).startsWith("CHAINSYNC_CONFIRMATION_COMMITMENT must be set"));
    }

    @Test
    void loadingReportsTheConstructorsProblemsWithTheParsingOnes() {
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> Env.read(
                        Map.of(
                                "CHAINSYNC_RELAY_BATCH_SIZE", "0",
                                "CHAINSYNC_RELAY_POLL_MS", "soon",
                                "CHAINSYNC_RETRY_BASE_MS", "1000",
                                "CHAINSYNC_RETRY_MAX_MS", "10"),
                        RelayConfig::load));

        assertThat(e).isNotNull();
        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "CHAINSYNC_RELAY_POLL_MS='soon' is not an integer",
                        "CHAINSYNC_RELAY_BATCH_SIZE='0' must be between 1 and 10000",
                        "CHAINSYNC_RETRY_MAX_MS must not be smaller than CHAINSYNC_RETRY_BASE_MS");
    }
}
