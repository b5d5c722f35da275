package dev.chainsync.ticketsync;

import dev.chainsync.config.Checks;
import dev.chainsync.config.Env;
import java.time.Duration;

/**
 * The ownership listener's settings: how often it looks, how many tickets a pass reads, after how
 * many failed passes in a row it reports itself down, and the longest pause between attempts while
 * failing. (The full sync's cadence is the engine's: {@code CHAINSYNC_RECONCILE_OWNERSHIP_INTERVAL_MS}.)
 * Valid by construction.
 */
public record TicketSyncConfig(
        Duration listenerInterval, int listenerBatch, int listenerMaxFailures, Duration listenerBackoffMax) {
    public static final Duration DEFAULT_LISTENER_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_LISTENER_BATCH = 500;
    public static final int DEFAULT_LISTENER_MAX_FAILURES = 10;
    public static final Duration DEFAULT_LISTENER_BACKOFF_MAX = Duration.ofMinutes(1);

    public TicketSyncConfig {
        new Checks()
                .millis(
                        "CHAINSYNC_TICKETS_LISTENER_INTERVAL_MS",
                        listenerInterval,
                        Duration.ofMillis(100),
                        Duration.ofHours(1))
                .range("CHAINSYNC_TICKETS_LISTENER_BATCH", listenerBatch, 1, 10_000)
                .range("CHAINSYNC_TICKETS_LISTENER_MAX_FAILURES", listenerMaxFailures, 1, 1_000)
                .millis(
                        "CHAINSYNC_TICKETS_LISTENER_BACKOFF_MAX_MS",
                        listenerBackoffMax,
                        Duration.ofMillis(100),
                        Duration.ofHours(1))
                .throwIfInvalid();
    }

    public static TicketSyncConfig defaults() {
        return new TicketSyncConfig(
                DEFAULT_LISTENER_INTERVAL,
                DEFAULT_LISTENER_BATCH,
                DEFAULT_LISTENER_MAX_FAILURES,
                DEFAULT_LISTENER_BACKOFF_MAX);
    }

    /** Reads the listener's variables; problems are collected in {@code env} (the result is null then). */
    public static TicketSyncConfig load(Env env) {
        Duration interval = env.millis("CHAINSYNC_TICKETS_LISTENER_INTERVAL_MS", DEFAULT_LISTENER_INTERVAL);
        int batch = env.integer("CHAINSYNC_TICKETS_LISTENER_BATCH", DEFAULT_LISTENER_BATCH);
        int maxFailures = env.integer("CHAINSYNC_TICKETS_LISTENER_MAX_FAILURES", DEFAULT_LISTENER_MAX_FAILURES);
        Duration backoffMax = env.millis("CHAINSYNC_TICKETS_LISTENER_BACKOFF_MAX_MS", DEFAULT_LISTENER_BACKOFF_MAX);
        return env.validated(() -> new TicketSyncConfig(interval, batch, maxFailures, backoffMax));
    }

    /** The pause after the {@code failures}-th failed pass in a row: the interval doubled each time, capped. */
    public Duration backoff(long failures) {
        long shift = Math.min(Math.max(failures - 1, 0), 20);
        Duration d = listenerInterval.multipliedBy(1L << shift);
        return d.compareTo(listenerBackoffMax) > 0 ? listenerBackoffMax : d;
    }
}
