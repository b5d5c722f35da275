package dev.chainsync.app;

import dev.chainsync.db.Database;
import dev.chainsync.db.Jdbc;
import dev.chainsync.webhook.SecretBox;
import dev.chainsync.webhook.WebhookConfig;
import dev.chainsync.webhook.WebhookDispatcher;
import dev.chainsync.webhook.WebhookEndpoints;
import dev.chainsync.webhook.WebhookOutbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The webhook benchmark: events are emitted the way capabilities emit them (inside transactions,
 * fanned out to one message per endpoint) and the dispatcher delivers them over HTTP to an
 * in-process receiver on 127.0.0.1. Phase 1 drains a backlog; phase 2 emits at a fixed rate while
 * the dispatcher runs and measures event -> delivered (the event's commit-time stamp to the 2xx).
 */
final class WebhookBenchmark {
    private final int count;
    private final int rate;
    private final int endpoints;
    private final int concurrency;
    private final int producers;
    private final int eventsPerTx;
    private final String receiverKind;

    WebhookBenchmark(
            int count, int rate, int endpoints, int concurrency, int producers, int eventsPerTx, String receiverKind) {
        if (count < 1 || rate < 1 || endpoints < 1 || concurrency < 1 || producers < 1 || eventsPerTx < 1) {
            throw new IllegalArgumentException("every option must be positive");
        }
        this.count = count;
        this.rate = rate;
        this.endpoints = endpoints;
        this.concurrency = concurrency;
        this.producers = producers;
        this.eventsPerTx = eventsPerTx;
        this.receiverKind = receiverKind;
    }

    /** What one run measured. */
    record Result(
            int events,
            int endpoints,
            int concurrency,
            double drainPerSecond,
            double steadyPerSecond,
            double targetPerSecond,
            double emittedPerSecond,
            double p50Ms,
            double p99Ms,
            double maxMs,
            long received,
            long distinctIds,
            long expected,
            String database,
            String receiver) {
        boolean allDeliveredOnce() {
            return distinctIds == expected && received == expected;
        }

        String report() {
            return String.format(
                    """
                    bench webhooks: %d events per phase, fanned out to %d endpoint(s) on one local receiver
                      (per-endpoint concurrency %d, HTTP/1.1; receiver: %s, answering 204 at once)
                      machine: %d cores, %s; date %s
                      database: %s
                      drain (backlog of %d messages)                 : %.0f deliveries/s
                      steady state (events target %.0f/s, emitted %.0f/s): %.0f deliveries/s
                      event -> delivered (steady state)              : p50 %.1f ms, p99 %.1f ms, max %.1f ms
                      receiver: %d requests, %d distinct webhook-ids for %d messages -> %s""",
                    events,
                    endpoints,
                    concurrency,
                    receiver,
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java " + Runtime.version(),
                    LocalDate.now(),
                    database,
                    expected / 2,
                    drainPerSecond,
                    targetPerSecond,
                    emittedPerSecond,
                    steadyPerSecond,
                    p50Ms,
                    p99Ms,
                    maxMs,
                    received,
                    distinctIds,
                    expected,
                    allDeliveredOnce() ? "each delivered exactly once" : "MISMATCH (duplicates or losses)");
        }
    }

    Result run() throws Exception {
        return ScratchDatabase.with("bench_webhooks", producers + 6, this::measure);
    }

    private Result measure(Database db) throws Exception {
        Jdbc jdbc = db.jdbc();
        Clock clock = Clock.systemUTC();
        BenchReceiver receiver = BenchReceiver.start(receiverKind);
        Set<String> ids = receiver.ids;
        WebhookConfig config = WebhookConfig.builder(Path.of("."))
                .allowPrivateTargets(true)
                .endpointConcurrency(concurrency)
                .build();
        SecretBox box = SecretBox.of(new SecureRandom().generateSeed(32));
        WebhookEndpoints eps = new WebhookEndpoints(jdbc, config, box, clock, new SecureRandom());
        for (int i = 0; i < endpoints; i++) {
            eps.create("http://127.0.0.1:" + receiver.port() + "/hook/" + i, List.of("*"), "bench");
        }
        long perPhase = (long) count * endpoints;
        WebhookDispatcher dispatcher =
                new WebhookDispatcher(jdbc, config, box, clock, new SecureRandom(), new SimpleMeterRegistry());
        try {
            // Phase 1: a backlog, then the dispatcher drains it.
            emit(jdbc, clock, 0);
            long t0 = System.nanoTime();
            dispatcher.start();
            awaitDelivered(jdbc, ids, perPhase);
            double drainSeconds = (System.nanoTime() - t0) / 1e9;

            // Phase 2: a steady stream at the target rate while the dispatcher runs.
            long firstSteadyEvent = jdbc.queryOne("SELECT coalesce(max(id), 0) FROM webhook_events", r -> r.getLong(1))
                    .orElse(0L);
            long t1 = System.nanoTime();
            double emitSeconds = emit(jdbc, clock, rate);
            awaitDelivered(jdbc, ids, 2 * perPhase);
            double steadySeconds = (System.nanoTime() - t1) / 1e9;
            List<Double> latency = jdbc.query(
                            """
                    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM m.delivered_at - e.created_at)),
                           percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM m.delivered_at - e.created_at)),
                           max(extract(epoch FROM m.delivered_at - e.created_at))
                      FROM webhook_messages m JOIN webhook_events e ON e.id = m.event_pk
                     WHERE m.status = 'delivered' AND e.id > ?""",
                            r -> List.of(r.getDouble(1) * 1000, r.getDouble(2) * 1000, r.getDouble(3) * 1000),
                            firstSteadyEvent)
                    .getFirst();
            dispatcher.close();
            return new Result(
                    count,
                    endpoints,
                    concurrency,
                    perPhase / drainSeconds,
                    perPhase / steadySeconds,
                    rate,
                    count / emitSeconds,
                    latency.get(0),
                    latency.get(1),
                    latency.get(2),
                    receiver.received.get(),
                    ids.size(),
                    2 * perPhase,
                    db.describe().replaceAll("\\(data in .*\\)", "(embedded)"),
                    receiver.describe());
        } finally {
            dispatcher.close();
            receiver.close();
        }
    }

    /** Emits {@code count} events on the producer threads; {@code perSecond} 0 means as fast as possible. */
    private double emit(Jdbc jdbc, Clock clock, int perSecond) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        try {
            long start = System.nanoTime();
            double nanosPerEvent = perSecond == 0 ? 0 : 1e9 / perSecond;
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                futures.add(pool.submit(() -> {
                    int first;
                    while ((first = next.getAndAdd(eventsPerTx)) < count) {
                        long due = start + (long) (first * nanosPerEvent);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        int n = Math.min(eventsPerTx, count - first);
                        int base = first;
                        jdbc.inTransaction(c -> {
                            for (int i = 0; i < n; i++) {
                                WebhookOutbox.emit(c, "bench.event", "{\"n\":" + (base + i) + "}", clock.instant());
                            }
                            return null;
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits for the receiver to have seen every message (cheap), then for the database to say delivered. */
    private static void awaitDelivered(Jdbc jdbc, Set<String> received, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (received.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        while (delivered(jdbc) < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not all messages were delivered within 10 minutes");
            }
            Thread.sleep(5);
        }
    }

    private static long delivered(Jdbc jdbc) {
        return jdbc.queryOne("SELECT count(*) FROM webhook_messages WHERE status = 'delivered'", r -> r.getLong(1))
                .orElse(0L);
    }
}
