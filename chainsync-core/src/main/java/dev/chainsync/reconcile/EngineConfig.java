package dev.chainsync.reconcile;

import dev.chainsync.config.Checks;
import dev.chainsync.config.Env;
import java.time.Duration;
import java.util.LinkedHashMap;
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

    static final String SCHEDULE = "CHAINSYNC_RECONCILE_SCHEDULE";
    static final Duration MIN_CADENCE = Duration.ofSeconds(1);
    static final Duration MAX_CADENCE = Duration.ofDays(1);
    /** How often the retention pass runs. */
    static final Duration PURGE_EVERY = Duration.ofHours(1);

    public EngineConfig {
        every = Map.copyOf(every);
        Checks checks = new Checks();
        every.forEach((type, d) -> checks.millis(SCHEDULE + " (" + type + ")", d, MIN_CADENCE, MAX_CADENCE));
        checks.millis("CHAINSYNC_RECONCILE_TYPE_INTERVAL_MS", defaultEvery, MIN_CADENCE, MAX_CADENCE)
                .millis("CHAINSYNC_RECONCILE_WINDOW_MS", window, Duration.ofSeconds(1), Duration.ofDays(365))
                .present("CHAINSYNC_RECONCILE_RETENTION_DAYS", retention)
                .that(
                        retention == null || retention.compareTo(MIN_RETENTION) >= 0,
                        "CHAINSYNC_RECONCILE_RETENTION_DAYS must be at least " + MIN_RETENTION.toDays()
                                + " days (seed 001 keeps reconciliation history 90 days), got "
                                + (retention == null ? null : retention.toDays()))
                .range("CHAINSYNC_RECONCILE_INGEST_MAX_QUIET_BLOCKS", ingestMaxQuietBlocks, 1, 1_000_000)
                .throwIfInvalid();
    }

    /** The ticket ownership data type's name (its cadence's key). */
    public static final String TICKET_OWNERSHIP = "ticket_ownership";
    /** The royalties data type's name (its cadence's key). */
    public static final String ROYALTIES = "royalties";

    /**
     * The defaults: credentials every {@link ReconcileConfig#DEFAULT_INTERVAL}, ingest completeness
     * every minute, ticket ownership every 5 minutes, royalties every 15, other types at the
     * transaction-status cadence, 90 days kept.
     */
    public static EngineConfig defaults() {
        return new EngineConfig(
                Map.of(
                        CredentialReconciler.KIND,
                        ReconcileConfig.DEFAULT_INTERVAL,
                        IngestCompleteness.NAME,
                        DEFAULT_TRANSACTION_STATUS,
                        TICKET_OWNERSHIP,
                        DEFAULT_OWNERSHIP,
                        ROYALTIES,
                        DEFAULT_ROYALTIES),
                DEFAULT_TRANSACTION_STATUS,
                DEFAULT_WINDOW,
                MIN_RETENTION,
                DEFAULT_INGEST_MAX_QUIET_BLOCKS);
    }

    /**
     * Reads {@code CHAINSYNC_RECONCILE_SCHEDULE} ({@code type=ms,...}: per data type cadences over the
     * defaults), {@code CHAINSYNC_RECONCILE_TYPE_INTERVAL_MS} (any other type), {@code
     * CHAINSYNC_RECONCILE_RETENTION_DAYS} and {@code CHAINSYNC_RECONCILE_INGEST_MAX_QUIET_BLOCKS}; each
     * run looks back {@code window}. Problems are collected in {@code env} (the result is null then).
     */
    public static EngineConfig load(Env env, Duration window) {
        return load(env, window, ReconcileConfig.DEFAULT_INTERVAL);
    }

    /**
     * As {@link #load(Env, Duration)}, with the credentials' cadence ({@code
     * CHAINSYNC_RECONCILE_INTERVAL_MS}), ticket ownership's ({@code
     * CHAINSYNC_RECONCILE_OWNERSHIP_INTERVAL_MS}) and royalties' ({@code
     * CHAINSYNC_RECONCILE_ROYALTIES_INTERVAL_MS}) under the schedule, which overrides them.
     */
    public static EngineConfig load(Env env, Duration window, Duration credentialsEvery) {
        Map<String, Duration> every = new LinkedHashMap<>(defaults().every());
        every.put(CredentialReconciler.KIND, credentialsEvery);
        every.put(
                TICKET_OWNERSHIP,
                env.millis("CHAINSYNC_RECONCILE_OWNERSHIP_INTERVAL_MS", DEFAULT_OWNERSHIP, MIN_CADENCE, MAX_CADENCE));
        every.put(
                ROYALTIES,
                env.millis("CHAINSYNC_RECONCILE_ROYALTIES_INTERVAL_MS", DEFAULT_ROYALTIES, MIN_CADENCE, MAX_CADENCE));
        String schedule = env.raw(SCHEDULE);
        if (schedule != null && !schedule.isBlank()) {
            for (String entry : schedule.split(",")) {
                String[] kv = entry.strip().split("=", 2);
                try {
                    every.put(kv[0].strip(), Duration.ofMillis(Long.parseLong(kv[1].strip())));
                } catch (RuntimeException e) {
                    env.problem(SCHEDULE + ": '" + entry.strip()
                            + "' is not type=milliseconds (e.g. ingest_completeness=60000)");
                }
            }
        }
        Duration defaultEvery = env.millis("CHAINSYNC_RECONCILE_TYPE_INTERVAL_MS", DEFAULT_TRANSACTION_STATUS);
        long retentionDays = env.longValue("CHAINSYNC_RECONCILE_RETENTION_DAYS", MIN_RETENTION.toDays());
        int quiet = env.integer("CHAINSYNC_RECONCILE_INGEST_MAX_QUIET_BLOCKS", DEFAULT_INGEST_MAX_QUIET_BLOCKS);
        Duration w = window == null ? DEFAULT_WINDOW : window;
        return env.validated(() -> new EngineConfig(every, defaultEvery, w, Duration.ofDays(retentionDays), quiet));
    }

    /** How often {@code type} runs. */
    public Duration cadenceOf(String type) {
        return every.getOrDefault(type, defaultEvery);
    }

    public EngineConfig withRetention(Duration r) {
        return new EngineConfig(every, defaultEvery, window, r, ingestMaxQuietBlocks);
    }
}
