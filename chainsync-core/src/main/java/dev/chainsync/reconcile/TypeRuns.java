package dev.chainsync.reconcile;

import dev.chainsync.db.Jdbc;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of one data type, the same for the engine's scheduler, the credential reconciler and the
 * API: take the type's run lease (one run per type across instances), read the chain and the
 * database outside any transaction, compare and plan in pure code, apply each correction in its own
 * transaction (which renews the lease), store the run with its counts, and count it in the metrics.
 */
final class TypeRuns {
    private static final Logger log = LoggerFactory.getLogger(TypeRuns.class);

    /** The newest successful run of a kind, one probe of reconciliation_runs_succeeded_idx (V44). */
    static final String LAST_SUCCESS = """
            SELECT window_end FROM reconciliation_runs WHERE kind = ? AND status = 'succeeded'
             ORDER BY id DESC LIMIT 1""";

    private final Jdbc jdbc;
    private final Duration window;
    private final int outboxMaxAttempts;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Counter failedRuns;
    private final Counter corrections;
    private final Map<String, ReconcileMetrics> metrics = new ConcurrentHashMap<>();

    TypeRuns(Jdbc jdbc, Duration window, int outboxMaxAttempts, Clock clock, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.window = window;
        this.outboxMaxAttempts = outboxMaxAttempts;
        this.clock = clock;
        this.registry = registry;
        this.failedRuns = registry.counter("chainsync_reconcile_failed_runs_total");
        this.corrections = registry.counter("chainsync_reconcile_corrections_total");
    }

    /** Registers the type's series at zero, so alerts on their increase see the first run. */
    void register(ReconciledType<?, ?> type) {
        metrics(type.name());
    }

    private ReconcileMetrics metrics(String kind) {
        return metrics.computeIfAbsent(kind, k -> new ReconcileMetrics(registry, k));
    }

    /**
     * Runs {@code type} over the window ending now; returns the stored run's id, failed runs too. When
     * another instance has a run of the type under way, nothing is read or written: its id is returned.
     */
    long run(ReconciledType<?, ?> type) {
        ReconcileMetrics m = metrics(type.name());
        Instant now = clock.instant();
        Optional<Instant> lastEnd = jdbc.queryOne(LAST_SUCCESS, r -> Jdbc.instant(r, "window_end"), type.name());
        Instant from = type.windowStart(now.minus(window), lastEnd);
        ReconcileStore.Start start = ReconcileStore.startRun(jdbc, type.name(), now, from);
        if (!start.started()) {
            m.skipped();
            log.info("reconciliation of {}: run {} is under way elsewhere, skipped", type.name(), start.runId());
            return start.runId();
        }
        long runId = start.runId();
        try {
            Outcome outcome = reconcile(type, runId, from, now, m);
            if (!ReconcileStore.finishRun(jdbc, runId, clock.instant(), outcome.tally, outcome.counts)) {
                throw new ReconcileStore.LeaseLostException(runId);
            }
            m.run(Duration.between(now, clock.instant()), true);
        } catch (RuntimeException e) {
            failedRuns.increment();
            m.run(Duration.between(now, clock.instant()), false);
            log.warn("reconciliation {} of {} failed: {}", runId, type.name(), e.toString());
            ReconcileStore.failRun(jdbc, runId, clock.instant(), e);
        }
        return runId;
    }

    private record Outcome(ReconciledType.Tally tally, Map<ReconcileStore.Applied, Integer> counts) {}

    /** Reads both sides outside any transaction, plans in pure code, then applies each correction in its own. */
    private <C, D> Outcome reconcile(
            ReconciledType<C, D> type, long runId, Instant from, Instant to, ReconcileMetrics m) {
        C first = type.readChain(from, to);
        D database = type.readDatabase(from, to, first);
        C chain = type.recheckChain(first, database);
        List<Discrepancy> found = type.compare(chain, database, to);
        List<Correction> plan = Correction.plan(type, found);
        Map<ReconcileStore.Applied, Integer> counts = new HashMap<>();
        for (Correction c : plan) {
            ReconcileStore.Applied applied = jdbc.inTransaction(
                    tx -> ReconcileStore.apply(tx, type, c, runId, null, outboxMaxAttempts, clock.instant()));
            counts.merge(applied, 1, Integer::sum);
            if (applied == ReconcileStore.Applied.HEALED || applied == ReconcileStore.Applied.REWRITTEN) {
                corrections.increment();
            }
            if (applied.action != null && c.discrepancy().kind() == DiscrepancyKind.OWNER_MISMATCH) {
                m.ownershipMismatch();
            }
            if (type instanceof OwnFindings own) {
                own.counted(c.discrepancy(), applied);
            }
        }
        if (!plan.isEmpty()) {
            log.warn("reconciliation {} of {}: {}", runId, type.name(), counts);
        }
        return new Outcome(type.tally(chain, database, found), counts);
    }
}
