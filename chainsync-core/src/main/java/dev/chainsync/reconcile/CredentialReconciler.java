package dev.chainsync.reconcile;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.ChainRecord;
import dev.chainsync.credential.Credential;
import dev.chainsync.credential.CredentialHash;
import dev.chainsync.credential.CredentialService;
import dev.chainsync.credential.CredentialStatus;
import dev.chainsync.db.Jdbc;
import dev.chainsync.json.Json;
import dev.chainsync.webhook.WebhookOutbox;
import dev.chainsync.worker.PollingWorker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safety net of the write path: compares what the issuer address wrote on chain in a recent
 * window with the credentials table. A credential memo on chain that the database lacks is
 * recovered ({@code recovered_from_chain}); a credential the database calls confirmed whose
 * transaction the chain does not have is flagged. Every run is stored with its counts and findings.
 */
public final class CredentialReconciler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CredentialReconciler.class);
    static final String KIND = "credentials";
    static final int PAGE = 1000;
    /** The webhook event type for every finding. */
    public static final String EVENT_DISCREPANCY = "reconciliation.discrepancy";
    /** Confirmations this recent may belong to blocks the chain history lists a moment later. */
    static final Duration SETTLE_GRACE = Duration.ofSeconds(5);

    private final Jdbc jdbc;
    private final ChainClient chain;
    private final CredentialService credentials;
    private final Duration interval;
    private final Duration window;
    private final Clock clock;
    private final Counter recovered;
    private final Counter flagged;
    private final Counter failedRuns;
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
        this.chain = chain;
        this.credentials = credentials;
        this.interval = interval;
        this.window = window;
        this.clock = clock;
        this.recovered = registry.counter("chainsync_reconcile_recovered_total");
        this.flagged = registry.counter("chainsync_reconcile_flagged_total");
        this.failedRuns = registry.counter("chainsync_reconcile_failed_runs_total");
    }

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

    /**
     * The newest successful run of a kind, one probe of reconciliation_runs_succeeded_idx (V44).
     * Without it, a planner without statistics expected almost no run to match and read every run
     * ever recorded, then sorted them.
     */
    static final String LAST_SUCCESS = """
            SELECT window_end FROM reconciliation_runs WHERE kind = ? AND status = 'succeeded'
             ORDER BY id DESC LIMIT 1""";

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

    /** Runs one reconciliation over the window ending now and returns the stored run. */
    public Run runOnce() {
        Instant now = clock.instant();
        Instant from = now.minus(window);
        // Windows join up whatever the interval, the run time or a downtime: a run reaches back at
        // least to where the last successful one stopped checking (its end less the settle grace).
        Optional<Instant> covered = jdbc.queryOne(LAST_SUCCESS, r -> Jdbc.instant(r, "window_end"), KIND)
                .map(end -> end.minus(SETTLE_GRACE));
        if (covered.isPresent() && covered.get().isBefore(from)) {
            from = covered.get();
        }
        long runId = jdbc.queryOne("""
                INSERT INTO reconciliation_runs (kind, started_at, window_start, window_end, status)
                VALUES (?, ?, ?, ?, 'running') RETURNING id""", r -> r.getLong(1), KIND, now, from, now).orElseThrow();
        try {
            Counts counts = reconcile(runId, from, now);
            jdbc.update(
                    """
                    UPDATE reconciliation_runs SET status = 'succeeded', finished_at = ?, chain_records = ?,
                           db_records = ?, matched = ?, recovered = ?, flagged = ? WHERE id = ?""",
                    clock.instant(),
                    counts.chain,
                    counts.db,
                    counts.matched,
                    counts.recovered,
                    counts.flagged,
                    runId);
            if (counts.recovered + counts.flagged > 0) {
                log.warn(
                        "reconciliation {}: {} recovered from chain, {} flagged (chain {}, db {})",
                        runId,
                        counts.recovered,
                        counts.flagged,
                        counts.chain,
                        counts.db);
            } else {
                log.info("reconciliation {}: {}", runId, agreement(counts.chain, counts.db));
            }
        } catch (RuntimeException e) {
            failedRuns.increment();
            log.warn("reconciliation {} failed: {}", runId, e.toString());
            jdbc.update(
                    "UPDATE reconciliation_runs SET status = 'failed', finished_at = ?, error = ? WHERE id = ?",
                    clock.instant(),
                    String.valueOf(e.getMessage()),
                    runId);
        }
        return find(runId).orElseThrow();
    }

    private static final class Counts {
        int chain;
        int db;
        int matched;
        int recovered;
        int flagged;
    }

    private Counts reconcile(long runId, Instant from, Instant to) {
        Counts counts = new Counts();
        Map<String, ChainRecord> onChain = chainMemos(from, counts);
        Map<String, CredentialStatus> known = credentials.statusesOf(onChain.keySet());
        for (Map.Entry<String, ChainRecord> e : onChain.entrySet()) {
            String hash = e.getKey();
            ChainRecord record = e.getValue();
            CredentialStatus status = known.get(hash);
            if (status == null) {
                // The recovery, its finding and its event commit together: a crash between them would
                // leave a recovered credential that later runs count as matched, never reported.
                boolean done = jdbc.inTransaction(c -> credentials.recoverFromChain(c, record, hash, runId)
                        && finding(
                                c,
                                runId,
                                "missing_in_db",
                                "recovered",
                                hash,
                                record.signature(),
                                Json.object("slot", record.slot())));
                if (done) {
                    counts.recovered++;
                    recovered.increment();
                }
            } else if (status == CredentialStatus.DEAD_LETTERED) {
                // The relay gave up, yet the memo is on chain: a person should retry it (the retry adopts the landed
                // transaction).
                if (flag(
                        runId,
                        "status_behind_chain",
                        hash,
                        record.signature(),
                        "dead-lettered in the database but on chain in " + record.signature(),
                        Json.object("db_status", status.dbName()))) {
                    counts.flagged++;
                } else {
                    counts.matched++;
                }
            } else {
                counts.matched++;
            }
        }
        List<Credential> confirmed = credentials.confirmedBetween(from, to.minus(SETTLE_GRACE));
        counts.db = confirmed.size();
        for (Credential cr : confirmed) {
            // Keyed by hash, not by signature alone: a packed transaction's signature is shared by its credentials.
            ChainRecord listed = onChain.get(cr.hash());
            if (listed != null && listed.signature().equals(cr.chainSignature())) {
                continue;
            }
            // Outside the listed page range or genuinely missing: ask for the transaction itself before flagging.
            Optional<ChainRecord> tx = chain.transaction(cr.chainSignature());
            if (tx.isPresent() && byIssuer(tx.get()) && tx.get().carries(CredentialHash.memo(cr.hash()))) {
                continue;
            }
            String reason = tx.isEmpty()
                    ? "transaction " + cr.chainSignature() + " not found on chain"
                    : !byIssuer(tx.get())
                            ? "transaction " + cr.chainSignature() + " was not written by the issuer"
                            : "transaction " + cr.chainSignature() + " does not carry this credential's memo";
            if (flag(
                    runId, "missing_on_chain", cr.hash(), cr.chainSignature(), reason, Json.object("reason", reason))) {
                counts.flagged++;
            }
        }
        return counts;
    }

    /** Whether {@code r} succeeded and was signed by this service's issuer. */
    private boolean byIssuer(ChainRecord r) {
        return r.error() == null && r.signer().equals(credentials.issuerAddress());
    }

    /** Credential memos the issuer wrote successfully since {@code from}, newest first, keyed by hash. */
    private Map<String, ChainRecord> chainMemos(Instant from, Counts counts) {
        Map<String, ChainRecord> out = new LinkedHashMap<>();
        String before = null;
        while (true) {
            List<ChainRecord> page = chain.recordsByAddress(credentials.issuerAddress(), before, PAGE);
            for (ChainRecord r : page) {
                if (r.blockTime() != null && r.blockTime().isBefore(from)) {
                    return out;
                }
                // A packed transaction anchors several credentials: each memo is one chain record here.
                for (String memo : r.memos()) {
                    String hash = CredentialHash.hashFromMemo(memo);
                    // A chain's history of an address may list transactions others wrote naming it (Solana's
                    // getSignaturesForAddress does): only the issuer's own count.
                    if (hash != null && byIssuer(r)) {
                        counts.chain++;
                        // Newest first: keep the earliest landing if a memo ever appeared twice.
                        out.put(hash, r);
                    }
                }
            }
            if (page.size() < PAGE) {
                return out;
            }
            before = page.getLast().signature();
        }
    }

    /**
     * Flags a disagreement once: its history entry, finding and event in one transaction, unless a
     * run (this instance's or another's, at the same moment) already flagged it. The advisory lock
     * on the credential makes the check and the insert one step across instances; it is held only
     * for this short transaction, never across a chain call.
     */
    private boolean flag(long runId, String finding, String hash, String signature, String reason, String detail) {
        boolean done = jdbc.inTransaction(c -> {
            Jdbc.query(c, "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", r -> 1, "reconcile:" + hash);
            boolean already = Jdbc.query(c, """
                    SELECT 1 FROM reconciliation_findings
                     WHERE action = 'flagged' AND credential_hash = ? AND signature IS NOT DISTINCT FROM ?
                     LIMIT 1""", r -> 1, hash, signature).size() > 0;
            if (already) {
                return false;
            }
            credentials.flag(c, hash, reason, runId);
            return finding(c, runId, finding, "flagged", hash, signature, detail);
        });
        if (done) {
            flagged.increment();
        }
        return done;
    }

    /** Records a finding and the {@code reconciliation.discrepancy} event that tells subscribers about it. */
    private boolean finding(
            Connection c, long runId, String finding, String action, String hash, String signature, String detail)
            throws SQLException {
        Instant now = clock.instant();
        String event = Json.object(
                "run_id",
                runId,
                "finding",
                finding,
                "action",
                action,
                "credential_hash",
                hash,
                "signature",
                signature,
                "detail",
                Json.read(detail));
        Jdbc.update(c, """
                INSERT INTO reconciliation_findings (run_id, finding, action, credential_hash, signature, detail, created_at)
                VALUES (?, ?, ?, ?, ?, ?::jsonb, ?)""", runId, finding, action, hash, signature, detail, now);
        WebhookOutbox.emit(c, EVENT_DISCREPANCY, event, now);
        return true;
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
