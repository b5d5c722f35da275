package dev.chainsync.webhook;

import dev.chainsync.db.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/**
 * The webhook outbox's write side: any capability records an event here inside the transaction of
 * the state change that causes it, so an event exists exactly when its cause committed. The same
 * statement fans it out to one message per subscribed, enabled endpoint, so a rolled-back change
 * leaves neither event nor message.
 */
public final class WebhookOutbox {
    // One round trip: the event row and every endpoint's message. Endpoints match on the exact type,
    // on "<first segment>.*", or on "*". Ids are 48 bits of milliseconds then 80 random bits: unique
    // across databases, and time-ordered so their unique indexes grow at the right edge instead of
    // touching a random page per insert.
    private static final String EMIT = """
            WITH e AS (
                INSERT INTO webhook_events (event_id, type, payload, created_at) VALUES (?, ?, ?::jsonb, ?)
                RETURNING id, type, created_at)
            INSERT INTO webhook_messages (msg_id, endpoint_id, event_pk, status, next_attempt_at, created_at, updated_at)
            SELECT 'msg_' || lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0')
                          || substr(md5(gen_random_uuid()::text), 1, 20),
                   ep.id, e.id, 'pending', e.created_at, e.created_at, e.created_at
              FROM e JOIN webhook_endpoints ep
                ON ep.enabled
               AND (e.type = ANY (ep.event_types) OR '*' = ANY (ep.event_types)
                    OR split_part(e.type, '.', 1) || '.*' = ANY (ep.event_types))""";

    private WebhookOutbox() {}

    /** A fresh event id, for callers that write their event row as part of a larger statement. */
    public static String newEventId() {
        UUID random = UUID.randomUUID();
        return "evt_" + String.format("%012x%04x%016x", System.currentTimeMillis() & 0xffff_ffff_ffffL,
                random.getMostSignificantBits() & 0xffff, random.getLeastSignificantBits());
    }

    /**
     * Records event {@code type} with {@code payloadJson} (a JSON object) in the caller's
     * transaction; returns the event id ({@code evt_...}) subscribers will see.
     */
    public static String emit(Connection tx, String type, String payloadJson, Instant now) throws SQLException {
        String eventId = newEventId();
        Jdbc.update(tx, EMIT, eventId, type, payloadJson, now);
        return eventId;
    }
}
