package dev.chainsync.api;

import dev.chainsync.config.Checks;
import dev.chainsync.config.Env;
import java.time.Duration;

/** The HTTP edge's access control: API keys, rate limits, idempotency; valid by construction. */
public record EdgeConfig(
        String adminApiKey, int defaultRateLimitPerMinute, boolean metricsRequireKey, Duration idempotencyTtl) {
    public static final int DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
    public static final Duration DEFAULT_IDEMPOTENCY_TTL = Duration.ofHours(24);
    /** Shorter bootstrap keys are too easy to guess. */
    public static final int MIN_ADMIN_KEY_LENGTH = 16;

    public EdgeConfig {
        new Checks()
                .that(
                        adminApiKey == null || adminApiKey.length() >= MIN_ADMIN_KEY_LENGTH,
                        "CHAINSYNC_ADMIN_API_KEY must be at least " + MIN_ADMIN_KEY_LENGTH + " characters")
                .range("CHAINSYNC_RATE_LIMIT_PER_MINUTE", defaultRateLimitPerMinute, 1, 10_000_000)
                .millis("CHAINSYNC_IDEMPOTENCY_TTL_MS", idempotencyTtl, Duration.ofMinutes(1), Duration.ofDays(30))
                .throwIfInvalid();
    }

    /** Reads the edge's variables; problems are collected in {@code env} (the result is null then). */
    public static EdgeConfig load(Env env) {
        String adminKey = env.raw("CHAINSYNC_ADMIN_API_KEY");
        int rate = env.integer("CHAINSYNC_RATE_LIMIT_PER_MINUTE", DEFAULT_RATE_LIMIT_PER_MINUTE);
        boolean metricsRequireKey = env.bool("CHAINSYNC_METRICS_REQUIRE_KEY", false);
        Duration ttl = env.millis("CHAINSYNC_IDEMPOTENCY_TTL_MS", DEFAULT_IDEMPOTENCY_TTL);
        return env.validated(() -> new EdgeConfig(adminKey, rate, metricsRequireKey, ttl));
    }

    @Override
    public String toString() {
        return "EdgeConfig[adminApiKey=" + (adminApiKey == null ? "unset" : "***") + ", defaultRateLimitPerMinute="
                + defaultRateLimitPerMinute + ", metricsRequireKey=" + metricsRequireKey + ", idempotencyTtl="
                + idempotencyTtl + "]";
    }
}
