package dev.chainsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.chainsync.db.Jdbc;
import dev.chainsync.testing.TestDatabases;
import dev.chainsync.testkit.IntuitionWorkload;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A rollback near the chain's tip must read the block ranges it deletes from and the keys it
 * re-derives, not every event ever stored, whether or not VACUUM or ANALYZE have run; and it must
 * not wait on a lock VACUUM holds for a long time.
 */
class ReorgRollbackPlanTest {
    private static final List<String> EVENT_TABLES = List.of(
            "atom_created_events",
            "triple_created_events",
            "deposited_events",
            "redeemed_events",
            "share_price_changed_events",
            "generic_events");
    private static final Instant NOW = Instant.parse("2026-12-06T00:00:00Z");

    /** A history of several block ranges per table, nothing vacuumed or analyzed, and a fork two blocks from its tip. */
    private record History(
            long fork,
            ParsedEntry notice,
            long eventsAtFork,
            Map<String, Long> recentRows,
            Map<String, Long> allRows) {}

    /**
     * 30,000 events whose block ranges a previous rollback (or VACUUM) summarized, then 4,000 more
     * that nothing has summarized yet, with the fork among them.
     */
    private static History history(Jdbc jdbc) {
        TestDatabases.withoutStatistics(jdbc, EVENT_TABLES.toArray(String[]::new));
        IntuitionWorkload w = IntuitionWorkload.create(ProjectionsTest.NET, "rbp", 200, false, 5);
        IngestTesting.commit(jdbc, w.events(30_000, 40), 200, 1);
        for (String index : Reorgs.BLOCK_INDEXES) {
            jdbc.queryOne("SELECT brin_summarize_new_values(?::regclass)", r -> r.getLong(1), index);
        }
        Map<String, Long> before = rows(jdbc);
        IngestTesting.commit(jdbc, w.events(4_000, 40), 200, 1_000_000);
        Map<String, Long> all = rows(jdbc);
        Map<String, Long> recent = new java.util.TreeMap<>();
        all.forEach((t, n) -> recent.put(t, n - before.get(t)));
        long fork = w.nextBlock() - 2;
        long atFork = 0;
        for (String t : EVENT_TABLES) {
            atFork += jdbc.queryOne("SELECT count(*) FROM " + t + " WHERE block_number >= ?", r -> r.getLong(1), fork)
                    .orElseThrow();
        }
        ParsedEntry notice = EntryParser.parse(new StreamEntry(
                w.stream("deposited"),
                "10000000-0",
                Map.of(StreamEntry.PAYLOAD_FIELD, IntuitionWorkload.reorgPayload(ProjectionsTest.NET, fork, 2)),
                1));
        return new History(fork, notice, atFork, recent, all);
    }

    private static Map<String, Long> rows(Jdbc jdbc) {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (String t : EVENT_TABLES) {
            out.put(
                    t,
                    jdbc.queryOne("SELECT count(*) FROM " + t, r -> r.getLong(1))
                            .orElseThrow());
        }
        return out;
    }

    @Test
    void aRollbackNearTheTipReadsNoWholeEventTableEvenWithoutVacuumOrStatistics() {
        try (TestDatabases.Scratch db = IngestTesting.database("reorg_plan")) {
            Jdbc jdbc = db.database().jdbc();
            History h = history(jdbc);
            assertThat(h.eventsAtFork()).isPositive();
            assertThat(h.allRows().get("deposited_events"))
                    .isGreaterThan(6 * h.recentRows().get("deposited_events"));

            // The rollback as the batch writer runs it, in a transaction whose own counters we can read.
            Map<String, Long> scanned = jdbc.inTransaction(c -> {
                Map<String, Long> before = scanned(c);
                long deleted = Reorgs.apply(c, h.notice().reorg(), h.notice().entry(), NOW);
                assertThat(deleted).isEqualTo(h.eventsAtFork());
                assertThat(Jdbc.query(c, "SELECT current_setting('enable_seqscan')", r -> r.getString(1)))
                        .as("the batch's planner setting is back")
                        .containsExactly("on");
                Map<String, Long> after = scanned(c);
                Map<String, Long> delta = new java.util.TreeMap<>();
                after.forEach((t, n) -> delta.put(t, n - before.get(t)));
                return delta;
            });

            // Sequential reads only where summarizing the recent, unsummarized ranges needs them.
            assertThat(scanned)
                    .containsOnlyKeys(EVENT_TABLES)
                    .allSatisfy((table, rows) -> assertThat(rows)
                            .as(
                                    "%s: rows read sequentially (%,d recent of %,d stored)",
                                    table,
                                    h.recentRows().get(table),
                                    h.allRows().get(table))
                            .isLessThanOrEqualTo(h.recentRows().get(table)));
            for (String index : Reorgs.BLOCK_INDEXES) {
                assertThat(jdbc.queryOne("SELECT brin_summarize_new_values(?::regclass)", r -> r.getLong(1), index)
                                .orElseThrow())
                        .as("%s: left unsummarized", index)
                        .isZero();
            }
        }
    }

    @Test
    void aRollbackDoesNotWaitForALockVacuumHoldsAndStillRollsBack() throws Exception {
        try (TestDatabases.Scratch db = IngestTesting.database("reorg_lock")) {
            Jdbc jdbc = db.database().jdbc();
            History h = history(jdbc);
            // What a long (anti-wraparound) VACUUM of the deposits holds, and would hold for hours.
            try (Connection vacuum = db.database().dataSource().getConnection()) {
                vacuum.setAutoCommit(false);
                try (var s = vacuum.createStatement()) {
                    s.execute("LOCK TABLE deposited_events IN SHARE UPDATE EXCLUSIVE MODE");
                }
                long deleted = assertTimeoutPreemptively(
                        Duration.ofSeconds(20),
                        () -> jdbc.inTransaction(c ->
                                Reorgs.apply(c, h.notice().reorg(), h.notice().entry(), NOW)));
                assertThat(deleted).isEqualTo(h.eventsAtFork());
                vacuum.rollback();
            }
            for (String t : EVENT_TABLES) {
                assertThat(jdbc.queryOne(
                                        "SELECT count(*) FROM " + t + " WHERE block_number >= ?",
                                        r -> r.getLong(1),
                                        h.fork())
                                .orElseThrow())
                        .as(t)
                        .isZero();
            }
        }
    }

    /**
     * Rows read by sequential scans of each event table, as this backend has counted them and not yet
     * reported: within one transaction they only grow, so a difference is that stretch's own.
     */
    private static Map<String, Long> scanned(Connection c) throws java.sql.SQLException {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (String t : EVENT_TABLES) {
            out.put(
                    t,
                    Jdbc.query(
                                    c,
                                    "SELECT coalesce(seq_tup_read, 0) FROM pg_stat_xact_user_tables WHERE relname = ?",
                                    r -> r.getLong(1),
                                    t)
                            .stream()
                            .findFirst()
                            .orElse(0L));
        }
        return out;
    }
}
