package dev.chainsync.webhook;

import dev.chainsync.db.Jdbc;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Managing webhook endpoints: create (the signing secret is returned once), list, change, disable,
 * rotate the secret, delete; and reading an endpoint's messages and attempts, and re-sending one.
 */
public final class WebhookEndpoints {
    static final String SECRET_PREFIX = "whsec_";
    /** Standard Webhooks allows 24 to 64 bytes; 32 matches the HMAC-SHA256 block of security. */
    static final int SECRET_BYTES = 32;

    static final int MAX_EVENT_TYPES = 50;
    static final int MAX_DESCRIPTION = 500;
    private static final Pattern EVENT_TYPE =
            Pattern.compile("\\*|[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*|[a-z][a-z0-9_]*\\.\\*");

    static final int PURGE_BATCH = 10_000;

    private final WebhookStore store;
    private final WebhookConfig config;
    private final SecretBox box;
    private final Clock clock;
    private final SecureRandom random;

    public WebhookEndpoints(Jdbc jdbc, WebhookConfig config, SecretBox box, Clock clock, SecureRandom random) {
        this.store = new WebhookStore(jdbc);
        this.config = config;
        this.box = box;
        this.clock = clock;
        this.random = random;
    }

    /** A new endpoint and its signing secret, which is never shown again. */
    public record Created(WebhookEndpoint endpoint, String secret) {
        @Override
        public String toString() {
            return "Created[endpoint=" + endpoint + ", secret=***]";
        }
    }

    /** The new secret after a rotation; the previous one keeps signing until {@code previousSecretExpiresAt}. */
    public record Rotated(WebhookEndpoint endpoint, String secret, Instant previousSecretExpiresAt) {
        @Override
        public String toString() {
            return "Rotated[endpoint=" + endpoint.id() + ", secret=***, previousSecretExpiresAt="
                    + previousSecretExpiresAt + "]";
        }
    }

    /** A partial update: null fields stay as they are. */
    public record Update(String url, List<String> eventTypes, String description, Boolean enabled) {}

    /** What a manual re-send found. */
    public enum RetryOutcome {
        NOT_FOUND,
        IN_FLIGHT,
        ENDPOINT_DISABLED,
        RETRIED
    }

    public Created create(String url, List<String> eventTypes, String description) {
        Valid v = validate(url, eventTypes, description);
        return store.jdbc().inTransaction(c -> create(c, v));
    }

    /** A new endpoint's fields, checked (the URL against the SSRF rules, which may look up DNS). */
    public record Valid(String url, String[] eventTypes, String description) {}

    /** Checks a new endpoint's fields before any transaction opens; throws {@link WebhookRequestException}. */
    public Valid validate(String url, List<String> eventTypes, String description) {
        return new Valid(checkUrl(url), checkEventTypes(eventTypes), checkDescription(description));
    }

    /** Creates a validated endpoint inside {@code tx} (an Idempotency-Key request's transaction). */
    public Created create(Connection tx, Valid v) throws SQLException {
        String checkedUrl = v.url();
        String[] types = v.eventTypes();
        String desc = v.description();
        String secret = newSecret();
        Instant now = now();
        WebhookEndpoint created = Jdbc.query(
                        tx,
                        """
                INSERT INTO webhook_endpoints (url, description, event_types, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?) RETURNING\s""" + WebhookStore.ENDPOINT_COLUMNS,
                        WebhookStore::mapEndpoint,
                        checkedUrl,
                        desc,
                        tx.createArrayOf("text", types),
                        now,
                        now)
                .getFirst();
        insertSecret(tx, created.id(), secret, now);
        return new Created(created, secret);
    }

    /** Newest first, {@code limit} of them with ids below {@code beforeId} (null for the first page). */
    public List<WebhookEndpoint> list(Long beforeId, int limit) {
        return store.jdbc()
                .query(
                        "SELECT " + WebhookStore.ENDPOINT_COLUMNS + " FROM webhook_endpoints"
                                + " WHERE (?::bigint IS NULL OR id < ?::bigint) ORDER BY id DESC LIMIT ?",
                        WebhookStore::mapEndpoint,
                        beforeId,
                        beforeId,
                        limit);
    }

    public Optional<WebhookEndpoint> find(long id) {
        return store.jdbc()
                .queryOne(
                        "SELECT " + WebhookStore.ENDPOINT_COLUMNS + " FROM webhook_endpoints WHERE id = ?",
                        WebhookStore::mapEndpoint,
                        id);
    }

