package dev.chainsync.reconcile;

import dev.chainsync.config.ConfigException;
import dev.chainsync.config.Env;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The reconciliation engine's schedule and history: how often each data type runs (seed 001
 * section 1.3's cadences by default), how far back each run looks, and how long runs, findings,
 * corrections and resolved reviews are kept. Valid by construction.
 */
public record EngineConfig(
        Map<String, Duration> every,
        Duration defaultEvery,
        Duration window,
        Duration retention,
        int ingestMaxQuietBlocks) {
    /** Ownership: real-time plus every 5 minutes. */
    public static final Duration DEFAULT_OWNERSHIP = Duration.ofMinutes(5);
    /** Transaction status (ingest completeness is one): every minute. */
    public static final Duration DEFAULT_TRANSACTION_STATUS = Duration.ofMinutes(1);
    /** Royalty distributions: every 15 minutes. */
    public static final Duration DEFAULT_ROYALTIES = Duration.ofMinutes(15);
    /** Metadata: every hour. */
    public static final Duration DEFAULT_METADATA = Duration.ofHours(1);
    /** Seed 001 asks for history of at least 90 days; less is refused. */
    public static final Duration MIN_RETENTION = Duration.ofDays(90);

    public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    /** Blocks in a row without any ingested event before the hole counts as a gap. */
    public static final int DEFAULT_INGEST_MAX_QUIET_BLOCKS = 50;
    /** How often the retention pass runs. */
    static final Duration PURGE_EVERY = Duration.ofHours(1);

    public EngineConfig {
        every = Map.copyOf(every);
        List<String> problems = new ArrayList<>();
        every.forEach((type, d) -> checkCadence(problems, "schedule of " + type, d));
        checkCadence(problems, "default schedule", defaultEvery);
        if (window == null || window.isNegative() || window.isZero()) {
            problems.add("reconciliation window must be positive, got " + window);
        }
        if (retention == null || retention.compareTo(MIN_RETENTION) < 0) {
            problems.add(
                    "reconciliation retention must be at least " + MIN_RETENTION.toDays() + " days, got " + retention);
        }
        if (ingestMaxQuietBlocks < 1) {
            problems.add("ingest max quiet blocks must be at least 1, got " + ingestMaxQuietBlocks);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static void checkCadence(List<String> problems, String what, Duration d) {
        if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofDays(1)) > 0) {
            problems.add(what + " must be between 1 s and 1 day, got " + d);
        }
    }

    /** The defaults: ingest completeness every minute, other types at the transaction-status cadence, 90 days kept. */
    public static EngineConfig defaults() {
        return new EngineConfig(
                Map.of(IngestCompleteness.NAME, DEFAULT_TRANSACTION_STATUS),
                DEFAULT_TRANSACTION_STATUS,
                DEFAULT_WINDOW,
                MIN_RETENTION,
                DEFAULT_INGEST_MAX_QUIET_BLOCKS);
    }

    /**
     * Reads {@code CHAINSYNC_RECONCILE_SCHEDULE} ({@code type=ms,...}: per data type cadences over the
     * defaults), {@code CHAINSYNC_RECONCILE_TYPE_INTERVAL_MS} (any other type), {@code
     * CHAINSYNC_RECONCILE_WINDOW_MS}, {@code CHAINSYNC_RECONCILE_RETENTION_DAYS} and {@code
     * CHAINSYNC_RECONCILE_INGEST_MAX_QUIET_BLOCKS}; problems are added to {@code env} (null then).
     */
    public static EngineConfig load(Env env) {
        EngineConfig d = defaults();
        Map<String, Duration> every = new java.util.LinkedHashMap<>(d.every());
        String schedule = env.raw("CHAINSYNC_RECONCILE_SCHEDULE");
        if (schedule != null && !schedule.isBlank()) {
            for (String entry : schedule.split(",")) {
                String[] kv = entry.strip().split("=", 2);
                try {
                    every.put(kv[0].strip(), Duration.ofMillis(Long.parseLong(kv[1].strip())));
                } catch (RuntimeException e) {
                    env.problem("CHAINSYNC_RECONCILE_SCHEDULE: '" + entry.strip()
                            + "' is not type=milliseconds (e.g. ingest_completeness=60000)");
                }
            }
        }
        Duration defaultEvery = env.millis(
                "CHAINSYNC_RECONCILE_TYPE_INTERVAL_MS",
                DEFAULT_TRANSACTION_STATUS,
                Duration.ofSeconds(1),
                Duration.ofDays(1));
        Duration window = env.millis(
                "CHAINSYNC_RECONCILE_WINDOW_MS", DEFAULT_WINDOW, Duration.ofSeconds(1), Duration.ofDays(365));
        int retentionDays = env.integer(
                "CHAINSYNC_RECONCILE_RETENTION_DAYS",
                (int) MIN_RETENTION.toDays(),
                (int) MIN_RETENTION.toDays(),
                36_500);
        int quiet = env.integer(
                "CHAINSYNC_RECONCILE_INGEST_MAX_QUIET_BLOCKS", DEFAULT_INGEST_MAX_QUIET_BLOCKS, 1, 1_000_000);
        try {
            return new EngineConfig(every, defaultEvery, window, Duration.ofDays(retentionDays), quiet);
        } catch (ConfigException e) {
            e.problems().forEach(env::problem);
            return null;
        }
    }

    /** How often {@code type} runs. */
    public Duration cadenceOf(String type) {
        return every.getOrDefault(type, defaultEvery);
    }

    public EngineConfig withRetention(Duration r) {
        return new EngineConfig(every, defaultEvery, window, r, ingestMaxQuietBlocks);
    }
}
