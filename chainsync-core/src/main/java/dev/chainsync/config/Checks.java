package dev.chainsync.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks a configuration record's compact constructor runs: every problem is collected, then
 * {@link #throwIfInvalid()} reports them all in one {@link ConfigException}. Problems name the
 * environment variable a user would change, since that is where a bad value comes from.
 */
public final class Checks {
    private final List<String> problems = new ArrayList<>();

    /** {@code value} must lie in {@code [min, max]}. */
    public Checks range(String name, long value, long min, long max) {
        if (value < min || value > max) {
            problems.add(name + "='" + value + "' must be between " + min + " and " + max);
        }
        return this;
    }

    /** A duration, set and in {@code [min, max]}, checked and reported in milliseconds. */
    public Checks millis(String name, Duration value, Duration min, Duration max) {
        if (value == null) {
            problems.add(name + " must be set");
            return this;
        }
        return range(name, value.toMillis(), min.toMillis(), max.toMillis());
    }

    /** {@code value} must not be null. */
    public Checks present(String name, Object value) {
        if (value == null) {
            problems.add(name + " must be set");
        }
        return this;
    }

    /** A check of its own (often across fields): {@code problem} is reported unless {@code ok}. */
    public Checks that(boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
        return this;
    }

    /** Throws {@link ConfigException} listing every problem found, if any. */
    public void throwIfInvalid() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
