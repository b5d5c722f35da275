package dev.chainsync.webhook;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * When a failed message is tried again: the configured schedule (delay before attempt n is entry
 * n-1), each delay spread by +/- the jitter fraction so a herd of retries after an outage does not
 * arrive at once, and never before what the receiver asked for with {@code Retry-After}.
 */
final class RetryPolicy {
    private final List<Duration> schedule;
    private final double jitter;
    private final Duration maxRetryAfter;
    private final RandomGenerator random;

    RetryPolicy(List<Duration> schedule, double jitter, Duration maxRetryAfter, RandomGenerator random) {
        this.schedule = List.copyOf(schedule);
        this.jitter = jitter;
        this.maxRetryAfter = maxRetryAfter;
        this.random = random;
    }

    int maxAttempts() {
        return schedule.size();
    }

    /**
     * When to try after attempt {@code failedAttempt} (1-based) failed at {@code failedAt}; null
     * when that was the last attempt. {@code retryAfter} is the receiver's wish, or null.
     */
    Instant next(int failedAttempt, Instant failedAt, Duration retryAfter) {
        if (failedAttempt >= schedule.size()) {
            return null;
        }
        Duration delay = jittered(schedule.get(failedAttempt));
        if (retryAfter != null) {
            Duration wanted = retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
            if (wanted.compareTo(delay) > 0) {
                delay = wanted;
            }
        }
        return failedAt.plus(delay);
    }

    /** {@code d} scaled by a uniform factor in [1 - jitter, 1 + jitter]. */
    Duration jittered(Duration d) {
        if (d.isZero() || jitter == 0) {
            return d;
        }
        double factor;
        // SplittableRandom and friends are not thread-safe; finishing runs on one thread, tests on another.
        synchronized (this) {
            factor = 1 + jitter * (2 * random.nextDouble() - 1);
        }
        return Duration.ofMillis(Math.round(d.toMillis() * factor));
    }

    /**
     * Parses a {@code Retry-After} value: delay seconds or an HTTP date (relative to {@code now}).
     * Returns null when absent or unreadable.
     */
    static Duration parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        if (v.chars().allMatch(Character::isDigit)) {
            try {
                return Duration.ofSeconds(Long.parseLong(v));
            } catch (NumberFormatException e) {
                // More seconds than a long holds: a wish for "as late as you allow", which next() caps.
                return Duration.ofSeconds(Long.MAX_VALUE);
            }
        }
        try {
            Instant at =
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
