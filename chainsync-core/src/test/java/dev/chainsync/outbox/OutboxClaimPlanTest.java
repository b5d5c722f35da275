package dev.chainsync.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.testing.WritePath;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
        List<String> plan = w.jdbc.withConnection(c -> {
            List<String> lines = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + OutboxStore.CLAIM)) {
                Object[] params = {"relay-a", now.plus(Duration.ofSeconds(30)), now, "pending", now, now, 500};
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i] instanceof Instant t ? java.sql.Timestamp.from(t) : params[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        lines.add(rs.getString(1));
                    }
                }
            }
            return lines;
        });
        assertThat(plan).as(String.join("\n", plan)).noneMatch(line -> line.contains("Seq Scan"))
                .anyMatch(line -> line.contains("chain_operations_due_idx"));

        // And it claims what is due: the 1,000 pending rows, 500 at a time.
        OutboxStore store = new OutboxStore(w.jdbc);
        assertThat(store.claim(OperationStatus.PENDING, "relay-a", now, Duration.ofSeconds(30), 500)).hasSize(500)
                .allMatch(op -> op.status() == OperationStatus.PENDING && "relay-a".equals(op.leaseOwner()));
        assertThat(store.claim(OperationStatus.PENDING, "relay-b", now, Duration.ofSeconds(30), 800)).hasSize(500);
        assertThat(store.claim(OperationStatus.PENDING, "relay-c", now, Duration.ofSeconds(30), 500)).isEmpty();
    }
}
