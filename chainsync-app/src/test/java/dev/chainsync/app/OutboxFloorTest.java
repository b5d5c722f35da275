package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.db.Jdbc;
import dev.chainsync.outbox.Relay;
import dev.chainsync.testing.WritePath;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's floor replays the relay's statements inside PostgreSQL. It must keep running
 * against the current schema, and leave the tables as the relay leaves them, so that a write the
 * relay gains or loses shows up here instead of silently making the floor a floor of something else.
 */
class OutboxFloorTest {
    private static final int OPERATIONS = 66;

    @Test
    void floorLeavesTheTablesAsARealRelayDrainDoes() {
        List<String> relayShape;
        try (WritePath w = new WritePath("floor_relay")) {
            Relay relay = w.relay("relay-a");
            for (int i = 0; i < OPERATIONS; i++) {
                w.issue("student-" + i);
            }
            w.settle(relay, 20);
            assertThat(w.unfinished()).isZero();
            relayShape = shape(w.jdbc);
        }
        List<String> floorShape;
        try (WritePath w = new WritePath("floor_replay")) {
            double micros = OutboxFloor.microsPerOperation(w.jdbc, OPERATIONS, 22);
            assertThat(micros).isPositive();
            // A second run on the same pooled connection replaces its procedure and starts afresh.
            assertThat(OutboxFloor.microsPerOperation(w.jdbc, OPERATIONS, 22)).isPositive();
            floorShape = shape(w.jdbc);
        }

        assertThat(floorShape).containsExactlyElementsOf(relayShape);
    }

    /** What a drained outbox holds, without the values that differ run to run (ids, times, hashes). */
    private static List<String> shape(Jdbc jdbc) {
        return jdbc.query("""
                SELECT key || ' x' || count(*) FROM (
                    SELECT 'operation ' || status || ' leased=' || (lease_owner IS NOT NULL) || ' signature='
                           || (signature IS NOT NULL) || ' blockhash=' || (blockhash IS NOT NULL) || ' valid_to='
                           || (last_valid_height IS NOT NULL) || ' submitted_at=' || (submitted_at IS NOT NULL)
                           || ' slot=' || (confirmed_slot IS NOT NULL) || ' confirmed_at=' || (confirmed_at IS NOT NULL)
                           || ' error=' || (last_error IS NOT NULL) || ' attempts_used=' || attempt_count AS key
                      FROM chain_operations
                    UNION ALL
                    SELECT 'attempts per operation ' || count(*) FROM chain_operation_attempts GROUP BY operation_id
                    UNION ALL
                    SELECT 'credential ' || status || ' signature=' || (chain_signature IS NOT NULL) || ' slot='
                           || (chain_slot IS NOT NULL) || ' confirmed_at=' || (confirmed_at IS NOT NULL)
                      FROM credentials
                    UNION ALL
                    SELECT 'history ' || event_type || ' ' || coalesce((SELECT string_agg(k, ',' ORDER BY k)
                                                                     FROM jsonb_object_keys(detail) k), '')
                      FROM credential_events
                    UNION ALL
                    SELECT 'webhook ' || type || ' ' || (SELECT string_agg(k, ',' ORDER BY k)
                                                         FROM jsonb_object_keys(payload) k)
                      FROM webhook_events) rows
                 GROUP BY key
                ORDER BY 1""", r -> r.getString(1));
    }
}
