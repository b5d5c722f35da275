package dev.chainsync.reconcile;

import dev.chainsync.db.Jdbc;
import dev.chainsync.worker.PollingWorker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciliation framework: runs each registered {@link ReconciledType} on its schedule (read
 * the chain, read the database, compare, plan by the type's source of truth, apply each correction
 * with its audit row), stores runs and findings, and purges history older than the retention. It
 * also schedules the {@link CredentialReconciler}. Everything runs on {@link PollingWorker}s.
 */
public final class ReconcileEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReconcileEngine.class);
    /** How often the scheduler looks for a type that is due. */
    static final Duration TICK = Duration.ofSeconds(1);

    private final Jdbc jdbc;
    private final EngineConfig config;
    private final Map<String, ReconciledType<?, ?>> types = new LinkedHashMap<>();
    private final Map<String, Runnable> jobs = new LinkedHashMap<>();
    private final Map<String, Duration> cadences = new HashMap<>();
    private final Map<String, Instant> nextDue = new HashMap<>();
    private final int outboxMaxAttempts;
    private final Clock clock;
    private final Counter failedRuns;
    private final Counter corrections;
    private final List<PollingWorker> workers = new ArrayList<>();
    private boolean closed;

    /** A stored run of a data type, with what its plan did. */
    public record Run(
            long id, String kind, String status, int healed, int rewritten, int reviewed, int reported, String error) {}

    public ReconcileEngine(Jdbc jdbc, EngineConfig config, int outboxMaxAttempts, Clock clock, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.config = config;
        this.outboxMaxAttempts = outboxMaxAttempts;
        this.clock = clock;
        this.failedRuns = registry.counter("chainsync_reconcile_failed_runs_total");
        this.corrections = registry.counter("chainsync_reconcile_corrections_total");
    }

    /** Adds a data type, run every {@link EngineConfig#cadenceOf} its name. */
    public synchronized ReconcileEngine register(ReconciledType<?, ?> type) {
        if (types.containsKey(type.name()) || jobs.containsKey(type.name())) {
            throw new IllegalArgumentException("data type registered twice: " + type.name());
        }
        types.put(type.name(), type);
        jobs.put(type.name(), () -> runOnce(type.name()));
        cadences.put(type.name(), config.cadenceOf(type.name()));
        return this;
    }

    /** Schedules the credential reconciler (its own comparison and findings) every {@code every}. */
    public synchronized ReconcileEngine register(CredentialReconciler credentials, Duration every) {
        jobs.put(CredentialReconciler.KIND, credentials::runOnce);
        cadences.put(CredentialReconciler.KIND, every);
        return this;
    }

    /** The registered type called {@code name}. */
    Optional<ReconciledType<?, ?>> type(String name) {
        return Optional.ofNullable(types.get(name));
    }

    int outboxMaxAttempts() {
        return outboxMaxAttempts;
    }

    public synchronized ReconcileEngine start() {
        workers.add(new PollingWorker("reconcile", TICK, this::runDue).start());
        workers.add(new PollingWorker("reconcile-retention", EngineConfig.PURGE_EVERY, () -> {
                    purge();
                    return 0;
                })
                .start());
        return this;
    }

    /** Runs every job whose time has come; one failing job does not hold back the others. Always idles a tick after. */
    int runDue() {
        for (Map.Entry<String, Runnable> job : snapshot().entrySet()) {
            Instant now = clock.instant();
            Instant due = nextDue.getOrDefault(job.getKey(), now);
            if (due.isAfter(now)) {
                continue;
            }
            nextDue.put(job.getKey(), now.plus(cadences.get(job.getKey())));
            try {
                job.getValue().run();
            } catch (RuntimeException e) {
                log.warn("reconciliation of {} failed: {}", job.getKey(), e.toString());
            }
        }
        return 0;
    }

    private synchronized Map<String, Runnable> snapshot() {
        return new LinkedHashMap<>(jobs);
    }

    /** Runs one data type now over the window ending now and returns the stored run (failed ones too). */
    public Run runOnce(String name) {
        ReconciledType<?, ?> type = type(name).orElseThrow(() -> new IllegalArgumentException("no data type " + name));
        Instant now = clock.instant();
        Instant from = now.minus(config.window());
        long runId = ReconcileStore.startRun(jdbc, name, now, from);
        try {
            Map<ReconcileStore.Applied, Integer> counts = reconcile(type, runId, from, now);
            jdbc.update(
                    """
                    UPDATE reconciliation_runs SET status = 'succeeded', finished_at = ?, recovered = ?, rewritten = ?,
                           reviewed = ?, flagged = ? WHERE id = ?""",
                    clock.instant(),
                    counts.getOrDefault(ReconcileStore.Applied.HEALED, 0),
                    counts.getOrDefault(ReconcileStore.Applied.REWRITTEN, 0),
                    counts.getOrDefault(ReconcileStore.Applied.REVIEW, 0),
                    counts.getOrDefault(ReconcileStore.Applied.REPORTED, 0),
                    runId);
        } catch (RuntimeException e) {
            failedRuns.increment();
            log.warn("reconciliation {} of {} failed: {}", runId, name, e.toString());
            ReconcileStore.failRun(jdbc, runId, clock.instant(), e);
        }
        return find(runId).orElseThrow();
    }

    /** Reads both sides outside any transaction, plans in pure code, then applies each correction in its own. */
    private <C, D> Map<ReconcileStore.Applied, Integer> reconcile(
            ReconciledType<C, D> type, long runId, Instant from, Instant to) {
        C chain = type.readChain(from, to);
        D database = type.readDatabase(from, to, chain);
        List<Correction> plan = Correction.plan(type, type.compare(chain, database, to));
        Map<ReconcileStore.Applied, Integer> counts = new HashMap<>();
        for (Correction c : plan) {
            ReconcileStore.Applied applied = jdbc.inTransaction(
                    tx -> ReconcileStore.apply(tx, type, c, runId, null, outboxMaxAttempts, clock.instant()));
            counts.merge(applied, 1, Integer::sum);
            if (applied == ReconcileStore.Applied.HEALED || applied == ReconcileStore.Applied.REWRITTEN) {
                corrections.increment();
            }
        }
        if (!plan.isEmpty()) {
            log.warn("reconciliation {} of {}: {}", runId, type.name(), counts);
        }
        return counts;
    }

    public Optional<Run> find(long id) {
        return jdbc.queryOne(
                "SELECT * FROM reconciliation_runs WHERE id = ?",
                r -> new Run(
                        r.getLong("id"),
                        r.getString("kind"),
                        r.getString("status"),
                        r.getInt("recovered"),
                        r.getInt("rewritten"),
                        r.getInt("reviewed"),
                        r.getInt("flagged"),
                        r.getString("error")),
                id);
    }

    /**
     * Deletes history older than the retention: finished runs (their findings and audit rows go with
     * them), audit rows of resolved reviews, and resolved reviews with their history. Open reviews stay
     * whatever their age. Returns the number of runs deleted.
     */
    public int purge() {
        Instant cutoff = clock.instant().minus(config.retention());
        return jdbc.inTransaction(c -> {
            Jdbc.update(c, "DELETE FROM reconciliation_corrections WHERE created_at < ?", cutoff);
            Jdbc.update(c, "DELETE FROM reconciliation_reviews WHERE status = 'resolved' AND resolved_at < ?", cutoff);
            return Jdbc.update(
                    c, "DELETE FROM reconciliation_runs WHERE started_at < ? AND status <> 'running'", cutoff);
        });
    }

    /** Health of the engine's workers. */
    public PollingWorker.Health health() {
        return PollingWorker.Health.of(
                workers.stream().map(PollingWorker::health).toList());
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        workers.forEach(PollingWorker::close);
    }
}
