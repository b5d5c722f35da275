package dev.chainsync.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.db.Jdbc;
import dev.chainsync.testing.TestDatabases;
import dev.chainsync.testing.WritePath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rebuilding live transactions from their memos must cost a few probes per signature, not a scan of the history. */
class TransactionMemosPlanTest {
    private WritePath w;

    @AfterEach
    void tearDown() {
        if (w != null) {
            w.close();
        }
    }

    @Test
    void memosAreFetchedByIndexEvenWithoutStatistics() {
        w = new WritePath("memos-plan");
        TestDatabases.withoutStatistics(w.jdbc, "chain_operations", "chain_operation_attempts");
        // A long history, ten operations packed per transaction, never analyzed.
        w.jdbc.update("""
                INSERT INTO chain_operations (kind, aggregate_id, memo, idempotency_key, status, max_attempts,
                                              next_attempt_at, created_at, updated_at)
                SELECT 'credential.anchor', 'a' || g, 'm' || g, 'k' || g, 'confirmed', 5, ?, ?, ?
                  FROM generate_series(1, 60000) g""", w.clock.instant(), w.clock.instant(), w.clock.instant());
        w.jdbc.update("""
                INSERT INTO chain_operation_attempts (operation_id, attempt, signature, blockhash, last_valid_height,
                                                      relay, created_at)
                SELECT id, 1, 'sig' || (id / 10), 'bh', 100, 'relay-a', ? FROM chain_operations""",
                w.clock.instant());
        List<String> signatures = IntStream.range(1000, 1100).mapToObj(i -> "sig" + i).toList();

        List<String> plan = memosPlan(signatures);

        assertThat(plan).as(String.join("\n", plan))
                .anyMatch(line -> line.contains("chain_operation_attempts_signature_idx"))
                .anyMatch(line -> line.contains("chain_operations_pkey"))
                .noneMatch(line -> line.contains("Seq Scan"))
                .noneMatch(line -> line.contains("Hash Join"))
                .noneMatch(line -> line.contains("Merge Join"))
                .noneMatch(line -> line.contains("Gather"));
        Map<String, List<String>> memos = new OutboxStore(w.jdbc).transactionMemos(List.of("sig7", "sig5999"));
        assertThat(memos).containsOnlyKeys("sig7", "sig5999");
        assertThat(memos.get("sig7")).containsExactly("m70", "m71", "m72", "m73", "m74", "m75", "m76", "m77",
                "m78", "m79");
        assertThat(memos.get("sig5999")).hasSize(10);
    }

    /** A guard: the audit saw this read start parallel workers once; this history does not reproduce it. */
    @Test
    void earlierAttemptsAreFetchedByIndexWithoutParallelWorkersEvenWithoutStatistics() {
        w = new WritePath("attempts-plan");
        TestDatabases.withoutStatistics(w.jdbc, "chain_operations", "chain_operation_attempts");
        w.jdbc.update("""
                INSERT INTO chain_operations (kind, aggregate_id, memo, idempotency_key, status, max_attempts,
                                              next_attempt_at, created_at, updated_at)
                SELECT 'credential.anchor', 'a' || g, 'm' || g, 'k' || g, 'confirmed', 5, ?, ?, ?
                  FROM generate_series(1, 60000) g""", w.clock.instant(), w.clock.instant(), w.clock.instant());
        w.jdbc.update("""
                INSERT INTO chain_operation_attempts (operation_id, attempt, signature, blockhash, last_valid_height,
                                                      relay, created_at)
                SELECT id, a, 'sig' || id || '-' || a, 'bh', 100, 'relay-a', ?
                  FROM chain_operations, generate_series(1, 3) a""", w.clock.instant());

        List<String> plan = w.jdbc.inTransaction(c -> OutboxStore.ATTEMPTS.explain(c, null,
                Jdbc.array(c, "bigint", LongStream.rangeClosed(30_001, 30_020).boxed().toArray())));

        assertThat(plan).as(String.join("\n", plan))
                .anyMatch(line -> line.contains("chain_operation_attempts_pkey"))
                .noneMatch(line -> line.contains("Seq Scan"))
                .noneMatch(line -> line.contains("Gather"));
        Map<Long, List<Attempt>> attempts = new OutboxStore(w.jdbc).attempts(List.of(7L, 59_999L));
        assertThat(attempts).containsOnlyKeys(7L, 59_999L);
        assertThat(attempts.get(7L)).extracting(Attempt::signature).containsExactly("sig7-1", "sig7-2", "sig7-3");
    }

    /** The lookup's plan, under the settings it runs with. */
    private List<String> memosPlan(List<String> signatures) {
        return w.jdbc.inTransaction(c -> OutboxStore.TRANSACTION_MEMOS.explain(c, null,
                Jdbc.array(c, "text", signatures.toArray())));
    }
}
