package dev.chainsync.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.db.Jdbc;
import dev.chainsync.testing.TestDatabases;
import dev.chainsync.testing.WritePath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The outbox's statements on a long history that PostgreSQL has no statistics for (autovacuum late
 * or off, decision 26): each must cost what its own rows cost, not what the history costs. Each
 * test fails without its fix (planner settings, an index, or the statement's wording).
 */
class OutboxPlansTest {
    private WritePath w;

    @AfterEach
    void tearDown() {
        if (w != null) {
            w.close();
        }
    }

    @Test
    void claimWalksTheDueIndexAndNeverScansTheConfirmedHistory() {
        w = new WritePath("claim-plan");
        w.jdbc.update("""
                INSERT INTO chain_operations (kind, aggregate_id, memo, idempotency_key, status, max_attempts,
                                              next_attempt_at, created_at, updated_at)
                SELECT 'credential.anchor', 'a' || g, 'm' || g, 'k' || g,
                       CASE WHEN g <= 50000 THEN 'confirmed' ELSE 'pending' END, 5, ?, ?, ?
                  FROM generate_series(1, 51000) g""", w.clock.instant(), w.clock.instant(), w.clock.instant());
        w.jdbc.update("ANALYZE chain_operations");
        Instant now = w.clock.instant().plusSeconds(1);
        List<String> plan = claimPlan(now);
        assertThat(plan)
                .as(String.join("\n", plan))
                .noneMatch(line -> line.contains("Seq Scan"))
                .anyMatch(line -> line.contains("chain_operations_due_idx"));

        // And it claims what is due: the 1,000 pending rows, 500 at a time.
        OutboxStore store = new OutboxStore(w.jdbc);
        assertThat(store.claim(OperationStatus.PENDING, "relay-a", now, Duration.ofSeconds(30), 500))
                .hasSize(500)
                .allMatch(op -> op.status() == OperationStatus.PENDING && "relay-a".equals(op.leaseOwner()));
        assertThat(store.claim(OperationStatus.PENDING, "relay-b", now, Duration.ofSeconds(30), 800))
                .hasSize(500);
        assertThat(store.claim(OperationStatus.PENDING, "relay-c", now, Duration.ofSeconds(30), 500))
                .isEmpty();
    }

    @Test
    void claimWalksTheDueIndexInOrderEvenWhenStatisticsLagBehindABacklog() {
        w = new WritePath("claim-plan-stale");
        TestDatabases.withoutStatistics(w.jdbc, "chain_operations");
        // A burst of operations the statistics have never seen (no ANALYZE; autovacuum lags or is off).
        w.jdbc.update("""
                INSERT INTO chain_operations (kind, aggregate_id, memo, idempotency_key, status, max_attempts,
                                              next_attempt_at, created_at, updated_at)
                SELECT 'credential.anchor', 'a' || g, 'm' || g, 'k' || g, 'pending', 5,
                       ?::timestamptz + g * interval '1 millisecond', ?, ?
                  FROM generate_series(1, 20000) g""", w.clock.instant(), w.clock.instant(), w.clock.instant());
        Instant now = w.clock.instant().plusSeconds(60);

        List<String> plan = claimPlan(now);

        // Reading every due row into a bitmap and sorting them is what the claim did before.
        assertThat(plan)
                .as(String.join("\n", plan))
                .anyMatch(line -> line.contains("Index Scan using chain_operations_due_idx"))
                .noneMatch(line -> line.contains("Bitmap"))
                .noneMatch(line -> line.contains("Sort"))
                .noneMatch(line -> line.contains("Seq Scan"));
        // Oldest due first, a batch at a time.
        List<Operation> first =
                new OutboxStore(w.jdbc).claim(OperationStatus.PENDING, "relay-a", now, Duration.ofSeconds(30), 100);
        assertThat(first).hasSize(100);
        assertThat(first.stream().map(Operation::aggregateId).toList())
                .isEqualTo(java.util.stream.IntStream.rangeClosed(1, 100)
                        .mapToObj(i -> "a" + i)
                        .toList());
    }

    /** The claim's plan, under the settings the claim itself runs with. */
    private List<String> claimPlan(Instant now) {
        return w.jdbc.inTransaction(c -> OutboxStore.CLAIM.explain(
                c, "relay-a", now.plus(Duration.ofSeconds(30)), now, "pending", now, now, 500));
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

        List<String> plan = w.jdbc.query(
                "EXPLAIN SELECT " + OutboxStore.COLUMNS
                        + " FROM chain_operations WHERE true AND status = 'dead_lettered' ORDER BY id DESC LIMIT 50",
                r -> r.getString(1));

        assertThat(plan)
                .as(String.join("\n", plan))
                .anyMatch(line -> line.contains("chain_operations_open_idx"))
                .noneMatch(line -> line.contains("chain_operations_pkey"))
                .noneMatch(line -> line.contains("Seq Scan"));
        assertThat(w.outbox.list(OperationStatus.DEAD_LETTERED, null, 50))
                .extracting(Operation::aggregateId)
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
        w.jdbc.update(
                """
                INSERT INTO chain_operations (kind, aggregate_id, memo, idempotency_key, status, max_attempts,
                                              next_attempt_at, signature, blockhash, last_valid_height,
                                              submitted_at, confirmed_slot, confirmed_at, created_at, updated_at)
                SELECT 'credential.anchor', 'a' || g || md5('a' || g), 'cs1:' || md5('m' || g) || md5('n' || g),
                       'credential.anchor:' || md5('k' || g) || md5('l' || g),
                       CASE WHEN g % 5000 = 11 THEN 'pending' WHEN g % 5000 = 22 THEN 'submitted'
                            ELSE 'confirmed' END, 5, ?,
                       md5('s' || g) || md5('t' || g) || left(md5('u' || g), 24),
                       md5('h' || g) || left(md5('i' || g), 12), g, ?, g, ?, ?, ?
                  FROM generate_series(1, 100000) g""", w.clock.instant(), w.clock.instant(), w.clock.instant(), w.clock.instant(), w.clock.instant());

        for (String filter : List.of("status = 'pending'", "status = 'submitted' AND id < 40000")) {
            List<String> plan = w.jdbc.query(
                    "EXPLAIN SELECT " + OutboxStore.COLUMNS + " FROM chain_operations WHERE true AND " + filter
                            + " ORDER BY id DESC LIMIT 51",
                    r -> r.getString(1));
            assertThat(plan)
                    .as(filter + "\n" + String.join("\n", plan))
                    .anyMatch(line -> line.contains("chain_operations_open_idx"))
                    .noneMatch(line -> line.contains("chain_operations_pkey"))
                    .noneMatch(line -> line.contains("Seq Scan"))
                    .noneMatch(line -> line.contains("Sort"));
        }
        assertThat(w.outbox.list(OperationStatus.PENDING, null, 50))
                .extracting(Operation::id)
                .containsExactlyElementsOf(java.util.stream.LongStream.iterate(95011, id -> id > 0, id -> id - 5000)
                        .boxed()
                        .toList());
        assertThat(w.outbox.list(OperationStatus.SUBMITTED, 40000L, 2))
                .extracting(Operation::id)
                .containsExactly(35022L, 30022L);
    }

    @Test
    void healthCountsReadOnlyTheUnfinishedOperationsEvenWithoutStatistics() {
        w = new WritePath("stats-plan");
        TestDatabases.withoutStatistics(w.jdbc, "chain_operations");
        // A long confirmed history and a few unfinished operations, never analyzed.
        // created_at follows the id, one second apart, so the oldest unfinished one (id 1) is 59,999 s old.
        w.jdbc.update("""
                INSERT INTO chain_operations (kind, aggregate_id, memo, idempotency_key, status, max_attempts,
                                              next_attempt_at, created_at, updated_at)
                SELECT 'credential.anchor', 'a' || g, 'm' || g, 'k' || g,
                       CASE WHEN g % 1000 = 1 THEN 'pending' WHEN g % 1000 = 2 THEN 'submitted'
                            WHEN g % 20000 = 3 THEN 'dead_lettered' ELSE 'confirmed' END, 5, ?,
                       ?::timestamptz - (60000 - g) * interval '1 second', ?
                  FROM generate_series(1, 60000) g""", w.clock.instant(), w.clock.instant(), w.clock.instant());

        List<String> plan = w.jdbc.query("EXPLAIN " + Outbox.STATUS_COUNTS, r -> r.getString(1));

        assertThat(plan)
                .as(String.join("\n", plan))
                .anyMatch(line -> line.contains("chain_operations_open_idx"))
                .noneMatch(line -> line.contains("Seq Scan"));
        List<String> oldest = w.jdbc.query("EXPLAIN " + Outbox.OLDEST_UNFINISHED, r -> r.getString(1));
        assertThat(oldest)
                .as(String.join("\n", oldest))
                .filteredOn(line -> line.contains(" on chain_operations"))
                .hasSize(2)
                .allMatch(line -> line.contains("Index Scan using chain_operations_open_idx"));
        assertThat(oldest).noneMatch(line -> line.contains("Sort"));
        assertThat(w.outbox.stats().counts())
                .containsAllEntriesOf(Map.of(
                        OperationStatus.PENDING,
                        60L,
                        OperationStatus.SUBMITTED,
                        60L,
                        OperationStatus.DEAD_LETTERED,
                        3L,
                        OperationStatus.CONFIRMED,
                        0L));
        assertThat(w.outbox.stats().oldestUnfinishedAge()).isEqualTo(java.time.Duration.ofSeconds(59_999));
    }

    @Test
    void memosAreFetchedByIndexEvenWithoutStatistics() {
        w = new WritePath("memos-plan");
        TestDatabases.withoutStatistics(w.jdbc, "chain_operations", "chain_operation_attempts");
        // A long history, ten operations packed per transaction, never analyzed.
        confirmedHistory(60_000);
        w.jdbc.update("""
                INSERT INTO chain_operation_attempts (operation_id, attempt, signature, blockhash, last_valid_height,
                                                      relay, created_at)
                SELECT id, 1, 'sig' || (id / 10), 'bh', 100, 'relay-a', ? FROM chain_operations""", w.clock.instant());
        List<String> signatures =
                IntStream.range(1000, 1100).mapToObj(i -> "sig" + i).toList();

        List<String> plan = memosPlan(signatures);

        assertThat(plan)
                .as(String.join("\n", plan))
                .anyMatch(line -> line.contains("chain_operation_attempts_signature_idx"))
                .anyMatch(line -> line.contains("chain_operations_pkey"))
                .noneMatch(line -> line.contains("Seq Scan"))
                .noneMatch(line -> line.contains("Hash Join"))
                .noneMatch(line -> line.contains("Merge Join"))
                .noneMatch(line -> line.contains("Gather"));
        Map<String, List<Operation>> ops = new OutboxStore(w.jdbc).transactionOperations(List.of("sig7", "sig5999"));
        assertThat(ops).containsOnlyKeys("sig7", "sig5999");
        assertThat(ops.get("sig7").stream().map(Operation::memo))
                .containsExactly("m70", "m71", "m72", "m73", "m74", "m75", "m76", "m77", "m78", "m79");
        assertThat(ops.get("sig5999")).hasSize(10);
    }

    /** A guard: the audit saw this read start parallel workers once; this history does not reproduce it. */
    @Test
    void earlierAttemptsAreFetchedByIndexWithoutParallelWorkersEvenWithoutStatistics() {
        w = new WritePath("attempts-plan");
        TestDatabases.withoutStatistics(w.jdbc, "chain_operations", "chain_operation_attempts");
        confirmedHistory(60_000);
        w.jdbc.update("""
                INSERT INTO chain_operation_attempts (operation_id, attempt, signature, blockhash, last_valid_height,
                                                      relay, created_at)
                SELECT id, a, 'sig' || id || '-' || a, 'bh', 100, 'relay-a', ?
                  FROM chain_operations, generate_series(1, 3) a""", w.clock.instant());

        List<String> plan = w.jdbc.inTransaction(c -> OutboxStore.ATTEMPTS.explain(
                c,
                Jdbc.array(
                        c,
                        "bigint",
                        LongStream.rangeClosed(30_001, 30_020).boxed().toArray())));

        assertThat(plan)
                .as(String.join("\n", plan))
                .anyMatch(line -> line.contains("chain_operation_attempts_pkey"))
                .noneMatch(line -> line.contains("Seq Scan"))
                .noneMatch(line -> line.contains("Gather"));
        Map<Long, List<Attempt>> attempts = new OutboxStore(w.jdbc).attempts(List.of(7L, 59_999L));
        assertThat(attempts).containsOnlyKeys(7L, 59_999L);
        assertThat(attempts.get(7L)).extracting(Attempt::signature).containsExactly("sig7-1", "sig7-2", "sig7-3");
    }

    /** {@code n} confirmed operations, ids 1 to n, aggregate "a" + id and memo "m" + id. */
    private void confirmedHistory(int n) {
        w.jdbc.update("""
                INSERT INTO chain_operations (kind, aggregate_id, memo, idempotency_key, status, max_attempts,
                                              next_attempt_at, created_at, updated_at)
                SELECT 'credential.anchor', 'a' || g, 'm' || g, 'k' || g, 'confirmed', 5, ?, ?, ?
                  FROM generate_series(1, ?) g""", w.clock.instant(), w.clock.instant(), w.clock.instant(), n);
    }

    /** The lookup's plan, under the settings it runs with. */
    private List<String> memosPlan(List<String> signatures) {
        return w.jdbc.inTransaction(
                c -> OutboxStore.TRANSACTION_OPERATIONS.explain(c, Jdbc.array(c, "text", signatures.toArray())));
    }
}
