package dev.chainsync.reconcile;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.ChainRecord;
import dev.chainsync.credential.Credential;
import dev.chainsync.credential.CredentialHash;
import dev.chainsync.credential.CredentialService;
import dev.chainsync.credential.CredentialStatus;
import dev.chainsync.db.Jdbc;
import dev.chainsync.json.Json;
import dev.chainsync.outbox.NewOperation;
import dev.chainsync.webhook.WebhookOutbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Credentials as a reconciled data type (chain wins): what the issuer address wrote on chain in the
 * window against the credentials table. A credential memo on chain that the database lacks is
 * recovered ({@code recovered_from_chain}); a credential the database calls confirmed whose memo the
 * chain does not hold, and a dead-lettered one whose memo landed after all, cannot be healed from the
 * chain and are flagged once. Findings keep the credential shape (columns, event payload, counters).
 */
final class CredentialCheck implements ReconciledType<CredentialCheck.ChainSide, CredentialCheck.DbSide>, OwnFindings {
    private final Jdbc jdbc;
    private final ChainClient chain;
    private final CredentialService credentials;
    private final Counter recovered;
    private final Counter flagged;
    private final ReconcileMetrics metrics;

    CredentialCheck(Jdbc jdbc, ChainClient chain, CredentialService credentials, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.chain = chain;
        this.credentials = credentials;
        this.recovered = registry.counter("chainsync_reconcile_recovered_total");
        this.flagged = registry.counter("chainsync_reconcile_flagged_total");
        this.metrics = new ReconcileMetrics(registry, CredentialReconciler.KIND);
    }

    /**
     * The issuer's credential memos in the window (newest landing wins nothing: the earliest is kept),
     * how many memo occurrences were counted, and the transactions looked up one by one afterwards.
     */
    record ChainSide(Map<String, ChainRecord> memos, int records, Map<String, Optional<ChainRecord>> lookedUp) {}

    /** The statuses of the memos' hashes, the credentials confirmed in the window, and what was flagged before. */
    record DbSide(Map<String, CredentialStatus> statuses, List<Credential> confirmed, Set<String> flaggedBefore) {}

    /** What a credential finding records beside the discrepancy: its name, signature, detail and reason. */
    record Facts(String finding, ChainRecord record, String signature, String reason, String detail) {}

    @Override
    public String name() {
        return CredentialReconciler.KIND;
    }

    @Override
    public SourceOfTruth sourceOfTruth() {
        return SourceOfTruth.CHAIN_WINS;
    }

    @Override
    public Severity severity() {
        return Severity.CRITICAL;
    }

    /** Windows join up: a run reaches back at least to where the last successful one stopped checking. */
    @Override
    public Instant windowStart(Instant from, Optional<Instant> lastSuccessEnd) {
        Optional<Instant> covered = lastSuccessEnd.map(end -> end.minus(CredentialReconciler.SETTLE_GRACE));
        return covered.isPresent() && covered.get().isBefore(from) ? covered.get() : from;
    }

    @Override
    public ChainSide readChain(Instant from, Instant to) {
        Map<String, ChainRecord> out = new LinkedHashMap<>();
        int records = 0;
        String before = null;
        while (true) {
            List<ChainRecord> page =
                    chain.recordsByAddress(credentials.issuerAddress(), before, CredentialReconciler.PAGE);
            for (ChainRecord r : page) {
                if (r.blockTime() != null && r.blockTime().isBefore(from)) {
                    return new ChainSide(out, records, Map.of());
                }
                // A packed transaction anchors several credentials: each memo is one chain record here.
                for (String memo : r.memos()) {
                    String hash = CredentialHash.hashFromMemo(memo);
                    // A chain's history of an address may list transactions others wrote naming it (Solana's
                    // getSignaturesForAddress does): only the issuer's own count.
                    if (hash != null && byIssuer(r)) {
                        records++;
                        // Newest first: keep the earliest landing if a memo ever appeared twice.
                        out.put(hash, r);
                    }
                }
            }
            if (page.size() < CredentialReconciler.PAGE) {
                return new ChainSide(out, records, Map.of());
            }
            before = page.getLast().signature();
        }
    }

