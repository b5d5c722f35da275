package dev.chainsync.outbox;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the delay before retry {@code n} is uniform in
 * {@code [0, min(cap, base * 2^(n-1))]}, which spreads a herd of retries after an outage.
 */
final class Backoff {
    private final Duration base;
    private final Duration cap;
    private final RandomGenerator random;

    Backoff(Duration base, Duration cap, RandomGenerator random) {
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= cap, got base=" + base + " cap=" + cap);
        }
        this.base = base;
        this.cap = cap;
        this.random = random;
    }

    /** Delay before the retry that follows failure number {@code failures} (1-based). */
    Duration delay(int failures) {
        return Duration.ofMillis(random.nextLong(ceiling(failures).toMillis() + 1));
    }

    /** The upper bound of the jitter window for {@code failures}. */
    Duration ceiling(int failures) {
        int shift = Math.min(Math.max(failures - 1, 0), 40);
        long ms = base.toMillis() << shift;
        return ms <= 0 || ms > cap.toMillis() ? cap : Duration.ofMillis(ms);
    }
}
