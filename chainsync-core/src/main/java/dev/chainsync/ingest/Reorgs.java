package dev.chainsync.ingest;

import dev.chainsync.db.Jdbc;
import dev.chainsync.ingest.EventStore.NewEvents;
import dev.chainsync.ingest.EventStore.Sourced;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls a network back to a fork block: deletes the events at or above it that were published
 * before the notification, then recomputes exactly the derived rows those events fed, from the
 * events that survive. The outcome equals ingesting only the survivors.
 */
final class Reorgs {
    private Reorgs() {}

    private static final Logger log = LoggerFactory.getLogger(Reorgs.class);

    /**
     * The event tables' block-range (BRIN) indexes, which a rollback reads. VACUUM summarizes their
     * ranges, but only where autovacuum runs and has got there; an unsummarized range matches every
     * query, so until then a rollback near the chain's tip read every event ever stored, while it
     * held the writer lock (about 20 ms per 70,000 rows, minutes at a hundred million). Summarizing
     * the ranges added since the last time reads only those pages.
     */
    static final List<String> BLOCK_INDEXES = List.of(
            "atom_created_events_block",
            "triple_created_events_block",
            "deposited_events_block",
            "redeemed_events_block",
            "share_price_changed_events_block",
            "generic_events_block");

    /**
     * How long a rollback waits to summarize: the summary takes a lock that VACUUM, ANALYZE and
     * CREATE INDEX CONCURRENTLY also take (an anti-wraparound vacuum of a large event table can hold
     * it for hours), and every ingest worker waits on the writer lock meanwhile. Without the summary
     * the rollback is as correct, it only reads more.
     */
    static final String SUMMARIZE_LOCK_TIMEOUT = "50ms";

    /** Applies one notification; returns how many events it deleted. */
    static long apply(Connection c, ParsedEntry.Reorg reorg, StreamEntry entry, Instant now) throws SQLException {
        createKeyTables(c);
        // Published before the notification: in its own stream by entry id, in other streams by
        // the millisecond Redis stamped (strictly earlier, so a re-indexed event never goes).
        String published = """
                network = ? AND block_number >= ?
                AND ((source_stream = ? AND (source_entry_ms, source_entry_seq) < (?, ?))
                     OR (source_stream <> ? AND source_entry_ms < ?))""";
        Object[] p = {
            reorg.network(),
            reorg.forkBlock(),
            entry.stream(),
            entry.publishedMillis(),
            entry.publishedSequence(),
            entry.stream(),
            entry.publishedMillis()
        };
        summarizeNewRanges(c);
        // From the deletes to the end of the keyed re-derivation: the fork's block ranges and the
        // affected keys are read through indexes, never by scanning a whole event or derived table,
        // which is what a planner without statistics chooses. The batch's own value comes back after.
        String seqscan = setLocal(c, "enable_seqscan", "off");
        long deleted = deleteForked(c, published, p);
        if (deleted > 0) {
            widenKeys(c);
            Derivation.derive(c, Derivation.Scope.KEYED, step -> {});
        }
        setLocal(c, "enable_seqscan", seqscan);
        dropKeyTables(c);
        record(c, reorg, entry, deleted, now);
        return deleted;
    }

