package dev.chainsync.idempotency;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.chainsync.db.DataAccessException;
import dev.chainsync.db.Jdbc;
import dev.chainsync.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Idempotency-Key, crash-safe by construction: the key's row is inserted first inside the very
 * transaction that performs the request's effects and stores its response, so the effect and its
 * record commit together or not at all. A second request with the same key waits on that row's
 * insert for at most {@link #IN_FLIGHT_WAIT}: still running then means 409; once the first has
 * committed it finds the row and replays the stored response (or 422 for another request).
 * A request that fails (validation, business rule, crash) rolls back and stores nothing.
 */
public final class Idempotency {
    /** How long a duplicate waits for the first request before answering 409. */
    static final Duration IN_FLIGHT_WAIT = Duration.ofMillis(200);
    /** Keys longer than this are rejected (the IETF draft and Stripe allow 255). */
    public static final int MAX_KEY_LENGTH = 255;

    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final Jdbc jdbc;
    private final Clock clock;
    private final Duration ttl;

    public Idempotency(Jdbc jdbc, Clock clock, Duration ttl) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.ttl = ttl;
    }

    /** A response as it is stored and replayed: status, the headers worth replaying, body bytes. */
    public record StoredResponse(int status, Map<String, String> headers, byte[] body) {}

    /** What happened to a request carrying an Idempotency-Key. */
    public sealed interface Outcome {
        /** First time: the work ran and its response is now stored. */
        record Executed(StoredResponse response) implements Outcome {}

        /** Seen before with the same fingerprint: replay this. */
        record Replayed(StoredResponse response) implements Outcome {}

        /** Seen before with a different request. */
        record Mismatch() implements Outcome {}

        /** The first request with this key is still running. */
        record InProgress() implements Outcome {}
    }

    /** The request's effects, run inside the transaction that will also store their response. */
    @FunctionalInterface
    public interface Work {
        StoredResponse run(Connection tx) throws SQLException;
    }

    /** Runs {@code work} at most once per ({@code apiKeyId}, {@code key}). */
    public Outcome execute(long apiKeyId, String key, String fingerprint, Work work) {
        Claim claim = new Claim(apiKeyId, key, fingerprint);
        try {
            return jdbc.inTransaction(c -> {
                if (!claimAll(c, List.of(claim))[0]) {
                    return existing(c, apiKeyId, key, fingerprint);
                }
                StoredResponse response = work.run(c);
                completeAll(c, List.of(claim), List.of(response));
                return new Outcome.Executed(response);
            });
        } catch (DataAccessException e) {
            if (LOCK_NOT_AVAILABLE.equals(e.sqlState())) {
                return new Outcome.InProgress();
            }
            throw e;
        }
    }

    /**
     * For requests whose effect is not a database transaction (a chain or Redis call, a long job):
     * claims the key in a transaction of its own, runs {@code effect} with no transaction open,
     * then stores its response. A failed effect releases the key. If the process dies while the
     * effect runs, the key answers 409 until it expires: whether the effect happened is unknown.
     */
    public Outcome executeOutside(long apiKeyId, String key, String fingerprint, Supplier<StoredResponse> effect) {
        Claim claim = new Claim(apiKeyId, key, fingerprint);
        Outcome seen;
        try {
            seen = jdbc.inTransaction(
                    c -> claimAll(c, List.of(claim))[0] ? null : existing(c, apiKeyId, key, fingerprint));
        } catch (DataAccessException e) {
            if (LOCK_NOT_AVAILABLE.equals(e.sqlState())) {
                return new Outcome.InProgress();
            }
            throw e;
        }
        if (seen != null) {
            return seen;
        }
        StoredResponse response;
        try {
            response = effect.get();
        } catch (RuntimeException e) {
            jdbc.inTransaction(c -> {
                completeAll(c, List.of(claim), Collections.singletonList(null));
                return null;
            });
            throw e;
        }
        jdbc.inTransaction(c -> {
            completeAll(c, List.of(claim), List.of(response));
            return null;
        });
        return new Outcome.Executed(response);
    }

    /** An Idempotency-Key as a request presents it. */
    public record Claim(long apiKeyId, String key, String fingerprint) {}

    /**
     * Claims keys inside {@code tx} (one request's, or a batch's sharing one transaction).
     * Returns, per claim, whether this transaction now owns the key; an unclaimed one was seen
     * before or is in flight and its request should go through {@link #execute} on its own.
     * Waits at most {@link #IN_FLIGHT_WAIT} on keys in flight elsewhere, then throws.
     */
    public boolean[] claimAll(Connection tx, List<Claim> claims) throws SQLException {
        Instant now = clock.instant();
        Long[] apiKeys = claims.stream().map(Claim::apiKeyId).toArray(Long[]::new);
        String[] keys = claims.stream().map(Claim::key).toArray(String[]::new);
        String[] fingerprints = claims.stream().map(Claim::fingerprint).toArray(String[]::new);
        // Set first: the DELETE may also have to wait on a request that reused an expired key.
        Jdbc.update(tx, "SET LOCAL lock_timeout = '" + IN_FLIGHT_WAIT.toMillis() + "ms'");
        // Expired rows count as absent; removing one here lets its key be used afresh.
        Jdbc.update(tx, """
                DELETE FROM idempotency_keys k USING unnest(?::bigint[], ?::text[]) AS u(api_key_id, idempotency_key)
                 WHERE k.api_key_id = u.api_key_id AND k.idempotency_key = u.idempotency_key AND k.expires_at <= ?""", tx.createArrayOf("bigint", apiKeys), tx.createArrayOf("text", keys), now);
        Set<String> claimed = new HashSet<>(Jdbc.query(
                tx,
                """
                INSERT INTO idempotency_keys (api_key_id, idempotency_key, fingerprint, response_status,
                                              response_body, created_at, expires_at)
                SELECT u.api_key_id, u.idempotency_key, u.fingerprint, 0, ''::bytea, ?, ?
                  FROM unnest(?::bigint[], ?::text[], ?::text[]) WITH ORDINALITY AS u(api_key_id, idempotency_key, fingerprint, n)
                 ORDER BY u.n
                ON CONFLICT (api_key_id, idempotency_key) DO NOTHING
                RETURNING api_key_id || ':' || idempotency_key""",
                r -> r.getString(1),
                now,
                now.plus(ttl),
                tx.createArrayOf("bigint", apiKeys),
                tx.createArrayOf("text", keys),
                tx.createArrayOf("text", fingerprints)));
        Jdbc.update(tx, "SET LOCAL lock_timeout = 0");
        boolean[] owned = new boolean[claims.size()];
        for (int i = 0; i < owned.length; i++) {
            // Only the first of two identical keys in one batch owns it; the second will replay.
            owned[i] = claimed.remove(
                    claims.get(i).apiKeyId() + ":" + claims.get(i).key());
        }
        return owned;
    }

    /** Stores the responses of claims this transaction owns; refused requests pass null and leave no record. */
    public void completeAll(Connection tx, List<Claim> claims, List<StoredResponse> responses) throws SQLException {
        List<Object[]> stored = new ArrayList<>();
        List<Object[]> released = new ArrayList<>();
        for (int i = 0; i < claims.size(); i++) {
            Claim c = claims.get(i);
            StoredResponse r = responses.get(i);
            if (r == null) {
                released.add(new Object[] {c.apiKeyId(), c.key()});
            } else {
                stored.add(new Object[] {c.apiKeyId(), c.key(), r.status(), Json.write(r.headers()), r.body()});
            }
        }
        if (!stored.isEmpty()) {
            try (PreparedStatement ps = tx.prepareStatement("""
                    UPDATE idempotency_keys SET response_status = ?, response_headers = ?::jsonb, response_body = ?
                     WHERE api_key_id = ? AND idempotency_key = ?""")) {
                for (Object[] s : stored) {
                    ps.setInt(1, (Integer) s[2]);
                    ps.setString(2, (String) s[3]);
                    ps.setBytes(3, (byte[]) s[4]);
                    ps.setLong(4, (Long) s[0]);
                    ps.setString(5, (String) s[1]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!released.isEmpty()) {
            Jdbc.update(
                    tx,
                    """
                    DELETE FROM idempotency_keys k USING unnest(?::bigint[], ?::text[]) AS u(api_key_id, idempotency_key)
                     WHERE k.api_key_id = u.api_key_id AND k.idempotency_key = u.idempotency_key""",
                    tx.createArrayOf("bigint", released.stream().map(r -> r[0]).toArray()),
                    tx.createArrayOf("text", released.stream().map(r -> r[1]).toArray()));
        }
    }

    private static Outcome existing(Connection c, long apiKeyId, String key, String fingerprint) throws SQLException {
        List<Outcome> found = Jdbc.query(
                c,
                """
                SELECT fingerprint, response_status, response_headers::text AS headers, response_body
                  FROM idempotency_keys WHERE api_key_id = ? AND idempotency_key = ?""",
                r -> {
                    if (!r.getString("fingerprint").equals(fingerprint)) {
                        return new Outcome.Mismatch();
                    }
                    if (r.getInt("response_status") == 0) {
                        return new Outcome.InProgress(); // claimed by executeOutside, effect still running
                    }
                    return new Outcome.Replayed(new StoredResponse(
                            r.getInt("response_status"),
                            readHeaders(r.getString("headers")),
                            r.getBytes("response_body")));
                },
                apiKeyId,
                key);
        // The row was there a moment ago; if a purge removed it in between, the client may simply retry.
        return found.isEmpty() ? new Outcome.InProgress() : found.getFirst();
    }

    private static Map<String, String> readHeaders(String json) {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<Map<String, String>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes expired records; returns how many. */
    public int purgeExpired() {
        return jdbc.update("DELETE FROM idempotency_keys WHERE expires_at <= ?", clock.instant());
    }
}
