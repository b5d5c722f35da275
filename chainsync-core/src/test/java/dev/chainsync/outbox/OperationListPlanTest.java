package dev.chainsync.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.testing.TestDatabases;
import dev.chainsync.testing.WritePath;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Listing the few unfinished or dead-lettered operations must not walk the confirmed history, whatever the stats. */
class OperationListPlanTest {
    private WritePath w;

    @AfterEach
    void tearDown() {
        if (w != null) {
            w.close();
        }
    }

    @Test
    void deadLettersAreListedFromTheOpenIndexEvenWithoutStatistics() {
        w = new WritePath("list-plan");
        TestDatabases.withoutStatistics(w.jdbc, "chain_operations");
        // A long confirmed history with three dead letters in it, never analyzed.
        w.jdbc.update("""
                INSERT INTO chain_operations (kind, aggregate_id, memo, idempotency_key, status, max_attempts,
                                              next_attempt_at, created_at, updated_at)
                SELECT 'credential.anchor', 'a' || g, 'm' || g, 'k' || g,
                       CASE WHEN g % 20000 = 7 THEN 'dead_lettered' ELSE 'confirmed' END, 5, ?, ?, ?
                  FROM generate_series(1, 60000) g""", w.clock.instant(), w.clock.instant(), w.clock.instant());

        List<String> plan = w.jdbc.query("EXPLAIN SELECT " + OutboxStore.COLUMNS
                + " FROM chain_operations WHERE true AND status = 'dead_lettered' ORDER BY id DESC LIMIT 50",
                r -> r.getString(1));

        assertThat(plan).as(String.join("\n", plan))
                .anyMatch(line -> line.contains("chain_operations_open_idx"))
                .noneMatch(line -> line.contains("chain_operations_pkey"))
                .noneMatch(line -> line.contains("Seq Scan"));
        assertThat(w.outbox.list(OperationStatus.DEAD_LETTERED, null, 50)).extracting(Operation::aggregateId)
                .containsExactly("a40007", "a20007", "a7");
    }

    @Test
    void unfinishedOperationsAreListedFromTheOpenIndexEvenWithoutStatistics() {
        w = new WritePath("list-plan-open");
        TestDatabases.withoutStatistics(w.jdbc, "chain_operations");
        // A long confirmed history with a few pending and submitted operations spread through it, never
        // analyzed: fewer of each than a page holds, so a walk of the primary key reads all of it. Rows as
        // wide as real ones (hashes, memo, signature, blockhash): the planner, which knows the table's size
        // in pages but not its row count, estimates the row count from them.
        w.jdbc.update("""
                INSERT INTO chain_operations (kind, aggregate_id, memo, idempotency_key, status, max_attempts,
                                              next_attempt_at, signature, blockhash, last_valid_height,
                                              submitted_at, confirmed_slot, confirmed_at, created_at, updated_at)
                SELECT 'credential.anchor', 'a' || g || md5('a' || g), 'cs1:' || md5('m' || g) || md5('n' || g),
                       'credential.anchor:' || md5('k' || g) || md5('l' || g),
                       CASE WHEN g % 5000 = 11 THEN 'pending' WHEN g % 5000 = 22 THEN 'submitted'
                            ELSE 'confirmed' END, 5, ?,
                       md5('s' || g) || md5('t' || g) || left(md5('u' || g), 24),
                       md5('h' || g) || left(md5('i' || g), 12), g, ?, g, ?, ?, ?
                  FROM generate_series(1, 100000) g""", w.clock.instant(), w.clock.instant(), w.clock.instant(),
                w.clock.instant(), w.clock.instant());

        for (String filter : List.of("status = 'pending'", "status = 'submitted' AND id < 40000")) {
            List<String> plan = w.jdbc.query("EXPLAIN SELECT " + OutboxStore.COLUMNS
                    + " FROM chain_operations WHERE true AND " + filter + " ORDER BY id DESC LIMIT 51",
                    r -> r.getString(1));
            assertThat(plan).as(filter + "\n" + String.join("\n", plan))
                    .anyMatch(line -> line.contains("chain_operations_open_idx"))
                    .noneMatch(line -> line.contains("chain_operations_pkey"))
                    .noneMatch(line -> line.contains("Seq Scan"))
                    .noneMatch(line -> line.contains("Sort"));
        }
        assertThat(w.outbox.list(OperationStatus.PENDING, null, 50)).extracting(Operation::id)
                .containsExactlyElementsOf(java.util.stream.LongStream.iterate(95011, id -> id > 0, id -> id - 5000)
                        .boxed().toList());
        assertThat(w.outbox.list(OperationStatus.SUBMITTED, 40000L, 2)).extracting(Operation::id)
                .containsExactly(35022L, 30022L);
    }
}
