package dev.chainsync.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.testing.TestDatabases;
import dev.chainsync.testing.WritePath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The counts behind /health and the outbox gauges must not read the confirmed history, whatever the statistics. */
class OutboxStatsPlanTest {
    private WritePath w;

    @AfterEach
    void tearDown() {
        if (w != null) {
            w.close();
        }
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

        assertThat(plan).as(String.join("\n", plan))
                .anyMatch(line -> line.contains("chain_operations_open_idx"))
                .noneMatch(line -> line.contains("Seq Scan"));
        List<String> oldest = w.jdbc.query("EXPLAIN " + Outbox.OLDEST_UNFINISHED, r -> r.getString(1));
        assertThat(oldest).as(String.join("\n", oldest))
                .filteredOn(line -> line.contains(" on chain_operations"))
                .hasSize(2)
                .allMatch(line -> line.contains("Index Scan using chain_operations_open_idx"));
        assertThat(oldest).noneMatch(line -> line.contains("Sort"));
        assertThat(w.outbox.stats().counts()).containsAllEntriesOf(Map.of(OperationStatus.PENDING, 60L,
                OperationStatus.SUBMITTED, 60L, OperationStatus.DEAD_LETTERED, 3L, OperationStatus.CONFIRMED, 0L));
        assertThat(w.outbox.stats().oldestUnfinishedAge()).isEqualTo(java.time.Duration.ofSeconds(59_999));
    }
}
