package dev.chainsync.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.credential.Credential;
import dev.chainsync.credential.CredentialStatus;
import dev.chainsync.testing.WritePath;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Seed 001's {@code blockchain_transaction_confirmation_seconds}, observed by the relay's confirmation path. */
class ConfirmationHistogramTest {
    private WritePath w;

    @AfterEach
    void tearDown() {
        if (w != null) {
            w.close();
        }
    }

    private Timer histogram() {
        return w.registry.get("blockchain_transaction_confirmation_seconds").timer();
    }

    @Test
    void aConfirmationIsObservedFromTheOutboxCommitInTheSeedsBuckets() {
        w = new WritePath("hist-ok");
        Relay relay = w.relay("relay-a");
        Credential c = w.issue("a");
        // Thirty seconds pass between the commit and the relay's first pass.
        w.advance(Duration.ofSeconds(30));
        w.settle(relay, 5);
        assertThat(w.status(c.hash())).isEqualTo(CredentialStatus.CONFIRMED);

        Timer t = histogram();
        assertThat(t.count()).isEqualTo(1);
        double took = t.totalTime(TimeUnit.SECONDS);
        assertThat(took)
                .as("the same span the relay's own timer saw")
                .isEqualTo(w.registry
                        .get("chainsync_outbox_commit_to_confirmed_seconds")
                        .timer()
                        .totalTime(TimeUnit.SECONDS))
                .isGreaterThan(30.0);
        CountAtBucket[] buckets = t.takeSnapshot().histogramCounts();
        assertThat(Arrays.stream(buckets).mapToDouble(b -> b.bucket(TimeUnit.SECONDS)))
                .containsExactly(1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0);
        for (CountAtBucket b : buckets) {
            assertThat(b.count())
                    .as("bucket le=%s", b.bucket(TimeUnit.SECONDS))
                    .isEqualTo(b.bucket(TimeUnit.SECONDS) >= took ? 1 : 0);
        }
    }

    @Test
    void aDeadLetteredOperationIsNoConfirmation() {
        w = new WritePath("hist-dead");
        Relay relay = w.relay("relay-a");
        w.onChain.failRate(1.0);
        Credential c = w.issue("a");
        w.settle(relay, 2 * w.relayConfig.maxAttempts() + 2);
        assertThat(w.status(c.hash())).isEqualTo(CredentialStatus.DEAD_LETTERED);
        assertThat(histogram().count()).isZero();
        assertThat(w.registry
                        .get("chainsync_outbox_dead_lettered_total")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }
}
