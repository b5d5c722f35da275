package dev.chainsync.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.testing.TestDatabases;
import dev.chainsync.testing.WritePath;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The claim must cost the same with a long confirmed history as with none. */
class OutboxClaimPlanTest {
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
        assertThat(plan).as(String.join("\n", plan)).noneMatch(line -> line.contains("Seq Scan"))
                .anyMatch(line -> line.contains("chain_operations_due_idx"));

        // And it claims what is due: the 1,000 pending rows, 500 at a time.
        OutboxStore store = new OutboxStore(w.jdbc);
        assertThat(store.claim(OperationStatus.PENDING, "relay-a", now, Duration.ofSeconds(30), 500)).hasSize(500)
                .allMatch(op -> op.status() == OperationStatus.PENDING && "relay-a".equals(op.leaseOwner()));
        assertThat(store.claim(OperationStatus.PENDING, "relay-b", now, Duration.ofSeconds(30), 800)).hasSize(500);
        assertThat(store.claim(OperationStatus.PENDING, "relay-c", now, Duration.ofSeconds(30), 500)).isEmpty();
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
        assertThat(plan).as(String.join("\n", plan))
                .anyMatch(line -> line.contains("Index Scan using chain_operations_due_idx"))
                .noneMatch(line -> line.contains("Bitmap"))
                .noneMatch(line -> line.contains("Sort"))
                .noneMatch(line -> line.contains("Seq Scan"));
        // Oldest due first, a batch at a time.
        List<Operation> first = new OutboxStore(w.jdbc).claim(OperationStatus.PENDING, "relay-a", now,
                Duration.ofSeconds(30), 100);
        assertThat(first).hasSize(100);
        assertThat(first.stream().map(Operation::aggregateId).toList())
                .isEqualTo(java.util.stream.IntStream.rangeClosed(1, 100).mapToObj(i -> "a" + i).toList());
    }

    /** The claim's plan, under the settings the claim itself runs with. */
    private List<String> claimPlan(Instant now) {
        return w.jdbc.inTransaction(c -> OutboxStore.CLAIM.explain(c, null, "relay-a", now.plus(Duration.ofSeconds(30)),
                now, "pending", now, now, 500));
    }
}
