package dev.chainsync.credential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.testing.TestDatabases;
import dev.chainsync.testing.WritePath;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reconciliation's window of confirmed credentials must not read every credential ever anchored. */
class ConfirmedBetweenPlanTest {
    @Test
    void theWindowIsReadFromItsOwnIndexEvenWithoutStatistics() {
        try (WritePath w = new WritePath("confirmed-plan")) {
            TestDatabases.withoutStatistics(w.jdbc, "credentials");
            Instant start = w.clock.instant();
            // A long anchored history, one credential confirmed per second, never analyzed.
            w.jdbc.update("""
                    INSERT INTO credentials (hash, issuer_id, recipient_id, issued_at, issuer_address, issuer_signature,
                                             memo, status, chain_signature, chain_slot, confirmed_at, created_at,
                                             updated_at)
                    SELECT md5(g::text) || md5((g + 1)::text), 'issuer', 'r' || g, ?, 'addr', 'sig', 'm' || g,
                           CASE WHEN g % 1000 = 0 THEN 'confirmed' ELSE 'finalized' END, 's' || g, g,
                           ?::timestamptz + g * interval '1 second', ?, ?
                      FROM generate_series(1, 60000) g""", start, start, start, start);
            Instant from = start.plus(Duration.ofSeconds(50_000));
            Instant to = from.plus(Duration.ofMinutes(10));

            List<String> plan = w.jdbc.query(
                    "EXPLAIN " + CredentialStore.CONFIRMED_BETWEEN,
                    r -> r.getString(1),
                    Timestamp.from(from),
                    Timestamp.from(to));

            assertThat(plan)
                    .as(String.join("\n", plan))
                    .anyMatch(line -> line.contains("credentials_on_chain_idx"))
                    .noneMatch(line -> line.contains("credentials_status_idx"))
                    .noneMatch(line -> line.contains("BitmapAnd"))
                    .noneMatch(line -> line.contains("Seq Scan"));
            assertThat(w.credentials.confirmedBetween(from, to)).hasSize(600);
        }
    }
}
