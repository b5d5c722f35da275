package dev.chainsync.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.testing.WritePath;
import dev.chainsync.worker.PollingWorker;
import org.junit.jupiter.api.Test;

/** The relay's loops follow the one worker lifecycle: start once, health, close idempotent, no restart. */
class RelayLifecycleTest {

    @Test
    void healthFollowsStartAndCloseAndARelayStartsOnce() {
        try (WritePath w = new WritePath("relay-lifecycle")) {
            Relay r = w.relay("relay-a");
            assertThat(r.health().started()).isFalse();
            r.start();
            assertThat(r.health()).isEqualTo(new PollingWorker.Health(true, true, false, null));
            assertThatThrownBy(r::start).isInstanceOf(IllegalStateException.class);
            r.close();
            r.close();
            assertThat(r.health().running()).isFalse();
            assertThat(r.health().broken()).as("closed on purpose, not broken").isFalse();
            assertThatThrownBy(r::start).isInstanceOf(IllegalStateException.class);
        }
    }
}