    /** The temp tables of the keys a rollback touches, filled by the deletes, read by {@link Derivation}. */
    private static void createKeyTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TEMP TABLE rk_atom (term_id TEXT) ON COMMIT DROP;
                    CREATE TEMP TABLE rk_triple (term_id TEXT, counter_term_id TEXT, subject_id TEXT,
                                                 predicate_id TEXT, object_id TEXT) ON COMMIT DROP;
                    CREATE TEMP TABLE rk_position (account_id TEXT, term_id TEXT, curve_id NUMERIC) ON COMMIT DROP;
                    CREATE TEMP TABLE rk_vault (term_id TEXT, curve_id NUMERIC) ON COMMIT DROP;
                    CREATE TEMP TABLE rk_term (id TEXT) ON COMMIT DROP;
                    CREATE TEMP TABLE rk_tv (term_id TEXT) ON COMMIT DROP;
                    CREATE TEMP TABLE rk_po (predicate_id TEXT, object_id TEXT) ON COMMIT DROP;
                    CREATE TEMP TABLE rk_sp (subject_id TEXT, predicate_id TEXT) ON COMMIT DROP""");
        }
    }

    /** Deletes the forked events {@code published} selects; their keys go into the temp tables. */
    private static long deleteForked(Connection c, String published, Object[] p) throws SQLException {
        long deleted = 0;
        deleted += Jdbc.update(
                c,
                "WITH d AS (DELETE FROM atom_created_events WHERE " + published
                        + " RETURNING term_id) INSERT INTO rk_atom SELECT DISTINCT term_id FROM d",
                p);
        deleted += Jdbc.update(
                c,
                "WITH d AS (DELETE FROM triple_created_events WHERE " + published
                        + " RETURNING term_id, counter_term_id, subject_id, predicate_id, object_id)"
                        + " INSERT INTO rk_triple SELECT DISTINCT * FROM d",
                p);
        deleted += Jdbc.update(
                c,
                "WITH d AS (DELETE FROM deposited_events WHERE " + published
                        + " RETURNING receiver, term_id, curve_id) INSERT INTO rk_position SELECT * FROM d",
                p);
        deleted += Jdbc.update(
                c,
                "WITH d AS (DELETE FROM redeemed_events WHERE " + published
                        + " RETURNING receiver, term_id, curve_id) INSERT INTO rk_position SELECT * FROM d",
                p);
        deleted += Jdbc.update(
                c,
                "WITH d AS (DELETE FROM share_price_changed_events WHERE " + published
                        + " RETURNING term_id, curve_id) INSERT INTO rk_vault SELECT * FROM d",
                p);
        deleted += Jdbc.update(c, "DELETE FROM generic_events WHERE " + published, p);
        return deleted;
    }

    /** Widens the key sets along the dependencies: position -> vault -> term -> triples -> pairs. */
    private static void widenKeys(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO rk_vault SELECT DISTINCT term_id, curve_id FROM rk_position;
                    INSERT INTO rk_term SELECT term_id FROM rk_atom
                                  UNION SELECT term_id FROM rk_triple
                                  UNION SELECT counter_term_id FROM rk_triple
                                  UNION SELECT term_id FROM rk_vault;
                    INSERT INTO rk_tv SELECT term_id FROM rk_triple
                                UNION SELECT term_id FROM triple WHERE term_id IN (SELECT id FROM rk_term)
                                UNION SELECT term_id FROM triple WHERE counter_term_id IN (SELECT id FROM rk_term);
                    INSERT INTO rk_po SELECT predicate_id, object_id FROM rk_triple
                                UNION SELECT predicate_id, object_id FROM triple WHERE term_id IN (SELECT term_id FROM rk_tv);
                    INSERT INTO rk_sp SELECT subject_id, predicate_id FROM rk_triple
                                UNION SELECT subject_id, predicate_id FROM triple WHERE term_id IN (SELECT term_id FROM rk_tv);
                    ANALYZE rk_atom, rk_triple, rk_position, rk_vault, rk_term, rk_tv, rk_po, rk_sp""");
        }
    }

    private static void dropKeyTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE rk_atom, rk_triple, rk_position, rk_vault, rk_term, rk_tv, rk_po, rk_sp");
        }
    }

    /** The audit row of the rollback, with how many events it deleted. */
    private static void record(Connection c, ParsedEntry.Reorg reorg, StreamEntry entry, long deleted, Instant now)
            throws SQLException {
        Jdbc.update(
                c,
                """
                INSERT INTO ingest_reorgs (network, fork_block, depth, stream, entry_id, entry_ms, entry_seq,
                                           events_deleted, applied_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                reorg.network(),
                reorg.forkBlock(),
                reorg.depth(),
                entry.stream(),
                entry.id(),
                entry.publishedMillis(),
                entry.publishedSequence(),
                deleted,
                now);
    }

    /**
     * Summarizes the block ranges added to the event tables since the last time, if it can do so at
     * once: a lock held elsewhere, or a role that does not own the indexes, leaves the rollback to
     * read the unsummarized ranges too.
     */
    private static void summarizeNewRanges(Connection c) throws SQLException {
        Savepoint before = c.setSavepoint();
        try {
            String lockTimeout = setLocal(c, "lock_timeout", SUMMARIZE_LOCK_TIMEOUT);
            Jdbc.query(
                    c,
                    "SELECT brin_summarize_new_values(i::regclass) FROM unnest(?::text[]) AS i",
                    r -> r.getLong(1),
                    (Object) c.createArrayOf("text", BLOCK_INDEXES.toArray()));
            setLocal(c, "lock_timeout", lockTimeout);
            c.releaseSavepoint(before);
        } catch (SQLException e) {
            if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState()) && !INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(before);
            log.info("reorg rollback reads unsummarized block ranges too: {}", e.getMessage());
        }
    }

    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    /** Sets {@code name} for the rest of the transaction; returns the value it had. */
    private static String setLocal(Connection c, String name, String value) throws SQLException {
        String previous = Jdbc.query(c, "SELECT current_setting(?)", r -> r.getString(1), name)
                .getFirst();
        Jdbc.query(c, "SELECT set_config(?, ?, true)", r -> r.getString(1), name, value);
        return previous;
    }

    private record Applied(String network, long forkBlock, String stream, long ms, long seq) {
        /** Was {@code e}, of an entry of {@code source}, published before this notification? (as in apply) */
        boolean rolledBack(ChainEvent e, StreamEntry source) {
            if (!e.meta().network().equals(network) || e.meta().blockNumber() < forkBlock) {
                return false;
            }
            if (source.stream().equals(stream)) {
                return source.publishedMillis() < ms
                        || (source.publishedMillis() == ms && source.publishedSequence() < seq);
            }
            return source.publishedMillis() < ms;
        }
    }

    /**
     * Removes from a batch the events an already applied notification rolled back: published
     * before it, at or above its fork block, but read only now (a slower worker had them).
     * Notifications applied after this check, while the batch's rows are not yet committed, are
     * caught by {@link #removeLateRollbacks} under the writer lock.
     */
    static List<ParsedEntry> dropRolledBack(Connection c, List<ParsedEntry> entries) throws SQLException {
        java.util.Set<String> networks = new java.util.HashSet<>();
        long minMs = Long.MAX_VALUE;
        for (ParsedEntry p : entries) {
            if (!p.events().isEmpty()) {
                minMs = Math.min(minMs, p.entry().publishedMillis());
                p.events().forEach(e -> networks.add(e.meta().network()));
            }
        }
        List<Applied> applied = applied(c, networks, minMs);
        if (applied.isEmpty()) {
            return entries;
        }
        List<ParsedEntry> out = new ArrayList<>(entries.size());
        for (ParsedEntry p : entries) {
            List<ChainEvent> kept = p.events().stream()
                    .filter(e -> applied.stream().noneMatch(a -> a.rolledBack(e, p.entry())))
                    .toList();
            out.add(kept.size() == p.events().size() ? p : new ParsedEntry(p.entry(), kept, p.reorg()));
        }
        return out;
    }

    /**
     * Under the writer lock, after the batch inserted its events without it: a notification
     * applied in between deleted only the committed events, not this batch's, so the ones it
     * rolls back are deleted here and left out of the projections. The same rule as
     * {@link #dropRolledBack}: the result is as if the batch had been read after the notification.
     */
    static NewEvents removeLateRollbacks(Connection c, NewEvents inserted) throws SQLException {
        java.util.Set<String> networks = new java.util.HashSet<>();
        long minMs = Long.MAX_VALUE;
        for (Sourced<? extends ChainEvent> s : inserted.all()) {
            minMs = Math.min(minMs, s.entry().publishedMillis());
            networks.add(s.event().meta().network());
        }
        List<Applied> applied = applied(c, networks, minMs);
        if (applied.isEmpty()) {
            return inserted;
        }
        return EventStore.remove(c, inserted, s -> applied.stream().anyMatch(a -> a.rolledBack(s.event(), s.entry())));
    }

    /** Notifications applied for these networks that could concern entries published from {@code minMs} on. */
    private static List<Applied> applied(Connection c, java.util.Set<String> networks, long minMs) throws SQLException {
        if (networks.isEmpty()) {
            return List.of();
        }
        List<Applied> applied = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT network, fork_block, stream, entry_ms, entry_seq FROM ingest_reorgs
                 WHERE network = ANY (?) AND entry_ms >= ?""")) {
            ps.setArray(1, c.createArrayOf("text", networks.toArray(String[]::new)));
            ps.setLong(2, minMs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    applied.add(
                            new Applied(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getLong(5)));
                }
            }
        }
        return applied;
    }
}
