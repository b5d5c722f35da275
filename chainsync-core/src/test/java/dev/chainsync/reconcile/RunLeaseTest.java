package dev.chainsync.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.testing.WritePath;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two engines (two instances) on one database: one run per data type at a time, so a discrepancy is
 * healed once with one audit row; a run whose instance stalls past its lease is taken over and can
 * no longer write. Also the per-type run metrics.
 */
class RunLeaseTest {
    private WritePath w;
    private ExecutorService pool;

    @AfterEach
    void tearDown() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (w != null) {
            w.close();
        }
    }

    private ReconcileEngine engine() {
        return new ReconcileEngine(w.jdbc, EngineConfig.defaults(), 5, w.clock, w.registry);
    }

    private AnchorFixture fixture(ReconcileEngine engine) {
        AnchorFixture f = new AnchorFixture(w.jdbc, w.chain, w.credentials.issuerAddress(), SourceOfTruth.CHAIN_WINS);
        engine.register(f);
        return f;
    }

    /** Two anchors the database has and the chain does not: a chain-wins run deletes both. */
    private void twoDiscrepancies() {
        w.jdbc.update("INSERT INTO anchors (key, owner, value) VALUES ('k1', 'a', '1'), ('k2', 'b', '2')");
    }

    private long audits(String sql) {
        return w.count("SELECT count(*) FROM reconciliation_corrections" + sql);
    }

    private double timerCount(String kind, String status) {
        return w.registry
                .get("reconciliation_duration_seconds")
                .tag("kind", kind)
                .tag("status", status)
                .timer()
                .count();
    }

    @Test
    void aSecondInstanceSkipsWhileARunIsUnderWaySoEachItemIsHealedOnce() throws Exception {
        w = new WritePath("rec-lease-skip");
        ReconcileEngine a = engine();
        ReconcileEngine b = engine();
        AnchorFixture fa = fixture(a);
        AnchorFixture fb = fixture(b);
        twoDiscrepancies();
        CountDownLatch aReading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        fa.beforeRead = () -> {
            aReading.countDown();
            await(release);
        };
        AtomicInteger bReads = new AtomicInteger();
        fb.beforeRead = bReads::incrementAndGet;
        pool = Executors.newFixedThreadPool(1);
        Future<ReconcileEngine.Run> runA = pool.submit(() -> a.runOnce(fa.name()));
        assertThat(aReading.await(30, TimeUnit.SECONDS)).isTrue();

        ReconcileEngine.Run seenByB = b.runOnce(fb.name());
        release.countDown();
        ReconcileEngine.Run doneByA = runA.get(60, TimeUnit.SECONDS);

        assertThat(seenByB.status()).as("B returns A's run, under way").isEqualTo("running");
        assertThat(seenByB.id()).isEqualTo(doneByA.id());
        assertThat(bReads).as("B read nothing").hasValue(0);
        assertThat(doneByA.status()).isEqualTo("succeeded");
        assertThat(doneByA.healed()).isEqualTo(2);
        assertThat(audits("")).isEqualTo(2);
        assertThat(w.count("SELECT count(*) FROM reconciliation_runs WHERE kind = ?", fa.name()))
                .isEqualTo(1);
        assertThat(w.registry
                        .get("chainsync_reconcile_skipped_runs_total")
                        .tag("kind", fa.name())
                        .counter()
                        .count())
                .isEqualTo(1.0);
        // Once A is done, B runs normally: nothing left to heal.
        ReconcileEngine.Run next = b.runOnce(fb.name());
        assertThat(next.status()).isEqualTo("succeeded");
        assertThat(next.healed()).isZero();
        assertThat(audits("")).isEqualTo(2);
    }

    @Test
    void aStalledRunLosesItsLeaseAndWritesNothingAfterTheTakeover() throws Exception {
        w = new WritePath("rec-lease-takeover");
        ReconcileEngine a = engine();
        ReconcileEngine b = engine();
        AnchorFixture fa = fixture(a);
        AnchorFixture fb = fixture(b);
        twoDiscrepancies();
        CountDownLatch aReading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        fa.beforeRead = () -> {
            aReading.countDown();
            await(release);
        };
        pool = Executors.newFixedThreadPool(1);
        Future<ReconcileEngine.Run> runA = pool.submit(() -> a.runOnce(fa.name()));
        assertThat(aReading.await(30, TimeUnit.SECONDS)).isTrue();
        // A's instance stalls past its lease (a long GC pause, a hung RPC): B takes the type over.
        w.advance(ReconcileStore.LEASE.plus(Duration.ofSeconds(1)));

        ReconcileEngine.Run byB = b.runOnce(fb.name());
        release.countDown();
        ReconcileEngine.Run byA = runA.get(60, TimeUnit.SECONDS);

        assertThat(byB.status()).isEqualTo("succeeded");
        assertThat(byB.healed()).isEqualTo(2);
        assertThat(byA.status()).isEqualTo("failed");
        assertThat(byA.error()).contains("lease ran out");
        assertThat(audits("")).as("only B's corrections").isEqualTo(2);
        assertThat(audits(" WHERE run_id = " + byA.id())).isZero();
        assertThat(timerCount(fa.name(), "failed")).isEqualTo(1.0);
        assertThat(timerCount(fa.name(), "succeeded")).isEqualTo(1.0);
    }

    @Test
    void everyRegisteredTypeHasRunMetricsFromZero() {
        w = new WritePath("rec-lease-metrics");
        ReconcileEngine engine = engine();
        AnchorFixture f = fixture(engine);
        assertThat(timerCount(f.name(), "succeeded")).isZero();
        assertThat(timerCount(f.name(), "failed")).isZero();

        engine.runOnce(f.name());
        f.failReads = new IllegalStateException("rpc down");
        ReconcileEngine.Run failed = engine.runOnce(f.name());

        assertThat(failed.status()).isEqualTo("failed");
        assertThat(timerCount(f.name(), "succeeded")).isEqualTo(1.0);
        assertThat(timerCount(f.name(), "failed")).isEqualTo(1.0);
        assertThat(w.registry.counter("chainsync_reconcile_failed_runs_total").count())
                .isEqualTo(1.0);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
