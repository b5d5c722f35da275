package dev.chainsync.reconcile;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.credential.CredentialService;
import dev.chainsync.db.Jdbc;
import dev.chainsync.worker.PollingWorker;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safety net of the write path: compares what the issuer address wrote on chain in a recent
 * window with the credentials table. A credential memo on chain that the database lacks is
 * recovered ({@code recovered_from_chain}); a credential the database calls confirmed whose
 * transaction the chain does not have is flagged. Every run is stored with its counts and findings.
 * Credentials are one of the {@link ReconcileEngine}'s data types ({@link #type()}); this class runs
 * that type on its own for the API and the demo, through the same run code (and run lease).
 */
public final class CredentialReconciler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CredentialReconciler.class);
    static final String KIND = "credentials";
    static final int PAGE = 1000;
    /** The webhook event type for every finding. */
    public static final String EVENT_DISCREPANCY = "reconciliation.discrepancy";
    /** Confirmations this recent may belong to blocks the chain history lists a moment later. */
    static final Duration SETTLE_GRACE = Duration.ofSeconds(5);
    /** Finding kind: a credential memo on chain that the database lacks (recovered). */
    static final String MISSING_IN_DB = "missing_in_db";
    /** Finding kind: a credential the database calls confirmed whose memo the chain does not hold (flagged). */
    static final String MISSING_ON_CHAIN = "missing_on_chain";
    /** Finding kind: a dead-lettered credential whose memo is on chain after all (flagged). */
    static final String STATUS_BEHIND_CHAIN = "status_behind_chain";

    private final Jdbc jdbc;
    private final Duration interval;
    private final CredentialCheck type;
    private final TypeRuns runs;
    private PollingWorker worker;
    private boolean closed;

    public CredentialReconciler(
            Jdbc jdbc,
            ChainClient chain,
            CredentialService credentials,
            Duration interval,
            Duration window,
            Clock clock,
            MeterRegistry registry) {
        this.jdbc = jdbc;
        this.interval = interval;
        this.type = new CredentialCheck(jdbc, chain, credentials, registry);
        // Credentials are never re-written through the outbox: the attempt limit is never used.
        this.runs = new TypeRuns(jdbc, window, 1, clock, registry);
        runs.register(type);
    }

    /** The credential data type, for the engine's schedule. */
    public ReconciledType<?, ?> type() {
        return type;
    }

    /** Runs on its own worker; an application registers {@link #type()} with the engine instead. */
    public synchronized CredentialReconciler start() {
        worker = new PollingWorker("reconcile-credentials", interval, () -> {
                    runOnce();
                    return 0;
                })
                .start();
        return this;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (worker != null) {
            worker.close();
        }
    }

    /** A stored run. */
    public record Run(
            long id,
            String kind,
            Instant startedAt,
            Instant finishedAt,
            Instant windowStart,
            Instant windowEnd,
            String status,
            int chainRecords,
            int dbRecords,
            int matched,
            int recovered,
            int flagged,
            String error) {}

    /** A stored finding of a run. */
    public record Finding(
            long id,
            long runId,
            String finding,
            String action,
            String credentialHash,
            String signature,
            String detail,
            Instant createdAt) {}

    /** The newest successful run of a kind (see {@link TypeRuns#LAST_SUCCESS}). */
    static final String LAST_SUCCESS = TypeRuns.LAST_SUCCESS;

    /**
     * What a run without findings says. The two counts differ by design: every memo the issuer wrote
     * in the window is looked up in the database, but only credentials confirmed before the window's
     * end less the settle grace are looked up on chain (the next run checks the newer ones).
     */
    public static String agreement(int chainRecords, int dbRecords) {
        return "chain and database agree: all " + chainRecords + " memos the issuer wrote in the window are in the"
                + " database, and all " + dbRecords + " credentials confirmed in it are on chain (those confirmed in"
                + " the last " + SETTLE_GRACE.toSeconds() + " s, the settle grace, are checked by the next run)";
    }

    /**
     * Runs one reconciliation over the window ending now and returns the stored run; when another
     * instance has a credential run under way, returns that one (still {@code running}).
     */
    public Run runOnce() {
        Run run = find(runs.run(type)).orElseThrow();
        if (run.recovered() + run.flagged() > 0) {
            log.warn(
                    "reconciliation {}: {} recovered from chain, {} flagged (chain {}, db {})",
                    run.id(),
                    run.recovered(),
                    run.flagged(),
                    run.chainRecords(),
                    run.dbRecords());
        } else if (run.status().equals("succeeded")) {
            log.info("reconciliation {}: {}", run.id(), agreement(run.chainRecords(), run.dbRecords()));
        }
        return run;
    }

    public Optional<Run> find(long id) {
        return jdbc.queryOne("SELECT * FROM reconciliation_runs WHERE id = ?", CredentialReconciler::mapRun, id);
    }

    /** Newest runs first. */
    public List<Run> runs(Long beforeId, int limit) {
        return beforeId == null
                ? jdbc.query(
                        "SELECT * FROM reconciliation_runs ORDER BY id DESC LIMIT ?",
                        CredentialReconciler::mapRun,
                        limit)
                : jdbc.query(
                        "SELECT * FROM reconciliation_runs WHERE id < ? ORDER BY id DESC LIMIT ?",
                        CredentialReconciler::mapRun,
                        beforeId,
                        limit);
    }

    public List<Finding> findings(long runId) {
        return jdbc.query(
                """
                SELECT id, run_id, finding, action, credential_hash, signature, detail::text AS detail, created_at
                  FROM reconciliation_findings WHERE run_id = ? ORDER BY id""",
                r -> new Finding(
                        r.getLong("id"),
                        r.getLong("run_id"),
                        r.getString("finding"),
                        r.getString("action"),
                        r.getString("credential_hash"),
                        r.getString("signature"),
                        r.getString("detail"),
                        Jdbc.instant(r, "created_at")),
                runId);
    }

    private static Run mapRun(ResultSet r) throws SQLException {
        return new Run(
                r.getLong("id"),
                r.getString("kind"),
                Jdbc.instant(r, "started_at"),
                Jdbc.instant(r, "finished_at"),
                Jdbc.instant(r, "window_start"),
                Jdbc.instant(r, "window_end"),
                r.getString("status"),
                r.getInt("chain_records"),
                r.getInt("db_records"),
                r.getInt("matched"),
                r.getInt("recovered"),
                r.getInt("flagged"),
                r.getString("error"));
    }
}
