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
    private static final String FAN_OUT = """
            INSERT INTO webhook_messages (msg_id, endpoint_id, event_pk, status, next_attempt_at, created_at, updated_at)
            SELECT 'msg_' || lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0')
                          || substr(md5(gen_random_uuid()::text), 1, 20),
                   ep.id, e.id, 'pending', e.created_at, e.created_at, e.created_at
              FROM e JOIN webhook_endpoints ep
                ON ep.enabled
               AND (e.type = ANY (ep.event_types) OR '*' = ANY (ep.event_types)
                    OR split_part(e.type, '.', 1) || '.*' = ANY (ep.event_types))""";

    private static final String EMIT = """
            WITH e AS (
                INSERT INTO webhook_events (event_id, type, payload, created_at) VALUES (?, ?, ?::jsonb, ?)
                RETURNING id, type, created_at)
            """ + FAN_OUT;

    // The same fan-out for many events of one type in one round trip; a batch's events keep their order.
    private static final String EMIT_ALL = """
            WITH e AS (
                INSERT INTO webhook_events (event_id, type, payload, created_at)
                SELECT u.event_id, ?, u.payload::jsonb, ?
                  FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS u(event_id, payload, n)
                 ORDER BY u.n
                RETURNING id, type, created_at)
            """ + FAN_OUT;

    private WebhookOutbox() {}

    /** Records one event of {@code type} per payload, in one statement; a batch's events stay in order. */
    public static void emitAll(Connection tx, String type, java.util.List<String> payloadsJson, Instant now)
            throws SQLException {
        if (payloadsJson.isEmpty()) {
            return;
        }
        String[] ids = new String[payloadsJson.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = newEventId();
        }
        Jdbc.update(
                tx,
                EMIT_ALL,
                type,
                now,
                tx.createArrayOf("text", ids),
                tx.createArrayOf("text", payloadsJson.toArray()));
    }

    /** A fresh event id. */
    public static String newEventId() {
        UUID random = UUID.randomUUID();
        return "evt_"
                + String.format(
                        "%012x%04x%016x",
                        System.currentTimeMillis() & 0xffff_ffff_ffffL,
                        random.getMostSignificantBits() & 0xffff,
                        random.getLeastSignificantBits());
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
