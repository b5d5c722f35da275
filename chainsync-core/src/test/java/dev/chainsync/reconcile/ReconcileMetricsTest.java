package dev.chainsync.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.chain.RecentBlockhash;
import dev.chainsync.credential.Credential;
import dev.chainsync.credential.CredentialHash;
import dev.chainsync.outbox.Relay;
import dev.chainsync.testing.WritePath;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The seeds' reconciliation metrics, counted by real runs on PostgreSQL and the devnet. */
class ReconcileMetricsTest {
    private WritePath w;

    @AfterEach
    void tearDown() {
        if (w != null) {
            w.close();
        }
    }

    private CredentialReconciler reconciler() {
        return new CredentialReconciler(
                w.jdbc, w.chain, w.credentials, Duration.ofMinutes(5), Duration.ofHours(1), w.clock, w.registry);
    }

    private double inconsistencies(String type) {
        return w.registry
                .get("diploma_inconsistencies_total")
                .tag("type", type)
                .counter()
                .count();
    }

    private Timer runs(String status) {
        return w.registry
                .get("reconciliation_duration_seconds")
                .tag("kind", "credentials")
                .tag("status", status)
                .timer();
    }

    @Test
    void everySeriesExistsAtZeroBeforeTheFirstRun() {
        w = new WritePath("recm-zero");
        reconciler();
        for (String type : ReconcileMetrics.FINDING_KINDS) {
            assertThat(inconsistencies(type)).as(type).isZero();
        }
        assertThat(runs("succeeded").count()).isZero();
        assertThat(runs("failed").count()).isZero();
        assertThat(w.registry
                        .get("blockchain_ownership_mismatches_total")
                        .counter()
                        .count())
                .isZero();
    }

    @Test
    void findingsAreCountedByKindOnceEach() {
        w = new WritePath("recm-find");
        Relay relay = w.relay("relay-a");
        Credential c = w.issue("a");
        w.settle(relay, 3);
        w.jdbc.update(
                "UPDATE credentials SET chain_signature = ? WHERE hash = ?",
                "1111111111111111111111111111111111111111111111111111111111111111",
                c.hash());
        byte[] h = new byte[32];
        w.random.nextBytes(h);
        RecentBlockhash bh = w.devnet.latestBlockhash();
        w.devnet.submit(w.devnet.buildMemoTransaction(
                w.issuer, CredentialHash.memo(HexFormat.of().formatHex(h)), bh));
        w.advanceSlots(3);
        w.advance(Duration.ofSeconds(10));

        CredentialReconciler r = reconciler();
        CredentialReconciler.Run run = r.runOnce();
        assertThat(run.recovered()).isEqualTo(1);
        assertThat(run.flagged()).isEqualTo(1);
        assertThat(inconsistencies(CredentialReconciler.MISSING_IN_DB)).isEqualTo(1.0);
        assertThat(inconsistencies(CredentialReconciler.MISSING_ON_CHAIN)).isEqualTo(1.0);
        assertThat(inconsistencies(CredentialReconciler.STATUS_BEHIND_CHAIN)).isZero();
        assertThat(runs("succeeded").count()).isEqualTo(1);

        r.runOnce();
        assertThat(inconsistencies(CredentialReconciler.MISSING_IN_DB))
                .as("a recovered memo is not found again")
                .isEqualTo(1.0);
        assertThat(inconsistencies(CredentialReconciler.MISSING_ON_CHAIN))
                .as("a known disagreement is counted once")
                .isEqualTo(1.0);
        assertThat(runs("succeeded").count()).isEqualTo(2);
    }

    @Test
    void aFailedRunIsTimedUnderFailed() {
        w = new WritePath("recm-fail");
        w.faults.outage(w.clock.instant(), w.clock.instant().plusSeconds(60));
        CredentialReconciler.Run run = reconciler().runOnce();
        assertThat(run.status()).isEqualTo("failed");
        assertThat(runs("failed").count()).isEqualTo(1);
        assertThat(runs("succeeded").count()).isZero();
        assertThat(w.registry
                        .get("chainsync_reconcile_failed_runs_total")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }
}