    /** Applies the non-null fields; enabling clears the disabled reason and the failure run. */
    public Optional<WebhookEndpoint> update(long id, Update u) {
        String url = u.url() == null ? null : checkUrl(u.url());
        String[] types = u.eventTypes() == null ? null : checkEventTypes(u.eventTypes());
        String desc = u.description() == null ? null : checkDescription(u.description());
        return store.jdbc().inTransaction(c -> update(c, id, url, types, desc, u.enabled()));
    }

    private Optional<WebhookEndpoint> update(
            Connection c, long id, String url, String[] types, String desc, Boolean enabled) throws SQLException {
        Instant now = now();
        return Jdbc.query(
                        c,
                        """
                UPDATE webhook_endpoints
                   SET url = COALESCE(?::text, url), event_types = COALESCE(?::text[], event_types),
                       description = COALESCE(?::text, description),
                       enabled = COALESCE(?::boolean, enabled),
                       disabled_reason = CASE WHEN ?::boolean IS NULL THEN disabled_reason WHEN ?::boolean THEN NULL
                                              WHEN enabled THEN ?::text ELSE disabled_reason END,
                       disabled_at = CASE WHEN ?::boolean IS NULL THEN disabled_at WHEN ?::boolean THEN NULL
                                          WHEN enabled THEN ?::timestamptz ELSE disabled_at END,
                       failing_since = CASE WHEN ?::boolean AND NOT enabled THEN NULL ELSE failing_since END,
                       updated_at = ?
                 WHERE id = ?
                RETURNING\s""" + WebhookStore.ENDPOINT_COLUMNS,
                        WebhookStore::mapEndpoint,
                        url,
                        types == null ? null : c.createArrayOf("text", types),
                        desc,
                        enabled,
                        enabled,
                        enabled,
                        "disabled through the API",
                        enabled,
                        enabled,
                        now,
                        enabled,
                        now,
                        id)
                .stream()
                .findFirst();
    }

    public Optional<WebhookEndpoint> disable(long id) {
        return store.jdbc().inTransaction(c -> disable(c, id));
    }

    /** Disables in the caller's transaction (the API runs it under Idempotency-Key). */
    public Optional<WebhookEndpoint> disable(Connection tx, long id) throws SQLException {
        return update(tx, id, null, null, null, false);
    }

    /**
     * Makes a new current secret; the current one keeps signing for the configured overlap, so
     * receivers can switch without dropping a delivery. Secrets already past their overlap are purged.
     */
    public Optional<Rotated> rotateSecret(long id) {
        return store.jdbc().inTransaction(c -> rotateSecret(c, id));
    }

    /** {@link #rotateSecret(long)} inside {@code tx}. */
    public Optional<Rotated> rotateSecret(Connection c, long id) throws SQLException {
        String secret = newSecret();
        Instant now = now();
        Instant until = now.plus(config.secretOverlap());
        List<Long> locked =
                Jdbc.query(c, "SELECT id FROM webhook_endpoints WHERE id = ? FOR UPDATE", r -> r.getLong(1), id);
        if (locked.isEmpty()) {
            return Optional.<Rotated>empty();
        }
        Jdbc.update(c, "DELETE FROM webhook_endpoint_secrets WHERE endpoint_id = ? AND expires_at <= ?", id, now);
        Jdbc.update(
                c,
                "UPDATE webhook_endpoint_secrets SET expires_at = ? WHERE endpoint_id = ? AND expires_at IS NULL",
                until,
                id);
        insertSecret(c, id, secret, now);
        WebhookEndpoint ep = Jdbc.query(
                        c,
                        "UPDATE webhook_endpoints SET updated_at = ? WHERE id = ? RETURNING "
                                + WebhookStore.ENDPOINT_COLUMNS,
                        WebhookStore::mapEndpoint,
                        now,
                        id)
                .getFirst();
        return Optional.of(new Rotated(ep, secret, until));
    }

    /** Deletes the endpoint with its secrets, messages and attempts; events stay. */
    public boolean delete(long id) {
        return store.jdbc().inTransaction(c -> {
            Jdbc.update(c, "DELETE FROM webhook_attempts WHERE endpoint_id = ?", id);
            Jdbc.update(c, "DELETE FROM webhook_messages WHERE endpoint_id = ?", id);
            return Jdbc.update(c, "DELETE FROM webhook_endpoints WHERE id = ?", id) > 0;
        });
    }

    /** An endpoint's undelivered messages: due or backing off, and given up on. */
    public record Backlog(long pending, long deadLettered) {}

