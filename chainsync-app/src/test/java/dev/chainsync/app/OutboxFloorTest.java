package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.db.Jdbc;
import dev.chainsync.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/** The benchmark's floor replays the relay's statements; it must keep running against the current schema. */
class OutboxFloorTest {

    @Test
    void floorDrivesEveryOperationToConfirmedWithWhatTheRelayWrites() {
        try (TestDatabases.Scratch db = TestDatabases.create("outbox_floor")) {
            Jdbc jdbc = db.database().jdbc();

            double micros = OutboxFloor.microsPerOperation(jdbc, 250, 100);

            assertThat(micros).isPositive();
            assertThat(count(jdbc, "SELECT count(*) FROM chain_operations WHERE status = 'confirmed' AND lease_owner IS NULL"))
                    .isEqualTo(250);
            assertThat(count(jdbc, "SELECT count(*) FROM credentials WHERE status = 'confirmed' AND chain_signature IS NOT NULL"))
                    .isEqualTo(250);
            assertThat(count(jdbc, "SELECT count(*) FROM chain_operation_attempts")).isEqualTo(250);
            // One signature per 11 operations, as packed transactions carry them.
            assertThat(count(jdbc, "SELECT count(DISTINCT signature) FROM chain_operation_attempts"))
                    .isBetween(23L, 30L);
            assertThat(jdbc.query("SELECT event_type, count(*) FROM credential_events GROUP BY 1 ORDER BY 1",
                    r -> r.getString(1) + "=" + r.getLong(2)))
                    .containsExactly("confirmed=250", "created=250", "submitted=250");
            assertThat(count(jdbc, "SELECT count(DISTINCT event_id) FROM webhook_events WHERE type = 'credential.confirmed'"))
                    .isEqualTo(250);
        }
    }

    private static long count(Jdbc jdbc, String sql) {
        return jdbc.queryOne(sql, r -> r.getLong(1)).orElseThrow();
    }
}
