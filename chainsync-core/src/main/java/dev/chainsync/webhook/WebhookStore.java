package dev.chainsync.webhook;

import static dev.chainsync.db.Jdbc.instant;

import dev.chainsync.db.Jdbc;
import dev.chainsync.db.PgText;
import dev.chainsync.queue.Column;
import dev.chainsync.queue.LeaseTable;
import dev.chainsync.queue.Leased;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** All SQL on the webhook tables except the fan-out in {@link WebhookOutbox}; the webhook package owns them. */
final class WebhookStore {
    /** The lease/version pattern of the message queue (alias {@code m} in every fragment below). */
    static final LeaseTable TABLE = new LeaseTable("webhook_messages", "m");

    static final String ENDPOINT_COLUMNS = "id, url, description, event_types, enabled, disabled_reason, disabled_at, "
            + "failing_since, created_at, updated_at";

    /**
     * Claims due messages, at most {@code room} per endpoint (what this dispatcher can still take for
     * it), endpoints in random order so a backlog on one cannot starve the others. Rows another
     * dispatcher holds are skipped, not waited on; the lease hands a crashed dispatcher's rows on.
     */
    private static final String CLAIM = TABLE.claim(
            "", "webhook_events e, webhook_endpoints ep", """
                    SELECT x.id
                      FROM (SELECT w.id, COALESCE(b.room, ?) AS room
                              FROM webhook_endpoints w
                              LEFT JOIN unnest(?::bigint[], ?::int[]) AS b(id, room) ON b.id = w.id
                             WHERE w.enabled AND COALESCE(b.room, ?) > 0
                             ORDER BY random()) w
                     CROSS JOIN LATERAL (
                            SELECT q.id FROM webhook_messages q
                             WHERE q.endpoint_id = w.id AND q.status = 'pending' AND q.next_attempt_at <= ?
                               AND (q.lease_until IS NULL OR q.lease_until < ?)
                             ORDER BY q.next_attempt_at
                             LIMIT w.room
                             FOR UPDATE SKIP LOCKED) x
                     LIMIT ?""", "e.id = m.event_pk AND ep.id = m.endpoint_id", """
            m.id, m.msg_id, m.endpoint_id, m.attempt_count, m.version, e.type, e.payload::text,
                      e.created_at, ep.url, ep.failing_since IS NOT NULL""");

    private final Jdbc jdbc;

    WebhookStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    Jdbc jdbc() {
        return jdbc;
    }

    // ---------------------------------------------------------------- dispatcher

    /** A claimed message with what its delivery needs. */
    record Claimed(
            long id,
            String msgId,
            long endpointId,
            int attemptCount,
            long version,
            String eventType,
            String payload,
            Instant eventAt,
            String url,
            boolean endpointFailing)
            implements Leased {}

    List<Claimed> claim(
            String owner, Instant now, Duration lease, int limit, int defaultRoom, Long[] busyIds, Integer[] busyRoom) {
        return jdbc.inTransaction(c -> {
            // A claim lost in a crash only means the message is claimed again later (deliveries are
            // at least once anyway), so this commit need not wait for the WAL flush.
            Jdbc.update(c, "SET LOCAL synchronous_commit = off");
            return Jdbc.query(
                    c,
                    CLAIM,
                    r -> new Claimed(
                            r.getLong(1),
                            r.getString(2),
                            r.getLong(3),
                            r.getInt(4),
                            r.getLong(5),
                            r.getString(6),
                            r.getString(7),
                            instant(r, "created_at"),
                            r.getString(9),
                            r.getBoolean(10)),
                    owner,
                    now.plus(lease),
                    defaultRoom,
                    Jdbc.array(c, "bigint", busyIds),
                    Jdbc.array(c, "int", busyRoom),
                    defaultRoom,
                    now,
                    now,
                    limit);
        });
    }

    /** A stored, encrypted secret. */
    record SealedSecret(long id, long endpointId, String keyId, byte[] ciphertext, Instant createdAt) {}

    /** The secrets that sign at {@code now} for each endpoint, newest first. */
    List<SealedSecret> activeSecrets(Set<Long> endpointIds, Instant now) {
        return jdbc.withConnection(c -> Jdbc.query(
                c,
                """
                SELECT id, endpoint_id, key_id, ciphertext, created_at FROM webhook_endpoint_secrets
                 WHERE endpoint_id = ANY (?) AND (expires_at IS NULL OR expires_at > ?)
                 ORDER BY endpoint_id, id DESC""",
                r -> new SealedSecret(
                        r.getLong(1), r.getLong(2), r.getString(3), r.getBytes(4), instant(r, "created_at")),
                Jdbc.array(c, "bigint", endpointIds.toArray(Long[]::new)),
                now));
    }

