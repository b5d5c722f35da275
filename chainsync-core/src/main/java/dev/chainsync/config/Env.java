package dev.chainsync.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Typed reads of environment variables that collect every problem instead of failing on the
 * first, so a user fixes a bad configuration in one go.
 */
public final class Env {
    private final Map<String, String> vars;
    private final List<String> problems = new ArrayList<>();
    /** Every name asked for, so a check can compare the variables the code reads with the documented ones. */
    private final Set<String> asked = new LinkedHashSet<>();

    public Env(Map<String, String> vars) {
        this.vars = Map.copyOf(vars);
    }

    /**
     * Reads one section of the configuration from {@code vars} with {@code section} (a record's
     * {@code load}), throwing {@link ConfigException} listing every problem it found.
     */
    public static <T> T read(Map<String, String> vars, Function<Env, T> section) {
        Env env = new Env(vars);
        T value = section.apply(env);
        env.throwIfInvalid();
        return value;
    }

    /** The raw value, or null when unset or blank. */
    public String raw(String name) {
        asked.add(name);
        String v = vars.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    public String string(String name, String defaultValue) {
        String v = raw(name);
        return v == null ? defaultValue : v;
    }

    public int integer(String name, int defaultValue, int min, int max) {
        // The bounds are ints, so the checked value always fits.
        return (int) longValue(name, defaultValue, min, max);
    }

    /** An integer; its range is left to the record it goes into (see {@link Checks}). */
    public int integer(String name, int defaultValue) {
        return integer(name, defaultValue, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** A long; its range is left to the record it goes into (see {@link Checks}). */
    public long longValue(String name, long defaultValue) {
        return longValue(name, defaultValue, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    public long longValue(String name, long defaultValue, long min, long max) {
        return parse(
                name,
                defaultValue,
                s -> {
                    long v = Long.parseLong(s);
                    if (v < min || v > max) {
                        throw new IllegalArgumentException("must be between " + min + " and " + max);
                    }
                    return v;
                },
                "an integer");
    }

    /** A duration given in milliseconds. */
    public Duration millis(String name, Duration defaultValue, Duration min, Duration max) {
        long ms = longValue(name, defaultValue.toMillis(), min.toMillis(), max.toMillis());
        return Duration.ofMillis(ms);
    }

    /** A duration in milliseconds; its range is left to the record it goes into (see {@link Checks}). */
    public Duration millis(String name, Duration defaultValue) {
        return Duration.ofMillis(longValue(name, defaultValue.toMillis()));
    }

    public double fraction(String name, double defaultValue) {
        return parse(
                name,
                defaultValue,
                s -> {
                    double v = Double.parseDouble(s);
                    if (!(v >= 0.0 && v <= 1.0)) {
                        throw new IllegalArgumentException("must be between 0 and 1");
                    }
                    return v;
                },
                "a number");
    }

    public boolean bool(String name, boolean defaultValue) {
        return parse(
                name,
                defaultValue,
                s -> switch (s.toLowerCase(Locale.ROOT)) {
                    case "true", "1", "yes", "on" -> true;
                    case "false", "0", "no", "off" -> false;
                    default -> throw new IllegalArgumentException("must be true or false");
                },
                "a boolean");
    }

    public Path path(String name, Path defaultValue) {
        return parse(name, defaultValue, Path::of, "a path");
    }

    /** One of {@code allowed}, compared case-insensitively and returned lower-case. */
    public String oneOf(String name, String defaultValue, List<String> allowed) {
        return parse(
                name,
                defaultValue,
                s -> {
                    String v = s.toLowerCase(Locale.ROOT);
                    if (!allowed.contains(v)) {
                        throw new IllegalArgumentException("must be one of " + allowed);
                    }
                    return v;
                },
                "a choice");
    }

    /** The names of the variables read so far, in the order first read. */
    public Set<String> namesRead() {
        return Collections.unmodifiableSet(asked);
    }

    /** Records a problem found by a cross-field check. */
    public void problem(String message) {
        problems.add(message);
    }

    /**
     * Builds a record whose compact constructor validates it: its problems join this environment's
     * instead of failing alone, and the result is null then. Call {@link #throwIfInvalid()} before
     * using what this returned.
     */
    public <T> T validated(Supplier<T> build) {
        try {
            return build.get();
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    /** Throws {@link ConfigException} listing every problem seen so far, if any. */
    public void throwIfInvalid() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private <T> T parse(String name, T defaultValue, Function<String, T> parser, String what) {
        String v = raw(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            return parser.apply(v);
        } catch (NumberFormatException | InvalidPathException e) {
            problems.add(name + "=" + quoteSafe(name, v) + " is not " + what);
        } catch (IllegalArgumentException e) {
            problems.add(name + "=" + quoteSafe(name, v) + " " + e.getMessage());
        }
        return defaultValue;
    }

    private static String quoteSafe(String name, String value) {
        return Redact.isSecretName(name) ? "'***'" : "'" + value + "'";
    }
}
