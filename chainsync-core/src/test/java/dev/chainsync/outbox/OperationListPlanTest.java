package dev.chainsync.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.testing.WritePath;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Listing the few dead letters must not walk the whole confirmed history, whatever the statistics. */
class OperationListPlanTest {
    private WritePath w;

    @AfterEach
    void tearDown() {
        if (w != null) {
            w.close();
        }
    }

    @Test
    void deadLettersAreListedFromTheirOwnIndexEvenWithoutStatistics() {
        w = new WritePath("list-plan");
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
                .anyMatch(line -> line.contains("chain_operations_dead_idx"))
                .noneMatch(line -> line.contains("chain_operations_pkey"))
                .noneMatch(line -> line.contains("Seq Scan"));
        assertThat(w.outbox.list(OperationStatus.DEAD_LETTERED, null, 50)).extracting(Operation::aggregateId)
                .containsExactly("a40007", "a20007", "a7");
    }
}