    /** One finished attempt, ready to be written. */
    record Finished(
            Claimed message,
            Instant startedAt,
            boolean succeeded,
            Integer statusCode,
            int latencyMs,
            String excerpt,
            String error) {
        Finished {
            // A receiver's answer is arbitrary bytes; one NUL in it must not undo its batch's outcomes.
            excerpt = PgText.storable(excerpt);
            error = PgText.storable(error);
        }
    }

    /** Logs attempts of messages that still exist (an endpoint may have been deleted meanwhile). */
    static void insertAttempts(Connection c, List<Finished> fs, String dispatcher) throws SQLException {
        if (fs.isEmpty()) {
            return;
        }
        Jdbc.update(
                c,
                """
                INSERT INTO webhook_attempts (message_id, endpoint_id, attempt, started_at, succeeded, status_code,
                                              latency_ms, response_excerpt, error, dispatcher)
                SELECT u.id, m.endpoint_id, u.attempt, u.started_at, u.ok, u.status, u.latency, u.excerpt, u.error, ?
                  FROM unnest(?::bigint[], ?::int[], ?::timestamptz[], ?::boolean[], ?::int[], ?::int[], ?::text[],
                              ?::text[]) AS u(id, attempt, started_at, ok, status, latency, excerpt, error)
                  JOIN webhook_messages m ON m.id = u.id
                 ORDER BY u.id""",
                dispatcher,
                Jdbc.array(c, "bigint", fs.stream().map(f -> f.message().id()).toArray(Long[]::new)),
                Jdbc.array(
                        c,
                        "int",
                        fs.stream().map(f -> f.message().attemptCount() + 1).toArray(Integer[]::new)),
                Jdbc.instants(c, fs.stream().map(Finished::startedAt).toList()),
                Jdbc.array(c, "boolean", fs.stream().map(Finished::succeeded).toArray(Boolean[]::new)),
                Jdbc.array(c, "int", fs.stream().map(Finished::statusCode).toArray(Integer[]::new)),
                Jdbc.array(c, "int", fs.stream().map(Finished::latencyMs).toArray(Integer[]::new)),
                Jdbc.array(c, "text", fs.stream().map(Finished::excerpt).toArray(String[]::new)),
                Jdbc.array(c, "text", fs.stream().map(Finished::error).toArray(String[]::new)));
    }

    // The settle statements; each writes only messages still at the version this dispatcher's claim
    // left (an endpoint may also have been deleted meanwhile), and returns their ids.

    /** Delivered. Parameter: now. */
    static final LeaseTable.Settle<FinishPlanner.Delivered> DELIVERED = TABLE.settle(
            "status = 'delivered', delivered_at = u.at, attempt_count = m.attempt_count + 1, "
                    + "last_status_code = u.status, last_error = NULL, updated_at = ?",
            new Column<>("at", "timestamptz", FinishPlanner.Delivered::at),
            new Column<>("status", "int", d -> d.finished().statusCode()));

    /** Back to pending at each retry's {@code at}; the attempt counts. Parameter: now. */
    static final LeaseTable.Settle<FinishPlanner.Retry> RESCHEDULED = TABLE.settle(
            "next_attempt_at = u.retry_at, attempt_count = m.attempt_count + 1, last_status_code = u.status, "
                    + "last_error = u.error, updated_at = ?",
            new Column<>("retry_at", "timestamptz", FinishPlanner.Retry::at),
            new Column<>("status", "int", r -> r.finished().statusCode()),
            new Column<>("error", "text", r -> r.finished().error()));

    /** Dead-lettered after its last attempt. Parameter: now. */
    static final LeaseTable.Settle<FinishPlanner.DeadLetter> DEAD_LETTERED = TABLE.settle(
            "status = 'dead_lettered', attempt_count = m.attempt_count + 1, last_status_code = u.status, "
                    + "last_error = u.error, updated_at = ?",
            new Column<>("status", "int", d -> d.finished().statusCode()),
            new Column<>("error", "text", d -> d.finished().error()));

    private static final LeaseTable.Settle<Leased> RELEASED = TABLE.settle("");

    private static final LeaseTable.Settle<Leased> POSTPONED = TABLE.settle("next_attempt_at = ?");

    /** Gives claims back without counting an attempt (shutdown, or a pass that failed half-way). */
    static int release(Connection c, List<? extends Leased> ms) throws SQLException {
        return RELEASED.apply(c, ms).size();
    }

    /** Gives claims back due again at {@code until}, with no attempt recorded or counted. */
    static int postpone(Connection c, List<Claimed> ms, Instant until) throws SQLException {
        return POSTPONED.apply(c, ms, until).size();
    }

    int releaseAll(String owner) {
        return jdbc.withConnection(c -> TABLE.releaseOwned(c, owner, "", "m.status = 'pending'"));
    }