    @Override
    public DbSide readDatabase(Instant from, Instant to, ChainSide chainSide) {
        Map<String, CredentialStatus> statuses =
                credentials.statusesOf(chainSide.memos().keySet());
        List<Credential> confirmed = credentials.confirmedBetween(from, to.minus(CredentialReconciler.SETTLE_GRACE));
        Set<String> hashes = new HashSet<>(chainSide.memos().keySet());
        confirmed.forEach(c -> hashes.add(c.hash()));
        Set<String> flaggedBefore = new HashSet<>(jdbc.withConnection(c -> Jdbc.query(
                c, """
                SELECT credential_hash, signature FROM reconciliation_findings
                 WHERE action = 'flagged' AND credential_hash = ANY (?)""", r -> flagKey(r.getString(1), r.getString(2)), Jdbc.array(c, "text", hashes.toArray()))));
        return new DbSide(statuses, confirmed, flaggedBefore);
    }

    /** Outside the listed page range or genuinely missing: asks for each unlisted confirmed transaction. */
    @Override
    public ChainSide recheckChain(ChainSide chainSide, DbSide db) {
        Map<String, Optional<ChainRecord>> looked = new HashMap<>();
        for (Credential cr : db.confirmed()) {
            if (!listed(chainSide, cr) && !db.flaggedBefore().contains(flagKey(cr.hash(), cr.chainSignature()))) {
                looked.computeIfAbsent(cr.chainSignature(), chain::transaction);
            }
        }
        return new ChainSide(chainSide.memos(), chainSide.records(), looked);
    }

    private static boolean listed(ChainSide chainSide, Credential cr) {
        // Keyed by hash, not by signature alone: a packed transaction's signature is shared by its credentials.
        ChainRecord listed = chainSide.memos().get(cr.hash());
        return listed != null && listed.signature().equals(cr.chainSignature());
    }

    @Override
    public List<Discrepancy> compare(ChainSide chainSide, DbSide db, Instant now) {
        List<Discrepancy> out = new ArrayList<>();
        chainSide.memos().forEach((hash, record) -> {
            CredentialStatus status = db.statuses().get(hash);
            Observed onChain = new Observed(record.signer(), record.signature(), record.blockTime());
            if (status == null) {
                out.add(new Discrepancy(
                        hash,
                        DiscrepancyKind.MISSING_IN_DB,
                        onChain,
                        null,
                        new Facts(
                                CredentialReconciler.MISSING_IN_DB,
                                record,
                                record.signature(),
                                null,
                                Json.object("slot", record.slot()))));
            } else if (status == CredentialStatus.DEAD_LETTERED
                    && !db.flaggedBefore().contains(flagKey(hash, record.signature()))) {
                // The relay gave up, yet the memo is on chain: a person should retry it (the retry adopts it).
                out.add(new Discrepancy(
                        hash,
                        DiscrepancyKind.VALUE_MISMATCH,
                        onChain,
                        new Observed(null, status.dbName(), null),
                        new Facts(
                                CredentialReconciler.STATUS_BEHIND_CHAIN,
                                record,
                                record.signature(),
                                "dead-lettered in the database but on chain in " + record.signature(),
                                Json.object("db_status", status.dbName()))));
            }
        });
        for (Credential cr : db.confirmed()) {
            Optional<ChainRecord> tx = chainSide.lookedUp().get(cr.chainSignature());
            if (listed(chainSide, cr)
                    || tx == null
                    || (tx.isPresent() && byIssuer(tx.get()) && tx.get().carries(CredentialHash.memo(cr.hash())))) {
                continue;
            }
            String reason = tx.isEmpty()
                    ? "transaction " + cr.chainSignature() + " not found on chain"
                    : !byIssuer(tx.get())
                            ? "transaction " + cr.chainSignature() + " was not written by the issuer"
                            : "transaction " + cr.chainSignature() + " does not carry this credential's memo";
            out.add(new Discrepancy(
                    cr.hash(),
                    DiscrepancyKind.MISSING_ON_CHAIN,
                    tx.map(r -> new Observed(r.signer(), r.signature(), r.blockTime()))
                            .orElse(null),
                    new Observed(cr.issuerAddress(), cr.chainSignature(), cr.confirmedAt()),
                    new Facts(
                            CredentialReconciler.MISSING_ON_CHAIN,
                            null,
                            cr.chainSignature(),
                            reason,
                            Json.object("reason", reason))));
        }
        return out;
    }

