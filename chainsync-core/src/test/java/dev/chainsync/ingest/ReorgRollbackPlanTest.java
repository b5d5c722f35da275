package dev.chainsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.db.Jdbc;
import dev.chainsync.testing.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A rollback near the chain's tip must read the block ranges it deletes from, not every event ever stored. */
class ReorgRollbackPlanTest {

    @Test
    void aRollbackNearTheTipReadsOnlyTheRangesAtTheForkEvenWithoutVacuumOrStatistics() {
        IntuitionWorkload w = IntuitionWorkload.create(ProjectionsTest.NET, "rbp", 200, false, 5);
        List<IntuitionWorkload.Entry> history = w.events(30_000, 40);
        long fork = w.nextBlock() - 2;
        IntuitionWorkload.Entry notice = new IntuitionWorkload.Entry(w.stream("deposited"),
                IntuitionWorkload.reorgPayload(ProjectionsTest.NET, fork, 2), 0, 0);
        try (TestDatabases.Scratch db = IngestTesting.database("reorg_plan")) {
            Jdbc jdbc = db.database().jdbc();
            // Nothing vacuums or analyzes these tables meanwhile (autovacuum is off or behind).
            for (String t : List.of("atom_created_events", "triple_created_events", "deposited_events",
                    "redeemed_events", "share_price_changed_events", "generic_events")) {
                jdbc.update("ALTER TABLE " + t + " SET (autovacuum_enabled = false)");
            }
            IngestTesting.commit(jdbc, history, 200, 1);
            long depositsAtFork = jdbc.queryOne("SELECT count(*) FROM deposited_events WHERE block_number >= ?",
                    r -> r.getLong(1), fork).orElseThrow();
            long pages = jdbc.queryOne("SELECT pg_relation_size('deposited_events') / current_setting('block_size')::int",
                    r -> r.getLong(1)).orElseThrow();
            assertThat(depositsAtFork).isPositive();
            assertThat(pages).as("several block ranges of 128 pages").isGreaterThan(4 * 128);

            IngestTesting.commit(jdbc, List.of(notice), 1, 10_000_000);

            assertThat(jdbc.queryOne("SELECT events_deleted FROM ingest_reorgs", r -> r.getLong(1)).orElseThrow())
                    .isGreaterThanOrEqualTo(depositsAtFork);
            // The rollback's own statement shape, under its own settings: what does it read?
            List<String> plan = jdbc.inTransaction(c -> {
                try (var s = c.createStatement()) {
                    s.execute(Reorgs.ROLLBACK_PLAN);
                }
                return Jdbc.query(c, "EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM deposited_events"
                        + " WHERE network = ? AND block_number >= ?", r -> r.getString(1), ProjectionsTest.NET, fork);
            });
            assertThat(plan).as(String.join("\n", plan))
                    .noneMatch(line -> line.contains("Seq Scan"))
                    .anyMatch(line -> line.contains("Bitmap Index Scan on deposited_events_block"));
            assertThat(heapBlocks(plan)).as(String.join("\n", plan)).isLessThan(2 * 128 + 1).isLessThan(pages / 2);
            // The rollback left every range summarized: none is read just because it is new.
            assertThat(jdbc.queryOne("SELECT brin_summarize_new_values('deposited_events_block')",
                    r -> r.getLong(1)).orElseThrow()).isZero();
        }
    }

    /** Heap blocks a bitmap heap scan visited ("Heap Blocks: exact=a lossy=b"). */
    private static long heapBlocks(List<String> plan) {
        long n = 0;
        Pattern p = Pattern.compile("(exact|lossy)=(\\d+)");
        for (String line : plan) {
            if (line.contains("Heap Blocks:")) {
                Matcher m = p.matcher(line);
                while (m.find()) {
                    n += Long.parseLong(m.group(2));
                }
            }
        }
        return n;
    }
}