    /** A success ends an endpoint's run of failures. */
    static void endpointsSucceeded(Connection c, Long[] endpointIds) throws SQLException {
        if (endpointIds.length > 0) {
            Jdbc.update(
                    c,
                    "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ANY (?) AND failing_since IS NOT NULL",
                    Jdbc.array(c, "bigint", endpointIds));
        }
    }

    /** Starts a run of failures where none is running. */
    static void endpointsFailed(Connection c, Long[] endpointIds, Instant at) throws SQLException {
        if (endpointIds.length > 0) {
            Jdbc.update(
                    c,
                    "UPDATE webhook_endpoints SET failing_since = ? WHERE id = ANY (?) AND failing_since IS NULL",
                    at,
                    Jdbc.array(c, "bigint", endpointIds));
        }
    }

    /** An endpoint this dispatcher switched off, and why. */
    record Disabled(long id, String url, String reason, Instant failingSince) {}

    /**
     * Disables the endpoints among {@code endpointIds} that are enabled and, when {@code failingSince}
     * is given, have been failing since at least then. Returns the ones it changed.
     */
    static List<Disabled> disable(Connection c, Long[] endpointIds, Instant failingBefore, String reason, Instant now)
            throws SQLException {
        if (endpointIds.length == 0) {
            return List.of();
        }
        return Jdbc.query(
                c,
                """
                UPDATE webhook_endpoints
                   SET enabled = FALSE, disabled_reason = ?, disabled_at = ?, updated_at = ?
                 WHERE id = ANY (?) AND enabled AND (?::timestamptz IS NULL OR failing_since <= ?::timestamptz)
                RETURNING id, url, failing_since""",
                r -> new Disabled(r.getLong(1), r.getString(2), reason, instant(r, "failing_since")),
                reason,
                now,
                now,
                Jdbc.array(c, "bigint", endpointIds),
                failingBefore,
                failingBefore);
    }

    /** Message counts and the age of the oldest due message, for health and the pending gauge. */
    record Stats(long pending, long deadLettered, Instant oldestDue) {}

    Stats stats(Instant now) {
        return jdbc.queryOne("""
                SELECT (SELECT count(*) FROM webhook_messages WHERE status = 'pending'),
                       (SELECT count(*) FROM webhook_messages WHERE status = 'dead_lettered'),
                       (SELECT min(m.next_attempt_at) FROM webhook_messages m
                          JOIN webhook_endpoints ep ON ep.id = m.endpoint_id AND ep.enabled
                         WHERE m.status = 'pending' AND m.next_attempt_at <= ?) AS oldest""", r -> new Stats(r.getLong(1), r.getLong(2), instant(r, "oldest")), now)
                .orElseThrow();
    }

    // ---------------------------------------------------------------- endpoints

    static WebhookEndpoint mapEndpoint(ResultSet r) throws SQLException {
        return new WebhookEndpoint(
                r.getLong("id"),
                r.getString("url"),
                r.getString("description"),
                Arrays.asList((String[]) r.getArray("event_types").getArray()),
                r.getBoolean("enabled"),
                r.getString("disabled_reason"),
                instant(r, "disabled_at"),
                instant(r, "failing_since"),
                instant(r, "created_at"),
                instant(r, "updated_at"));
    }

    static final String MESSAGE_COLUMNS =
            "m.id, m.msg_id, m.endpoint_id, e.event_id, e.type, m.status, m.attempt_count, "
                    + "m.next_attempt_at, m.last_status_code, m.last_error, m.delivered_at, m.created_at, m.updated_at";

    static WebhookMessage mapMessage(ResultSet r, boolean withPayload) throws SQLException {
        int status = r.getInt("last_status_code");
        Integer lastStatus = r.wasNull() ? null : status;
        WebhookMessage.Status s = WebhookMessage.Status.fromDb(r.getString("status"));
        return new WebhookMessage(
                r.getLong("id"),
                r.getString("msg_id"),
                r.getLong("endpoint_id"),
                r.getString("event_id"),
                r.getString("type"),
                s,
                r.getInt("attempt_count"),
                s == WebhookMessage.Status.PENDING ? instant(r, "next_attempt_at") : null,
                lastStatus,
                r.getString("last_error"),
                instant(r, "delivered_at"),
                instant(r, "created_at"),
                instant(r, "updated_at"),
                withPayload ? r.getString("payload") : null);
    }

    static WebhookAttempt mapAttempt(ResultSet r) throws SQLException {
        int status = r.getInt("status_code");
        Integer code = r.wasNull() ? null : status;
        return new WebhookAttempt(
                r.getLong("id"),
                r.getString("msg_id"),
                r.getInt("attempt"),
                instant(r, "started_at"),
                r.getBoolean("succeeded"),
                code,
                r.getInt("latency_ms"),
                r.getString("response_excerpt"),
                r.getString("error"));
    }
}
