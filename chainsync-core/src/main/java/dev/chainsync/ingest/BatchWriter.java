package dev.chainsync.ingest;

import dev.chainsync.db.Jdbc;
import dev.chainsync.ingest.EventStore.NewEvents;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Commits a batch of parsed entries in one transaction: the event rows, every projection they
 * change, any reorg rollback, and the per-stream progress record. Either all of it is visible
 * or none; the caller acknowledges the entries only after this returns.
 */
final class BatchWriter {
    private final Jdbc jdbc;

    BatchWriter(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** What a committed batch did. */
    record Outcome(int entries, int events, NewEvents fresh, long reorgDeleted, int reorgs) {}

    Outcome write(List<ParsedEntry> entries, String group, Instant now) {
        return jdbc.inTransaction(c -> write(c, entries, group, now));
    }

    /**
     * The writer lock first, then the event rows, the projections and the progress, so no batch
     * ever holds an event row while it waits for the lock. Inserting before the lock (as chainsync
     * once did, to overlap one batch's inserts with another's projections) let a batch wait for
     * the lock while holding a row that the lock's holder then waited on: a deadlock PostgreSQL
     * broke after {@code deadlock_timeout}, about a second per occurrence. Under the lock the only
     * writers of the event tables are one at a time, so they cannot wait on each other at all.
     */
    static Outcome write(Connection c, List<ParsedEntry> entries, String group, Instant now) throws SQLException {
        lockWriter(c);
        return writeLocked(c, entries, group, now);
    }

    /** {@link #write} for a caller that took the writer lock already, first thing in its transaction. */
    static Outcome writeLocked(Connection c, List<ParsedEntry> entries, String group, Instant now) throws SQLException {
        return project(c, entries, insertEvents(c, entries, now), group, now);
    }

    /**
     * The event rows of a batch. Each is inserted once: the primary key makes a duplicate (stored
     * before, or earlier in the batch) a skipped row, and only rows the insert reports feed the
     * projections. Callers hold the writer lock ({@link #write}); tests call this without it to
     * play a writer of an older version, which inserted first.
     */
    static NewEvents insertEvents(Connection c, List<ParsedEntry> entries, Instant now) throws SQLException {
        return EventStore.insert(c, Reorgs.dropRolledBack(c, entries), now);
    }

    /** Takes the writer lock, then {@link #project}: for event rows inserted before the lock. */
    static Outcome finish(Connection c, List<ParsedEntry> entries, NewEvents inserted, String group, Instant now)
            throws SQLException {
        lockWriter(c);
        return project(c, entries, inserted, group, now);
    }

    /**
     * Under the writer lock: projections, rollbacks, progress. Rows inserted before the lock (by
     * an instance of an older version during a rolling upgrade) may have been invisible to a
     * notification applied meanwhile, so the events it rolls back are removed here, before
     * anything is derived from them.
     */
    private static Outcome project(
            Connection c, List<ParsedEntry> entries, NewEvents inserted, String group, Instant now)
            throws SQLException {
        NewEvents fresh = Reorgs.removeLateRollbacks(c, inserted);
        Projections.apply(c, fresh);
        // Rollbacks run after the batch's own events are in, so a notification removes exactly the
        // events published before it, whichever order they were read in.
        long deleted = 0;
        int reorgs = 0;
        for (ParsedEntry p : entries) {
            if (p.reorg() != null) {
                deleted += Reorgs.apply(c, p.reorg(), p.entry(), now);
                reorgs++;
            }
        }
        int events = entries.stream().mapToInt(p -> p.events().size()).sum();
        recordProgress(c, entries, fresh, group, now);
        return new Outcome(entries.size(), events, fresh, deleted, reorgs);
    }

    /**
     * Serialises writers of the derived tables (see V12__ingest_consumer.sql). Also sets the
     * batch transaction's planner settings (same round trip): without them, a batch of tens of
     * thousands of rows spills its sorts to disk (the server's work_mem is 4 MB), and the
     * projections' cost estimates, far off while the tables grow faster than autovacuum
     * analyses them, trigger JIT compilation that cost 300-400 ms a statement for a few
     * thousand rows (measured with auto_explain; see docs/benchmarks-ingest.md).
     */
    static void lockWriter(Connection c) throws SQLException {
        try (var s = c.createStatement()) {
            s.execute(BATCH_SETTINGS + "; SELECT id FROM ingest_writer WHERE id = 1 FOR UPDATE");
        }
    }

    /** Transaction-local: they end with the batch and never leak into the pooled connection. */
    static final String BATCH_SETTINGS = "SET LOCAL jit = off; SET LOCAL work_mem = '64MB'";

    private record StreamProgress(StreamEntry last, long entries, long events, long fresh, Long lastBlock) {}

    private static void recordProgress(
            Connection c, List<ParsedEntry> entries, NewEvents fresh, String group, Instant now) throws SQLException {
        Map<String, Long> freshByStream = new LinkedHashMap<>();
        for (var s : fresh.all()) {
            freshByStream.merge(s.entry().stream(), 1L, Long::sum);
        }
        Map<String, StreamProgress> byStream = new LinkedHashMap<>();
        for (ParsedEntry p : entries) {
            StreamEntry e = p.entry();
            Long block = p.events().stream()
                    .mapToLong(ev -> ev.meta().blockNumber())
                    .boxed()
                    .max(Long::compare)
                    .orElse(null);
            byStream.merge(
                    e.stream(),
                    new StreamProgress(e, 1, p.events().size(), 0, block),
                    (a, b) -> new StreamProgress(
                            newer(a.last(), b.last()),
                            a.entries() + b.entries(),
                            a.events() + b.events(),
                            0,
                            a.lastBlock() == null
                                    ? b.lastBlock()
                                    : b.lastBlock() == null ? a.lastBlock() : Math.max(a.lastBlock(), b.lastBlock())));
        }
        Projections.Arrays a = new Projections.Arrays(byStream.size());
        byStream.forEach((stream, sp) -> a.add(
                stream,
                sp.last().id(),
                sp.last().millis(),
                sp.last().sequence(),
                sp.entries(),
                sp.events(),
                freshByStream.getOrDefault(stream, 0L),
                sp.lastBlock(),
                group,
                now));
        a.execute(c, """
                INSERT INTO ingest_progress AS g (stream, consumer_group, last_entry_id, last_entry_ms, last_entry_seq,
                                                  entries, events, new_events, last_block_number, updated_at)
                SELECT u.stream, u.grp, u.id, u.ms, u.seq, u.entries, u.events, u.fresh, u.block, u.at
                  FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                              ?::bigint[], ?::text[], ?::timestamptz[])
                       AS u(stream, id, ms, seq, entries, events, fresh, block, grp, at)
                ON CONFLICT (stream, consumer_group) DO UPDATE SET
                    last_entry_id = CASE WHEN (excluded.last_entry_ms, excluded.last_entry_seq)
                                              > (g.last_entry_ms, g.last_entry_seq)
                                         THEN excluded.last_entry_id ELSE g.last_entry_id END,
                    last_entry_seq = CASE WHEN (excluded.last_entry_ms, excluded.last_entry_seq)
                                               > (g.last_entry_ms, g.last_entry_seq)
                                          THEN excluded.last_entry_seq ELSE g.last_entry_seq END,
                    last_entry_ms = GREATEST(g.last_entry_ms, excluded.last_entry_ms),
                    entries = g.entries + excluded.entries,
                    events = g.events + excluded.events,
                    new_events = g.new_events + excluded.new_events,
                    last_block_number = GREATEST(g.last_block_number, excluded.last_block_number),
                    updated_at = excluded.updated_at""");
    }

    private static StreamEntry newer(StreamEntry a, StreamEntry b) {
        int cmp = a.millis() != b.millis()
                ? Long.compare(a.millis(), b.millis())
                : Long.compare(a.sequence(), b.sequence());
        return cmp >= 0 ? a : b;
    }
}