    /** Memos counted on chain, credentials confirmed in the window, and chain memos the database agrees with. */
    @Override
    public Tally tally(ChainSide chainSide, DbSide db, List<Discrepancy> found) {
        // Only the chain side's disagreements: a flagged confirmed credential may still have its memo listed.
        Set<String> disagreeing = new HashSet<>();
        found.stream().filter(d -> d.kind() != DiscrepancyKind.MISSING_ON_CHAIN).forEach(d -> disagreeing.add(d.key()));
        int matched = 0;
        for (String hash : chainSide.memos().keySet()) {
            if (db.statuses().containsKey(hash) && !disagreeing.contains(hash)) {
                matched++;
            }
        }
        return new Tally(chainSide.records(), db.confirmed().size(), matched);
    }

    /** Only a memo the database lacks can be copied from the chain. */
    @Override
    public boolean canHeal(Discrepancy d) {
        return d.kind() == DiscrepancyKind.MISSING_IN_DB && d.context() instanceof Facts f && f.record() != null;
    }

    /** Recovers the credential; {@link #UNCHANGED} when another run recovered it first (the insert found it). */
    @Override
    public String healDatabase(Connection tx, Discrepancy d, long runId, Instant now) throws SQLException {
        Facts f = (Facts) d.context();
        return credentials.recoverFromChain(tx, f.record(), d.key(), runId)
                ? Json.object("status", CredentialStatus.RECOVERED_FROM_CHAIN.dbName(), "signature", f.signature())
                : UNCHANGED;
    }

    @Override
    public Optional<NewOperation> rewriteChain(Discrepancy d) {
        return Optional.empty();
    }

    /**
     * Flags a disagreement once: its history entry unless a run (this instance's or another's, at the
     * same moment) already flagged it. The advisory lock on the credential makes the check and the
     * insert one step across instances; it is held only for this short transaction.
     */
    @Override
    public boolean report(Connection tx, Discrepancy d, long runId, Instant now) throws SQLException {
        Facts f = (Facts) d.context();
        Jdbc.query(tx, "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", r -> 1, "reconcile:" + d.key());
        boolean already = !Jdbc.query(tx, """
                        SELECT 1 FROM reconciliation_findings
                         WHERE action = 'flagged' AND credential_hash = ? AND signature IS NOT DISTINCT FROM ?
                         LIMIT 1""", r -> 1, d.key(), f.signature()).isEmpty();
        if (already) {
            return false;
        }
        credentials.flag(tx, d.key(), f.reason(), runId);
        return true;
    }

    /** The credential finding row and its {@code reconciliation.discrepancy} event, as before the engine. */
    @Override
    public void finding(Connection tx, long runId, Discrepancy d, ReconcileStore.Applied applied, Instant now)
            throws SQLException {
        Facts f = (Facts) d.context();
        String action = applied == ReconcileStore.Applied.HEALED ? "recovered" : "flagged";
        Jdbc.update(tx, """
                INSERT INTO reconciliation_findings
                       (run_id, finding, action, item_key, credential_hash, signature, detail, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?)""", runId, f.finding(), action, d.key(), d.key(), f.signature(), f.detail(), now);
        WebhookOutbox.emit(
                tx,
                CredentialReconciler.EVENT_DISCREPANCY,
                Json.object(
                        "run_id",
                        runId,
                        "finding",
                        f.finding(),
                        "action",
                        action,
                        "credential_hash",
                        d.key(),
                        "signature",
                        f.signature(),
                        "detail",
                        Json.read(f.detail())),
                now);
    }

    @Override
    public void counted(Discrepancy d, ReconcileStore.Applied applied) {
        Facts f = (Facts) d.context();
        if (applied == ReconcileStore.Applied.HEALED) {
            recovered.increment();
            metrics.inconsistency(f.finding());
        } else if (applied == ReconcileStore.Applied.REPORTED) {
            flagged.increment();
            metrics.inconsistency(f.finding());
        }
    }

    /** Whether {@code r} succeeded and was signed by this service's issuer. */
    private boolean byIssuer(ChainRecord r) {
        return r.error() == null && r.signer().equals(credentials.issuerAddress());
    }

    private static String flagKey(String hash, String signature) {
        return hash + "|" + signature;
    }
}