    /**
     * Undelivered messages per endpoint id, for the endpoints that have any (the operator page). Counts
     * from the partial indexes on pending and dead-lettered messages; delivered history is not read.
     */
    public Map<Long, Backlog> backlogs() {
        Map<Long, Backlog> out = new HashMap<>();
        store.jdbc()
                .query(
                        """
                SELECT endpoint_id, count(*) FILTER (WHERE status = 'pending') AS pending,
                       count(*) FILTER (WHERE status = 'dead_lettered') AS dead
                  FROM webhook_messages WHERE status IN ('pending', 'dead_lettered') GROUP BY endpoint_id""",
                        r -> out.put(r.getLong("endpoint_id"), new Backlog(r.getLong("pending"), r.getLong("dead"))));
        return out;
    }

    // ---------------------------------------------------------------- messages and attempts

    /** An endpoint's messages, newest first, optionally only those in {@code status}. */
    public List<WebhookMessage> messages(long endpointId, WebhookMessage.Status status, Long beforeSeq, int limit) {
        return store.jdbc()
                .query(
                        "SELECT " + WebhookStore.MESSAGE_COLUMNS + """
                 FROM webhook_messages m JOIN webhook_events e ON e.id = m.event_pk
                WHERE m.endpoint_id = ? AND (?::text IS NULL OR m.status = ?::text)
                  AND (?::bigint IS NULL OR m.id < ?::bigint)
                ORDER BY m.id DESC LIMIT ?""",
                        r -> WebhookStore.mapMessage(r, false),
                        endpointId,
                        status == null ? null : status.dbName(),
                        status == null ? null : status.dbName(),
                        beforeSeq,
                        beforeSeq,
                        limit);
    }

    /** One message with its payload. */
    public Optional<WebhookMessage> message(long endpointId, String msgId) {
        return store.jdbc()
                .queryOne(
                        "SELECT " + WebhookStore.MESSAGE_COLUMNS + """
                , e.payload::text AS payload
                 FROM webhook_messages m JOIN webhook_events e ON e.id = m.event_pk
                WHERE m.endpoint_id = ? AND m.msg_id = ?""",
                        r -> WebhookStore.mapMessage(r, true),
                        endpointId,
                        msgId);
    }

    /** Every attempt of one message, oldest first. */
    public List<WebhookAttempt> attempts(long endpointId, String msgId) {
        return store.jdbc().query("""
                SELECT a.*, m.msg_id FROM webhook_attempts a JOIN webhook_messages m ON m.id = a.message_id
                 WHERE m.endpoint_id = ? AND m.msg_id = ? ORDER BY a.id""", WebhookStore::mapAttempt, endpointId, msgId);
    }

    /** An endpoint's attempts across its messages, newest first. */
    public List<WebhookAttempt> endpointAttempts(long endpointId, Long beforeId, int limit) {
        return store.jdbc().query("""
                SELECT a.*, m.msg_id FROM webhook_attempts a JOIN webhook_messages m ON m.id = a.message_id
                 WHERE a.endpoint_id = ? AND (?::bigint IS NULL OR a.id < ?::bigint)
                 ORDER BY a.id DESC LIMIT ?""", WebhookStore::mapAttempt, endpointId, beforeId, beforeId, limit);
    }

    /**
     * Sends a message again as soon as possible, with the same {@code webhook-id}: a delivered or
     * dead-lettered one gets one more attempt, a pending one is made due now.
     */
    public RetryOutcome retry(long endpointId, String msgId) {
        return store.jdbc().inTransaction(c -> retry(c, endpointId, msgId));
    }

    /** {@link #retry(long, String)} in the caller's transaction. */
    public RetryOutcome retry(Connection tx, long endpointId, String msgId) throws SQLException {
        Instant now = now();
        List<Object[]> rows = Jdbc.query(
                tx,
                """
                SELECT m.id, ep.enabled, m.lease_until FROM webhook_messages m
                  JOIN webhook_endpoints ep ON ep.id = m.endpoint_id
                 WHERE m.endpoint_id = ? AND m.msg_id = ? FOR UPDATE OF m""",
                r -> new Object[] {r.getLong(1), r.getBoolean(2), Jdbc.instant(r, "lease_until")},
                endpointId,
                msgId);
        if (rows.isEmpty()) {
            return RetryOutcome.NOT_FOUND;
        }
        Object[] row = rows.getFirst();
        if (!(Boolean) row[1]) {
            return RetryOutcome.ENDPOINT_DISABLED;
        }
        if (row[2] != null && ((Instant) row[2]).isAfter(now)) {
            // A dispatcher holds it right now; resetting it would let its outcome be lost.
            return RetryOutcome.IN_FLIGHT;
        }
        Jdbc.update(tx, """
                UPDATE webhook_messages SET status = 'pending', next_attempt_at = ?, lease_owner = NULL,
                       lease_until = NULL, version = version + 1, updated_at = ?
                 WHERE id = ?""", now, now, row[0]);
        return RetryOutcome.RETRIED;
    }

