package dev.chainsync.apikey;

import dev.chainsync.db.Jdbc;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * API keys: created with a random secret shown once, stored only as its SHA-256, looked up by that
 * hash. The lookup never depends on the key's prefix, so response time says nothing about which
 * prefixes exist. A short cache keeps the hot path off the database; revoking through this
 * instance takes effect at once, on other instances within {@link #CACHE_TTL}.
 */
public final class ApiKeys {
    /** Longest key name, in characters (surrounding blanks are not kept). */
    public static final int MAX_NAME_CHARS = 200;

    /** How long a verified key is trusted without asking the database again. */
    public static final Duration CACHE_TTL = Duration.ofSeconds(2);
    /** {@code last_used_at} is written at most this often per key. */
    public static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);
    /** Verified keys cached at most; unknown tokens are never cached, so random bearer tokens cannot grow it. */
    static final int CACHE_MAX_ENTRIES = 10_000;

    static final String KEY_PREFIX = "csk_";
    static final int SECRET_BYTES = 32;
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private final Jdbc jdbc;
    private final Clock clock;
    private final SecureRandom random;
    private final byte[] adminKeyHash;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /** Bumped by every revoke(), so a lookup that raced one does not put the revoked key back in the cache. */
    private final AtomicLong revocations = new AtomicLong();

    private record Cached(Optional<ApiKey> key, Instant until) {}

    /** A new key and its secret, which is never shown again. */
    public record Created(ApiKey key, String secret) {}

    /**
     * @param adminKey the configured {@code CHAINSYNC_ADMIN_API_KEY}, or null
     */
    public ApiKeys(Jdbc jdbc, Clock clock, SecureRandom random, String adminKey) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.random = random;
        this.adminKeyHash = adminKey == null ? null : sha256(adminKey);
    }

    /** The principal the configured admin key stands for. */
    public static final ApiKey BOOTSTRAP_ADMIN =
            new ApiKey(0, "CHAINSYNC_ADMIN_API_KEY", "(env)", EnumSet.of(Scope.ADMIN), null, Instant.EPOCH, null, null);

    public Created create(String name, Set<Scope> scopes, Integer rateLimitPerMinute) {
        return jdbc.withConnection(c -> create(c, name, scopes, rateLimitPerMinute));
    }

    /** Creates a key inside {@code tx} (an Idempotency-Key request's transaction); the secret is only in the result. */
    public Created create(Connection tx, String name, Set<Scope> scopes, Integer rateLimitPerMinute)
            throws SQLException {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name is required and must not be blank");
        }
        if (name.strip().length() > MAX_NAME_CHARS) {
            throw new IllegalArgumentException("name is " + name.strip().length() + " characters long; at most "
                    + MAX_NAME_CHARS + " are allowed");
        }
        if (scopes == null || scopes.isEmpty()) {
            throw new IllegalArgumentException("at least one scope is required");
        }
        if (rateLimitPerMinute != null && (rateLimitPerMinute < 1 || rateLimitPerMinute > 1_000_000)) {
            throw new IllegalArgumentException("rate_limit_per_minute must be between 1 and 1000000");
        }
        String prefix = randomBase62(8);
        String secret = KEY_PREFIX + prefix + "_" + randomBase62(SECRET_BYTES + 11);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String[] scopeNames = scopes.stream().map(Scope::wireName).sorted().toArray(String[]::new);
        long id = Jdbc.query(
                        tx,
                        """
                INSERT INTO api_keys (name, prefix, key_hash, scopes, rate_limit_per_minute, created_at)
                VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
                        r -> r.getLong(1),
                        name.trim(),
                        KEY_PREFIX + prefix,
                        sha256(secret),
                        tx.createArrayOf("text", scopeNames),
                        rateLimitPerMinute,
                        now)
                .getFirst();
        return new Created(
                new ApiKey(
                        id,
                        name.trim(),
                        KEY_PREFIX + prefix,
                        EnumSet.copyOf(scopes),
                        rateLimitPerMinute,
                        now,
                        null,
                        null),
                secret);
    }

    /** The active key matching {@code presented}, if any. */
    public Optional<ApiKey> authenticate(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > 200) {
            return Optional.empty();
        }
        byte[] hash = sha256(presented);
        if (adminKeyHash != null && MessageDigest.isEqual(hash, adminKeyHash)) {
            return Optional.of(BOOTSTRAP_ADMIN);
        }
        Instant now = clock.instant();
        String cacheKey = HexFormat.of().formatHex(hash);
        Cached cached = cache.get(cacheKey);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.key();
        }
        // A revoke() that overlaps this read must win. revoke() counts before it clears the cache, so
        // either it clears after this write, or the count changed and this write is taken back.
        long revocationsBefore = revocations.get();
        Optional<ApiKey> key = jdbc.queryOne(
                "SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL", ApiKeys::map, (Object) hash);
        if (key.isPresent()) {
            if (cache.size() >= CACHE_MAX_ENTRIES) {
                cache.clear();
            }
            cache.put(cacheKey, new Cached(key, now.plus(CACHE_TTL)));
            if (revocations.get() != revocationsBefore) {
                cache.remove(cacheKey);
            }
        }
        key.ifPresent(k -> touch(k, now));
        return key;
    }

    private void touch(ApiKey key, Instant now) {
        if (key.lastUsedAt() == null
                || key.lastUsedAt().plus(LAST_USED_GRANULARITY).isBefore(now)) {
            jdbc.update("UPDATE api_keys SET last_used_at = ? WHERE id = ?", now, key.id());
        }
    }

    public List<ApiKey> list() {
        return jdbc.query("SELECT * FROM api_keys ORDER BY id", ApiKeys::map);
    }

    public Optional<ApiKey> find(long id) {
        return jdbc.queryOne("SELECT * FROM api_keys WHERE id = ?", ApiKeys::map, id);
    }

    /** Revokes a key; returns false when there is no such active key. Takes effect on this instance at once. */
    public boolean revoke(long id) {
        int n = jdbc.update(
                "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", clock.instant(), id);
        if (n > 0) {
            revocations.incrementAndGet();
            cache.clear();
        }
        return n > 0;
    }

    static ApiKey map(ResultSet r) throws SQLException {
        String[] names = (String[]) r.getArray("scopes").getArray();
        Set<Scope> scopes = Arrays.stream(names)
                .map(n -> Scope.parse(n).orElseThrow())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Scope.class)));
        int limit = r.getInt("rate_limit_per_minute");
        Integer rateLimit = r.wasNull() ? null : limit;
        return new ApiKey(
                r.getLong("id"),
                r.getString("name"),
                r.getString("prefix"),
                scopes,
                rateLimit,
                Jdbc.instant(r, "created_at"),
                Jdbc.instant(r, "revoked_at"),
                Jdbc.instant(r, "last_used_at"));
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String randomBase62(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(BASE62.charAt(random.nextInt(BASE62.length())));
        }
        return sb.toString();
    }
}
