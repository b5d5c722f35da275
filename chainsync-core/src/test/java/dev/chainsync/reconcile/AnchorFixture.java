package dev.chainsync.reconcile;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.ChainRecord;
import dev.chainsync.db.Jdbc;
import dev.chainsync.outbox.NewOperation;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A test data type standing in for ticket ownership or royalty balances: rows {@code key → owner,
 * value} in a table of its own, anchored on chain as memos {@code anchor:key=owner/value} written by
 * the issuer. Its policy is chosen per test, so each source of truth runs against the real chain.
 */
final class AnchorFixture implements ReconciledType<Map<String, Observed>, Map<String, Observed>> {
    static final String PREFIX = "anchor:";
    private final Jdbc jdbc;
    private final ChainClient chain;
    private final String issuer;
    private final SourceOfTruth policy;
    RuntimeException failReads;
    /** Runs at the start of every chain read (a test holds a run there). */
    Runnable beforeRead = () -> {};

    AnchorFixture(Jdbc jdbc, ChainClient chain, String issuer, SourceOfTruth policy) {
        this.jdbc = jdbc;
        this.chain = chain;
        this.issuer = issuer;
        this.policy = policy;
        jdbc.update("CREATE TABLE IF NOT EXISTS anchors (key TEXT PRIMARY KEY, owner TEXT, value TEXT NOT NULL)");
    }

    static String memo(String key, String owner, String value) {
        return PREFIX + key + "=" + owner + "/" + value;
    }

    @Override
    public String name() {
        return "anchors_" + policy.dbName();
    }

    @Override
    public SourceOfTruth sourceOfTruth() {
        return policy;
    }

    @Override
    public Severity severity() {
        return Severity.CRITICAL;
    }

    @Override
    public Map<String, Observed> readChain(Instant from, Instant to) {
        beforeRead.run();
        if (failReads != null) {
            throw failReads;
        }
        Map<String, Observed> out = new HashMap<>();
        // Oldest first, so the newest memo of a key wins.
        for (ChainRecord r : chain.recordsByAddress(issuer, null, 1000).reversed()) {
            for (String m : r.memos()) {
                if (m.startsWith(PREFIX) && r.error() == null) {
                    String[] kv = m.substring(PREFIX.length()).split("=", 2);
                    String[] ov = kv[1].split("/", 2);
                    out.put(kv[0], new Observed(ov[0], ov[1], r.blockTime()));
                }
            }
        }
        return out;
    }

    @Override
    public Map<String, Observed> readDatabase(Instant from, Instant to, Map<String, Observed> chainSide) {
        Map<String, Observed> out = new HashMap<>();
        jdbc.query(
                "SELECT key, owner, value FROM anchors",
                r -> out.put(r.getString("key"), new Observed(r.getString("owner"), r.getString("value"), null)));
        return out;
    }

    @Override
    public List<Discrepancy> compare(Map<String, Observed> c, Map<String, Observed> d, Instant now) {
        return Observed.compare(c, d, now, Duration.ofDays(1));
    }

    @Override
    public String healDatabase(Connection tx, Discrepancy d, long runId, Instant now) throws SQLException {
        if (d.chain() == null) {
            Jdbc.update(tx, "DELETE FROM anchors WHERE key = ?", d.key());
            return null;
        }
        Jdbc.update(tx, """
                INSERT INTO anchors (key, owner, value) VALUES (?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, value = excluded.value""", d.key(), d.chain().owner(), d.chain().value());
        return d.chain().owner() + "/" + d.chain().value();
    }

    @Override
    public Optional<NewOperation> rewriteChain(Discrepancy d) {
        if (d.database() == null) {
            return Optional.empty();
        }
        String memo = memo(d.key(), d.database().owner(), d.database().value());
        return Optional.of(new NewOperation("anchor", d.key(), memo, "reconcile:" + memo));
    }
}