    // ---------------------------------------------------------------- validation and secrets

    private String checkUrl(String url) {
        URI uri;
        try {
            uri = AddressGuard.parse(url);
            if (!config.allowPrivateTargets()) {
                AddressGuard.check(uri);
            }
        } catch (AddressGuard.Refused e) {
            throw new WebhookRequestException("url", e.getMessage());
        }
        return uri.toString();
    }

    static String[] checkEventTypes(List<String> eventTypes) {
        if (eventTypes == null || eventTypes.isEmpty()) {
            throw new WebhookRequestException(
                    "event_types",
                    "event_types needs at least one type, such as \"credential.confirmed\", \"credential.*\" or \"*\"");
        }
        if (eventTypes.size() > MAX_EVENT_TYPES) {
            throw new WebhookRequestException("event_types", "at most " + MAX_EVENT_TYPES + " event types");
        }
        Set<String> out = new LinkedHashSet<>();
        for (String t : eventTypes) {
            if (t == null || t.length() > 100 || !EVENT_TYPE.matcher(t).matches()) {
                throw new WebhookRequestException(
                        "event_types",
                        "'" + t + "' is not an event type: use lower-case "
                                + "dotted names like credential.confirmed, a prefix like credential.*, or *");
            }
            if (!WebhookEventTypes.known(t)) {
                throw new WebhookRequestException(
                        "event_types",
                        "'" + t + "' matches no event type; the types are " + String.join(", ", WebhookEventTypes.ALL)
                                + " (or a prefix such as credential.*, or *)");
            }
            out.add(t);
        }
        return new ArrayList<>(out).toArray(String[]::new);
    }

    private static String checkDescription(String description) {
        String d = description == null ? "" : description.strip();
        if (d.length() > MAX_DESCRIPTION) {
            throw new WebhookRequestException(
                    "description", "description is longer than " + MAX_DESCRIPTION + " characters");
        }
        return d;
    }

    private String newSecret() {
        byte[] raw = new byte[SECRET_BYTES];
        random.nextBytes(raw);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(raw);
    }

    private void insertSecret(Connection c, long endpointId, String secret, Instant now) throws SQLException {
        byte[] raw = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        Jdbc.update(c, """
                INSERT INTO webhook_endpoint_secrets (endpoint_id, key_id, ciphertext, created_at)
                VALUES (?, ?, ?, ?)""", endpointId, box.keyId(), box.seal(raw, secretContext(endpointId)), now);
    }

    /** Binds a ciphertext to its endpoint, so a secret copied to another endpoint's row does not decrypt. */
    static String secretContext(long endpointId) {
        return "webhook-endpoint:" + endpointId;
    }

    private Instant now() {
        // PostgreSQL keeps microseconds; truncating keeps what we return equal to what we stored.
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Deletes messages delivered longer ago than {@link WebhookConfig#deliveredRetention()} with
     * their attempts, and events none of whose messages remain. Dead-lettered messages stay until
     * someone retries or deletes their endpoint. Works in bounded batches so it never holds long
     * locks; returns how many messages went.
     */
    public int purgeDelivered() {
        Instant cutoff = clock.instant().minus(config.deliveredRetention());
        int total = 0;
        while (true) {
            int n = store.jdbc().inTransaction(c -> {
                List<Long> ids = Jdbc.query(c, """
                        DELETE FROM webhook_messages WHERE id IN (
                            SELECT id FROM webhook_messages WHERE status = 'delivered' AND delivered_at < ?
                             LIMIT ?)
                        RETURNING id""", r -> r.getLong(1), cutoff, PURGE_BATCH);
                if (!ids.isEmpty()) {
                    Jdbc.update(
                            c,
                            "DELETE FROM webhook_attempts WHERE message_id = ANY (?)",
                            Jdbc.array(c, "bigint", ids.toArray()));
                }
                return ids.size();
            });
            total += n;
            if (n < PURGE_BATCH) {
                break;
            }
        }
        store.jdbc().update("""
                DELETE FROM webhook_events e WHERE e.created_at < ?
                   AND NOT EXISTS (SELECT 1 FROM webhook_messages m WHERE m.event_pk = e.id)""", cutoff);
        return total;
    }
}
