package dev.chainsync.reconcile;

import dev.chainsync.config.ConfigException;
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

    /** How often {@code type} runs. */
    public Duration cadenceOf(String type) {
        return every.getOrDefault(type, defaultEvery);
    }

    public EngineConfig withRetention(Duration r) {
        return new EngineConfig(every, defaultEvery, window, r, ingestMaxQuietBlocks);
    }
}
