package dev.chainsync.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The metrics of ingest: the replaced service's names ({@code redis_postgres_sync_*}, so its
 * dashboards keep working), the fuller seed README's unprefixed names ({@code events_processed_total},
 * {@code event_processing_duration_seconds}, {@code circuit_breaker_state}), seed 001's {@code
 * blockchain_sync_lag_seconds}, and chainsync's additions ({@code chainsync_ingest_*}).
 */
final class IngestMetrics {
    /** Events per second are averaged over this many one-second buckets. */
    static final int RATE_WINDOW_SECONDS = 10;
    /** Buckets of {@code event_processing_duration_seconds}: one batch's commit, milliseconds to seconds. */
    static final Duration[] BATCH_BUCKETS = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10)
    };

    private final MeterRegistry registry;
    private final Clock clock;
    private final Instant startedAt;
    final Counter eventsProcessed;
    final Counter eventsFailed;
    final Counter batchesProcessed;
    final Counter newEvents;
    final Counter deadLettered;
    final Counter reorgs;
    final Counter claimed;
    final Timer processing;
    final Timer endToEnd;
    final Timer entryToCommit;
    final Timer eventProcessing;
    /** Per stream, the block time of the newest event committed from it. */
    private final Map<String, Instant> newestBlock = new ConcurrentHashMap<>();
    /** When a read last found every stream drained (nothing undelivered, nothing of its own pending). */
    private volatile Instant drainedAt;

    private final long[] buckets = new long[RATE_WINDOW_SECONDS];
    private final long[] bucketSecond = new long[RATE_WINDOW_SECONDS];
    private final AtomicLong peakRate = new AtomicLong();

    IngestMetrics(
            MeterRegistry registry,
            Clock clock,
            java.util.function.BooleanSupplier redisHealthy,
            java.util.function.BooleanSupplier postgresHealthy,
            java.util.function.BooleanSupplier breakerOpen) {
        this.registry = registry;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.eventsProcessed = Counter.builder("redis_postgres_sync_events_processed_total")
                .description("Events committed (duplicates included), from entries acknowledged after the commit")
                .register(registry);
        this.eventsFailed = Counter.builder("redis_postgres_sync_events_failed_total")
                .description("Events in entries that failed a batch or were dead-lettered")
                .register(registry);
        this.batchesProcessed = Counter.builder("redis_postgres_sync_batches_processed_total")
                .description("Batches committed")
                .register(registry);
        this.processing = Timer.builder("redis_postgres_sync_processing_duration_seconds")
                .description("Time to commit one batch")
                .publishPercentileHistogram()
                .register(registry);
        this.eventProcessing = Timer.builder("event_processing_duration_seconds")
                .description("Time to commit one batch (the fuller seed README's name)")
                .serviceLevelObjectives(BATCH_BUCKETS)
                .register(registry);
        FunctionCounter.builder("events_processed_total", eventsProcessed, Counter::count)
                .description(
                        "Events committed (the fuller seed README's name for redis_postgres_sync_events_processed_total)")
                .register(registry);
        FunctionCounter.builder("events_failed_total", eventsFailed, Counter::count)
                .description(
                        "Events failed (the fuller seed README's name for redis_postgres_sync_events_failed_total)")
                .register(registry);
        Gauge.builder("circuit_breaker_state", () -> breakerOpen.getAsBoolean() ? 1 : 0)
                .description("Ingest's PostgreSQL circuit breaker: 0 closed, 1 open or probing")
                .register(registry);
        Gauge.builder("redis_postgres_sync_events_per_second", this::rate)
                .description("Events committed per second over the last " + RATE_WINDOW_SECONDS + " s")
                .register(registry);
        Gauge.builder("redis_postgres_sync_peak_events_per_second", () -> peakRate.get())
                .description("Highest events_per_second seen")
                .register(registry);
        Gauge.builder("redis_postgres_sync_redis_healthy", () -> redisHealthy.getAsBoolean() ? 1 : 0)
                .description("1 while the last Redis command succeeded")
                .register(registry);
        Gauge.builder("redis_postgres_sync_postgres_healthy", () -> postgresHealthy.getAsBoolean() ? 1 : 0)
                .description("1 while the last batch committed and the breaker is closed")
                .register(registry);
        Gauge.builder(
                        "redis_postgres_sync_uptime_seconds",
                        () -> Duration.between(startedAt, clock.instant()).toMillis() / 1000.0)
                .description("Seconds since ingest was built")
                .register(registry);
        Gauge.builder("chainsync_ingest_circuit_breaker_open", () -> breakerOpen.getAsBoolean() ? 1 : 0)
                .description("1 while the PostgreSQL circuit breaker holds consumption")
                .register(registry);
        this.newEvents = Counter.builder("chainsync_ingest_new_events_total")
                .description("Events that were not stored yet (duplicates excluded)")
                .register(registry);
        this.deadLettered = Counter.builder("chainsync_ingest_dead_letters_total")
                .description("Entries moved to the dead letters")
                .register(registry);
        this.reorgs = Counter.builder("chainsync_ingest_reorgs_total")
                .description("Reorg notifications applied")
                .register(registry);
        this.claimed = Counter.builder("chainsync_ingest_claimed_entries_total")
                .description("Entries taken over from idle consumers with XAUTOCLAIM")
                .register(registry);
        this.endToEnd = Timer.builder("chainsync_ingest_end_to_end_latency_seconds")
                .description("From an event's block time to its commit")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.entryToCommit = Timer.builder("chainsync_ingest_entry_to_commit_seconds")
                .description("From the entry's append to Redis (its id) to the commit")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    /**
     * Registers {@code blockchain_sync_lag_seconds} for one stream: how far behind the chain what
     * ingest applied from it is, {@code now - max(newest applied block time, last time the streams
     * were found drained, when ingest was built)}. A quiet chain is not lag: a drained stream counts
     * as synced up to the moment it was read. NaN while ingest is not running.
     */
    void syncLag(String stream, BooleanSupplier running) {
        Gauge.builder("blockchain_sync_lag_seconds", () -> running.getAsBoolean() ? lagSeconds(stream) : Double.NaN)
                .tag("source", "redis_streams")
                .tag("stream", stream)
                .description("Seconds between now and the point up to which ingest has applied the stream")
                .register(registry);
    }

    private double lagSeconds(String stream) {
        Instant synced = startedAt;
        Instant block = newestBlock.get(stream);
        if (block != null && block.isAfter(synced)) {
            synced = block;
        }
        Instant drained = drainedAt;
        if (drained != null && drained.isAfter(synced)) {
            synced = drained;
        }
        return Math.max(0, Duration.between(synced, clock.instant()).toMillis() / 1000.0);
    }

    /** An event of {@code stream} with block time {@code block} was committed. */
    void applied(String stream, Instant block) {
        newestBlock.merge(stream, block, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** A read found nothing to do on any stream at {@code at}. */
    void drained(Instant at) {
        drainedAt = at;
    }

    void unknownEvent(String eventName, long n) {
        Counter.builder("chainsync_ingest_unknown_events_total")
                .tag("event_name", eventName)
                .description("Events without a handler, stored in generic_events")
                .register(registry)
                .increment(n);
    }

    synchronized void committed(long events) {
        long second = clock.millis() / 1000;
        int slot = (int) (second % RATE_WINDOW_SECONDS);
        if (bucketSecond[slot] != second) {
            bucketSecond[slot] = second;
            buckets[slot] = 0;
        }
        buckets[slot] += events;
        long r = Math.round(rate());
        peakRate.accumulateAndGet(r, Math::max);
    }

    synchronized double rate() {
        long now = clock.millis() / 1000;
        long sum = 0;
        for (int i = 0; i < RATE_WINDOW_SECONDS; i++) {
            if (now - bucketSecond[i] < RATE_WINDOW_SECONDS) {
                sum += buckets[i];
            }
        }
        return sum / (double) RATE_WINDOW_SECONDS;
    }
}
