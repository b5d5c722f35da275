package dev.chainsync.reconcile;

import dev.chainsync.db.Jdbc;
import dev.chainsync.worker.PollingWorker;
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
 * with its audit row), stores runs and findings, and purges history older than the retention. One
 * run per type at a time across instances (a lease on the run row). Credentials are one of its types
 * ({@link CredentialReconciler#type()}). Everything runs on {@link PollingWorker}s.
 */
public final class ReconcileEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReconcileEngine.class);
    /** How often the scheduler looks for a type that is due. */
    static final Duration TICK = Duration.ofSeconds(1);

    private final Jdbc jdbc;
    private final EngineConfig config;
    private final TypeRuns runs;
    private final Map<String, ReconciledType<?, ?>> types = new LinkedHashMap<>();
    private final Map<String, Duration> cadences = new HashMap<>();
    private final Map<String, Instant> nextDue = new HashMap<>();
    private final int outboxMaxAttempts;
    private final Clock clock;
    private final List<PollingWorker> workers = new ArrayList<>();
    private boolean closed;

    /**
     * A stored run of a data type, with what its plan did: corrections healed in the database,
     * re-written on chain, sent to review, and findings reported for a person without a correction.
     */
    public record Run(
            long id,
            String kind,
            String status,
            Instant startedAt,
            Instant finishedAt,
            int healed,
            int rewritten,
            int reviewed,
            int reported,
            String error) {}

    public ReconcileEngine(Jdbc jdbc, EngineConfig config, int outboxMaxAttempts, Clock clock, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.config = config;
        this.outboxMaxAttempts = outboxMaxAttempts;
        this.clock = clock;
        this.runs = new TypeRuns(jdbc, config.window(), outboxMaxAttempts, clock, registry);
    }

    /** Adds a data type, run every {@link EngineConfig#cadenceOf} its name. */
    public ReconcileEngine register(ReconciledType<?, ?> type) {
        return register(type, config.cadenceOf(type.name()));
    }

    /** Adds the credential reconciler's data type, run every {@code every}. */
    public ReconcileEngine register(CredentialReconciler credentials, Duration every) {
        return register(credentials.type(), every);
    }

    private synchronized ReconcileEngine register(ReconciledType<?, ?> type, Duration every) {
        if (types.containsKey(type.name())) {
            throw new IllegalArgumentException("data type registered twice: " + type.name());
        }
        types.put(type.name(), type);
        cadences.put(type.name(), every);
        runs.register(type);
        return this;
    }

    /** The registered type called {@code name}. */
    synchronized Optional<ReconciledType<?, ?>> type(String name) {
        return Optional.ofNullable(types.get(name));
    }

    /** The registered data types' names with their cadences, in registration order. */
    public synchronized Map<String, Duration> schedule() {
        Map<String, Duration> out = new LinkedHashMap<>();
        types.keySet().forEach(name -> out.put(name, cadences.get(name)));
        return out;
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

    /** Runs every type whose time has come; one failing type does not hold back the others. Always idles a tick after. */
    int runDue() {
        for (String name : schedule().keySet()) {
            Instant now = clock.instant();
            Instant due = nextDue.getOrDefault(name, now);
            if (due.isAfter(now)) {
                continue;
            }
            nextDue.put(name, now.plus(cadences.get(name)));
            try {
                runOnce(name);
            } catch (RuntimeException e) {
                log.warn("reconciliation of {} failed: {}", name, e.toString());
            }
        }
        return 0;
    }

    /**
     * Runs one data type now over the window ending now and returns the stored run (failed ones too).
     * When another instance has a run of the type under way, returns that run (still {@code running}).
     */
    public Run runOnce(String name) {
        ReconciledType<?, ?> type = type(name).orElseThrow(() -> new IllegalArgumentException("no data type " + name));
        return find(runs.run(type)).orElseThrow();
    }

    public Optional<Run> find(long id) {
        return jdbc.queryOne("SELECT * FROM reconciliation_runs WHERE id = ?", ReconcileEngine::mapRun, id);
    }

    /** Stored runs of every data type (credentials included), newest first, before {@code beforeId} when given. */
    public List<Run> runs(Long beforeId, int limit) {
        return beforeId == null
                ? jdbc.query(
                        "SELECT * FROM reconciliation_runs ORDER BY id DESC LIMIT ?", ReconcileEngine::mapRun, limit)
                : jdbc.query(
                        "SELECT * FROM reconciliation_runs WHERE id < ? ORDER BY id DESC LIMIT ?",
                        ReconcileEngine::mapRun,
                        beforeId,
                        limit);
    }

    private static Run mapRun(java.sql.ResultSet r) throws java.sql.SQLException {
        return new Run(
                r.getLong("id"),
                r.getString("kind"),
                r.getString("status"),
                Jdbc.instant(r, "started_at"),
                Jdbc.instant(r, "finished_at"),
                r.getInt("recovered"),
                r.getInt("rewritten"),
                r.getInt("reviewed"),
                r.getInt("flagged"),
                r.getString("error"));
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
