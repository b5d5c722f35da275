package dev.chainsync.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.testing.TestDatabases;
import dev.chainsync.testing.WritePath;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the last successful run stopped must be one probe, however many runs there have been. */
class LastSuccessPlanTest {
    @Test
    void theLastSuccessfulRunIsFoundByIndexEvenWithoutStatistics() {
        try (WritePath w = new WritePath("last-success-plan")) {
            TestDatabases.withoutStatistics(w.jdbc, "reconciliation_runs");
            Instant start = w.clock.instant();
            // Months of runs every five minutes, one in fifty failed, never analyzed.
            w.jdbc.update("""
                    INSERT INTO reconciliation_runs (kind, started_at, finished_at, window_start, window_end, status)
                    SELECT ?, t, t, t - interval '1 hour', t, CASE WHEN g % 50 = 0 THEN 'failed' ELSE 'succeeded' END
                      FROM generate_series(1, 30000) g,
                           LATERAL (SELECT ?::timestamptz + g * interval '5 minutes' AS t) x""", CredentialReconciler.KIND, start);

            List<String> plan = w.jdbc.query(
                    "EXPLAIN " + CredentialReconciler.LAST_SUCCESS, r -> r.getString(1), CredentialReconciler.KIND);

            assertThat(plan)
                    .as(String.join("\n", plan))
                    .anyMatch(line -> line.contains("reconciliation_runs_succeeded_idx"))
                    .noneMatch(line -> line.contains("Seq Scan"))
                    .noneMatch(line -> line.contains("Sort"));
            // Run 30000 failed: the last success is run 29999.
            assertThat(w.jdbc.queryOne(
                            CredentialReconciler.LAST_SUCCESS,
                            r -> r.getTimestamp(1).toInstant(),
                            CredentialReconciler.KIND))
                    .contains(start.plusSeconds(29_999L * 300));
        }
    }
}
