package dev.chainsync.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.BucketNotFoundException;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * A token bucket per API key, its state in PostgreSQL so every instance shares one exact budget
 * (Bucket4j, select-for-update; concurrent requests of one key are batched into one round trip).
 * The fast local path is for the case that matters under abuse: once a key's bucket is empty, this
 * instance refuses it from memory until the refill time the bucket reported, without touching the
 * database.
 */
public final class RateLimiter {
    public static final Duration WINDOW = Duration.ofMinutes(1);

    private final ProxyManager<Long> buckets;
    private final int defaultPerMinute;
    private final Clock clock;
    /**
     * Bucket4j replaces a stored bucket's configuration only for a higher version. This process's
     * start time makes the newest deployment's limits win, lowering them as well as raising them.
     */
    private final long configVersion;

    private final Map<Long, Limited> local = new ConcurrentHashMap<>();
    /** Keys known to be out of tokens, with when the bucket said one comes back. */
    private final Map<Long, Long> emptyUntilNanos = new ConcurrentHashMap<>();

    /**
     * A key's bucket, reached two ways. Bucket4j's batching (concurrent requests of a key in one
     * round trip) fails with {@code BucketNotFoundException} when a batch meets a row that does not
     * exist yet, so a key's requests go one by one until one of them has found or created the row.
     */
    private record Limited(int perMinute, BucketProxy direct, BucketProxy batched, AtomicBoolean rowExists) {
        ConsumptionProbe consumeOne() {
            if (rowExists.get()) {
                try {
                    return batched.tryConsumeAndReturnRemaining(1);
                } catch (RuntimeException e) {
                    if (!rowMissing(e)) {
                        throw e;
                    }
                    rowExists.set(false); // the row went away (deleted by hand, say): create it again
                }
            }
            ConsumptionProbe probe = direct.tryConsumeAndReturnRemaining(1);
            rowExists.set(true);
            return probe;
        }

        private static boolean rowMissing(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BucketNotFoundException) {
                    return true;
                }
            }
            return false;
        }
    }

    /** What the limiter decided for one request; enough to write the RateLimit headers. */
    public record Decision(boolean allowed, long limit, long remaining, long resetSeconds, long retryAfterSeconds) {}

    public RateLimiter(DataSource dataSource, Clock clock, int defaultPerMinute) {
        this.defaultPerMinute = defaultPerMinute;
        this.clock = clock;
        this.configVersion = clock.millis();
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .table("rate_limit_buckets")
                .idColumn("id")
                .stateColumn("state")
                .clientClock(new ClockTimeMeter(clock))
                .build();
    }

    /** The per-minute limit of a key: its own, or the default. */
    public int limitFor(Integer keyLimit) {
        return keyLimit == null ? defaultPerMinute : keyLimit;
    }

    /** Takes one token for {@code keyId}. */
    public Decision tryConsume(long keyId, Integer keyLimit) {
        int perMinute = limitFor(keyLimit);
        long now = nanos(clock);
        Long emptyUntil = emptyUntilNanos.get(keyId);
        if (emptyUntil != null) {
            if (now < emptyUntil) {
                long wait = ceilSeconds(emptyUntil - now);
                return new Decision(
                        false, perMinute, 0, Math.max(wait, ceilSeconds(WINDOW.toNanos())), Math.max(1, wait));
            }
            emptyUntilNanos.remove(keyId, emptyUntil);
        }
        Limited l = local.compute(
                keyId,
                (id, existing) -> existing != null && existing.perMinute() == perMinute
                        ? existing
                        : new Limited(
                                perMinute,
                                bucket(id, perMinute, false),
                                bucket(id, perMinute, true),
                                new AtomicBoolean()));
        ConsumptionProbe probe = l.consumeOne();
        long reset = ceilSeconds(probe.getNanosToWaitForReset());
        if (!probe.isConsumed()) {
            emptyUntilNanos.put(keyId, now + probe.getNanosToWaitForRefill());
        }
        return new Decision(
                probe.isConsumed(),
                perMinute,
                probe.getRemainingTokens(),
                reset,
                probe.isConsumed() ? 0 : Math.max(1, ceilSeconds(probe.getNanosToWaitForRefill())));
    }

    /** Forgets the local state of a key (after it is revoked, say). */
    public void evict(long keyId) {
        local.remove(keyId);
        emptyUntilNanos.remove(keyId);
    }

    private BucketProxy bucket(long keyId, int perMinute, boolean batching) {
        BucketConfiguration config = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, WINDOW))
                .build();
        var builder = buckets.builder();
        if (batching) {
            builder = builder.withOptimization(Optimizations.batching());
        }
        return builder.withImplicitConfigurationReplacement(configVersion, TokensInheritanceStrategy.PROPORTIONALLY)
                .build(keyId, () -> config);
    }

    static long nanos(Clock clock) {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static long ceilSeconds(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }

    /** Bucket4j reads time through this, so tests can move it with a manual clock. */
    private record ClockTimeMeter(Clock clock) implements TimeMeter {
        @Override
        public long currentTimeNanos() {
            return nanos(clock);
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }
}
