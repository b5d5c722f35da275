package dev.chainsync.webhook;

import dev.chainsync.db.Jdbc;
import dev.chainsync.json.Json;
import dev.chainsync.queue.LeasedQueue;
import dev.chainsync.queue.LeasedWork;
import dev.chainsync.webhook.FinishPlanner.Result;
import dev.chainsync.webhook.WebhookStore.Claimed;
import dev.chainsync.webhook.WebhookStore.Finished;
import dev.chainsync.worker.PollingWorker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers webhook messages per Standard Webhooks, like the chain {@code Relay} does operations.
 *
 * <p>A dispatch loop claims due messages (one short statement: SKIP LOCKED, lease, version) and
 * hands each to a virtual thread; no transaction or connection is open during any HTTP call. Each
 * endpoint has a lane: at most {@code endpointConcurrency} deliveries in flight and as many waiting,
 * and the claim only takes for an endpoint what its lane has room for, so a slow or dead endpoint
 * fills its own lane and nobody else's. A finishing loop writes outcomes in batches: attempts
 * logged, messages delivered / rescheduled / dead-lettered where the version still matches, and
 * endpoints that answered 410 or kept failing past the limit disabled, with a
 * {@code webhook_endpoint.disabled} event, all in one transaction.
 */
public final class WebhookDispatcher implements AutoCloseable {
    /** How long messages of an endpoint whose secrets cannot be decrypted wait before they are looked at again. */
    static final Duration UNREADABLE_SECRET_DELAY = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    static final int EXCERPT_BYTES = 1024;
    static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final long EVICT_EVERY_NANOS = 1_000_000_000L;
    static final int FINISH_BATCH = 1000;
    static final String EVENT_ENDPOINT_DISABLED = "webhook_endpoint.disabled";
    private static final Duration FINISH_IDLE = Duration.ofMillis(100);
    /** How long close() lets deliveries in flight finish before interrupting them. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    static final long STATS_TTL_NANOS = 1_000_000_000L;
    private static final int FINISH_RETRIES = 20;
    private static final int SECRET_CACHE_MAX = 10_000;

    private final WebhookStore store;
    private final WebhookConfig config;
    private final SecretBox box;
    private final Clock clock;
    private final String owner;
    private final WebhookHttp http;
    private final ExecutorService deliveries;
    private final ConcurrentHashMap<Long, Lane> lanes = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Result> results = new LinkedBlockingQueue<>();
    private final FinishPlanner finishPlanner;
    private final Map<Long, byte[]> secretCache = new ConcurrentHashMap<>();
    private final DispatchWork dispatchWork = new DispatchWork();

    private final Counter delivered;
    private final Counter failed;
    private final Counter deadLettered;
    private final Counter endpointsDisabled;
    private final Timer eventToDelivered;
    private final Timer attemptLatency;

    private final PollingWorker dispatchWorker;
    private final PollingWorker finishWorker;
    private volatile boolean stopping;
    private boolean started;
    private boolean closed;
    private long evictedAt = System.nanoTime();
    /** Outcomes whose write failed, kept for the finishing loop's next try. */
    private List<Result> unwritten;

    private int unwrittenTries;
    /** When the next try at writing {@link #unwritten} is due ({@link System#nanoTime()}): it backs off. */
    private long unwrittenRetryAt;

    private volatile Backlog cachedBacklog;
    private volatile long cachedBacklogAt;

    /** At most {@code endpointConcurrency} in flight for one endpoint; {@code outstanding} counts those waiting too. */
    private static final class Lane {
        final Semaphore slots;
        final AtomicInteger outstanding = new AtomicInteger();

        Lane(int concurrency) {
            slots = new Semaphore(concurrency, true);
        }
    }

    /** Messages waiting, for health and the pending gauge. */
    public record Backlog(long pending, long deadLettered, Duration oldestDueAge) {}

    /** The dispatcher's own state: broken means its loops died or every pass has failed for a while. */
    public record Health(boolean enabled, boolean running, boolean broken, int inFlight, String lastError) {}

    public WebhookDispatcher(
            Jdbc jdbc,
            WebhookConfig config,
            SecretBox box,
            Clock clock,
            RandomGenerator random,
            MeterRegistry registry) {
        this.store = new WebhookStore(jdbc);
        this.config = config;
        this.box = box;
        this.clock = clock;
        this.finishPlanner = new FinishPlanner(
                new RetryPolicy(config.retrySchedule(), config.retryJitter(), config.maxRetryAfter(), random));
        this.dispatchWorker = new PollingWorker("webhook-dispatch", config.pollInterval(), this::dispatchPass);
        // Woken by every outcome; the idle delay only bounds how long a lost wake-up can delay one.
        this.finishWorker = new PollingWorker("webhook-finish", FINISH_IDLE, this::finishPass);
        this.owner = "webhooks-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        this.deliveries = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("webhook-delivery-", 0).factory());
        // Redirects are never followed (one could point inside the network) and no proxy is used
        // (it would resolve the host itself, past the SSRF check): WebhookHttp does neither.
        this.http = new WebhookHttp(
                config.timeout().compareTo(MAX_CONNECT_TIMEOUT) < 0 ? config.timeout() : MAX_CONNECT_TIMEOUT,
                config.allowPrivateTargets(),
                EXCERPT_BYTES,
                Math.max(WebhookHttp.DEFAULT_MAX_IDLE_PER_ORIGIN, config.endpointConcurrency()),
                WebhookHttp.defaultTls());
        this.delivered = Counter.builder("chainsync_webhook_deliveries_total")
                .tag("outcome", "delivered")
                .description("Webhook delivery attempts by outcome")
                .register(registry);
        this.failed = Counter.builder("chainsync_webhook_deliveries_total")
                .tag("outcome", "failed")
                .description("Webhook delivery attempts by outcome")
                .register(registry);
        this.deadLettered = Counter.builder("chainsync_webhook_deliveries_total")
                .tag("outcome", "dead_lettered")
                .description("Webhook delivery attempts by outcome")
                .register(registry);
        this.endpointsDisabled = Counter.builder("chainsync_webhook_endpoints_disabled_total")
                .description("Endpoints disabled by the dispatcher (410 Gone or failing too long)")
                .register(registry);
        this.eventToDelivered = Timer.builder("chainsync_webhook_event_to_delivered_seconds")
                .description("From the event's commit to a 2xx answer from the endpoint")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.attemptLatency = Timer.builder("chainsync_webhook_attempt_seconds")
                .description("Duration of one delivery attempt")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        Gauge.builder("chainsync_webhook_messages_pending", () -> safeBacklog().pending())
                .description("Webhook messages waiting for a (next) attempt")
                .register(registry);
        Gauge.builder(
                        "chainsync_webhook_messages_dead_lettered",
                        () -> safeBacklog().deadLettered())
                .description("Webhook messages that used up every attempt")
                .register(registry);
        Gauge.builder("chainsync_webhook_in_flight", this::inFlight)
                .description("Claimed webhook messages not finished yet")
                .register(registry);
    }

    /** Starts the dispatch and finishing loops on threads this dispatcher owns. */
    public synchronized WebhookDispatcher start() {
        if (started) {
            throw new IllegalStateException("webhook dispatcher already started");
        }
        if (closed) {
            throw new IllegalStateException("webhook dispatcher closed");
        }
        started = true;
        finishWorker.start();
        dispatchWorker.start();
        log.info(
                "webhook dispatcher {} started (per-endpoint concurrency {}, timeout {}, {} attempts)",
                owner,
                config.endpointConcurrency(),
                config.timeout(),
                config.maxAttempts());
        return this;
    }

    /**
     * Stops claiming, lets deliveries in flight finish (interrupting them after a grace period; they
     * are tried again later with the same {@code webhook-id}), writes every outcome and gives back
     * the claims it still holds. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stopping = true;
        dispatchWorker.close();
        deliveries.shutdown();
        try {
            if (!deliveries.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                deliveries.shutdownNow();
                deliveries.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finishWorker.close();
        List<Result> rest = unwritten == null ? new ArrayList<>() : new ArrayList<>(unwritten);
        results.drainTo(rest);
        try {
            if (!rest.isEmpty()) {
                finish(rest);
            }
            int released = store.releaseAll(owner);
            log.info("webhook dispatcher {} stopped; released {} claims", owner, released);
        } catch (RuntimeException e) {
            log.warn(
                    "webhook dispatcher {} could not record its last outcomes; the claims expire with their lease",
                    owner,
                    e);
        }
        http.close();
    }

    // ---------------------------------------------------------------- loops

    /**
     * One dispatch pass: claims and launches deliveries. Reports work (and so runs again at once)
     * only when it launched a full batch; otherwise the worker waits for a lane to free up or the
     * poll. Launched, not claimed: messages postponed for an unreadable secret are no work done,
     * as in the dispatch loop before the leased-queue engine.
     */
    private int dispatchPass() {
        int launched = LeasedQueue.run(dispatchWork, clock)
                .map(d -> d.launched().size())
                .orElse(0);
        long t = System.nanoTime();
        if (t - evictedAt > EVICT_EVERY_NANOS) {
            http.evictIdle();
            evictedAt = t;
        }
        return launched >= config.batchSize() ? launched : 0;
    }

    /**
     * One finishing pass: writes the outcomes waiting (at most a batch). A write that fails is tried
     * again on later passes with the same outcomes; after {@code FINISH_RETRIES} they are dropped.
     */
    private int finishPass() {
        if (unwritten == null) {
            List<Result> batch = new ArrayList<>();
            results.drainTo(batch, FINISH_BATCH);
            if (batch.isEmpty()) {
                return 0;
            }
            unwritten = batch;
            unwrittenTries = 0;
        } else if (System.nanoTime() - unwrittenRetryAt < 0) {
            return 0;
        }
        List<Result> batch = unwritten;
        try {
            finish(batch);
        } catch (RuntimeException e) {
            if (++unwrittenTries < FINISH_RETRIES) {
                // A database outage: back off linearly, so the outcomes outlast one of some length.
                unwrittenRetryAt = System.nanoTime()
                        + config.pollInterval().multipliedBy(unwrittenTries).toNanos();
                throw e;
            }
            log.error(
                    "dropping {} webhook outcomes after {} failed writes; their claims expire and the "
                            + "messages are sent again with the same webhook-id",
                    batch.size(),
                    unwrittenTries,
                    e);
        }
        unwritten = null;
        return batch.size();
    }

    /**
     * Claims what is due, delivers it and records the outcomes before returning; tests drive it
     * through their manual driver. Not for a started dispatcher. Returns how many it claimed.
     */
    int deliverDue() {
        List<Future<?>> launched =
                LeasedQueue.run(dispatchWork, clock).map(Dispatch::launched).orElse(List.of());
        for (Future<?> f : launched) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                throw new IllegalStateException("delivery task crashed", e.getCause());
            }
        }
        List<Result> batch = new ArrayList<>();
        results.drainTo(batch);
        if (!batch.isEmpty()) {
            finish(batch);
        }
        return launched.size();
    }

    // ---------------------------------------------------------------- claim and deliver

    /** Messages claimed in one dispatch pass, and the deliveries launched for them. */
    private record Dispatch(List<Claimed> rows, Instant now, List<Future<?>> launched) implements LeasedWork.Batch {}

    /** The dispatch loop's work on the leased-queue engine: claim what the lanes have room for, launch it. */
    private final class DispatchWork implements LeasedWork<Dispatch> {
        @Override
        public Dispatch claim(Instant now) {
            int concurrency = config.endpointConcurrency();
            int laneSize = 2 * concurrency;
            List<Long> busyIds = new ArrayList<>();
            List<Integer> busyRoom = new ArrayList<>();
            lanes.forEach((id, lane) -> {
                int o = lane.outstanding.get();
                if (o > 0) {
                    busyIds.add(id);
                    // Claim again only once half the lane is free, so claims come in useful batches.
                    busyRoom.add(o > concurrency ? 0 : laneSize - o);
                }
            });
            List<Claimed> claimed = store.claim(
                    owner,
                    now,
                    config.lease(),
                    config.batchSize(),
                    laneSize,
                    busyIds.toArray(Long[]::new),
                    busyRoom.toArray(Integer[]::new));
            return new Dispatch(claimed, now, new ArrayList<>());
        }

        @Override
        public void process(Dispatch d) {
            Set<Long> unreadable = new HashSet<>();
            Map<Long, List<byte[]>> secrets = secretsFor(d.rows(), d.now(), unreadable);
            // An endpoint none of whose secrets this instance can decrypt (a lost or mismatched key) waits
            // for the operator without spending its attempts; the other endpoints go on.
            List<Claimed> waiting = d.rows().stream()
                    .filter(m -> unreadable.contains(m.endpointId()) && !secrets.containsKey(m.endpointId()))
                    .toList();
            if (!waiting.isEmpty()) {
                store.jdbc()
                        .inTransaction(
                                c -> WebhookStore.postpone(c, waiting, d.now().plus(UNREADABLE_SECRET_DELAY)));
            }
            for (Claimed m : d.rows()) {
                if (!waiting.contains(m)) {
                    launch(m, secrets.getOrDefault(m.endpointId(), List.of()), d);
                }
            }
        }

        @Override
        public void giveBack(Dispatch d, RuntimeException cause) {
            try {
                store.jdbc().inTransaction(c -> WebhookStore.release(c, d.rows()));
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }

    /** Hands one message to a delivery thread in its endpoint's lane. */
    private void launch(Claimed m, List<byte[]> keys, Dispatch d) {
        Lane lane = lanes.computeIfAbsent(m.endpointId(), id -> new Lane(config.endpointConcurrency()));
        lane.outstanding.incrementAndGet();
        try {
            d.launched().add(deliveries.submit(() -> run(m, keys, lane)));
        } catch (RejectedExecutionException e) {
            results.add(Result.notAttempted(m, d.now()));
            lane.outstanding.decrementAndGet();
        }
    }

    /** The decrypted active secrets of the claimed messages' endpoints; {@code unreadable} gets those that failed. */
    private Map<Long, List<byte[]>> secretsFor(List<Claimed> claimed, Instant now, Set<Long> unreadable) {
        Set<Long> endpointIds = new TreeSet<>();
        claimed.forEach(m -> endpointIds.add(m.endpointId()));
        Map<Long, List<byte[]>> out = new HashMap<>();
        if (secretCache.size() > SECRET_CACHE_MAX) {
            secretCache.clear();
        }
        for (WebhookStore.SealedSecret s : store.activeSecrets(endpointIds, now)) {
            // Secret rows never change, so a decrypted one can be kept by its id.
            byte[] raw;
            try {
                raw = secretCache.computeIfAbsent(
                        s.id(),
                        id -> box.open(s.ciphertext(), WebhookEndpoints.secretContext(s.endpointId()), s.keyId()));
            } catch (RuntimeException e) {
                // Sealed under another key (or damaged): that endpoint signs with its other secrets, or its
                // messages wait (see launch); no other endpoint's deliveries wait for it.
                log.error(
                        "webhook endpoint {}: secret {} (key {}) cannot be decrypted: {}",
                        s.endpointId(),
                        s.id(),
                        s.keyId(),
                        e.toString());
                unreadable.add(s.endpointId());
                continue;
            }
            out.computeIfAbsent(s.endpointId(), k -> new ArrayList<>()).add(raw);
        }
        return out;
    }

    private void run(Claimed m, List<byte[]> secrets, Lane lane) {
        Result r;
        try {
            lane.slots.acquire();
            try {
                r = stopping ? Result.notAttempted(m, clock.instant()) : attempt(m, secrets);
            } finally {
                lane.slots.release();
            }
        } catch (InterruptedException e) {
            r = Result.notAttempted(m, clock.instant());
        } catch (RuntimeException e) {
            log.error("webhook delivery of {} crashed", m.msgId(), e);
            r = failure(m, clock.instant(), 0, null, null, "internal error: " + e, null);
        }
        results.add(r);
        finishWorker.wake();
        int left = lane.outstanding.decrementAndGet();
        if (left == config.endpointConcurrency() || left == 0) {
            // Woken early when a lane frees up; otherwise new messages are found on the next poll.
            dispatchWorker.wake();
        }
    }

    /** One HTTP attempt; never throws for anything the endpoint or the network does. */
    private Result attempt(Claimed m, List<byte[]> secrets) throws InterruptedException {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        if (secrets.isEmpty()) {
            return failure(
                    m, started, 0, null, null, "endpoint has no active signing secret this instance can decrypt", null);
        }
        String body = body(m);
        long timestamp = started.getEpochSecond();
        try {
            WebhookHttp.Response response = http.post(
                    URI.create(m.url()),
                    List.of(
                            "Content-Type", "application/json",
                            "User-Agent", "chainsync-webhooks/1",
                            "webhook-id", m.msgId(),
                            "webhook-timestamp", Long.toString(timestamp),
                            "webhook-signature", WebhookSignature.header(secrets, m.msgId(), timestamp, body)),
                    body.getBytes(StandardCharsets.UTF_8),
                    config.timeout());
            int latency = millisSince(t0);
            Instant done = clock.instant();
            int status = response.status();
            if (status >= 200 && status < 300) {
                attemptLatency.record(Duration.ofMillis(latency));
                return new Result(
                        m,
                        new Finished(m, started, true, status, latency, response.excerpt(), null),
                        done,
                        null,
                        false);
            }
            Duration retryAfter = RetryPolicy.parseRetryAfter(response.retryAfter(), done);
            String error = status == 410 ? "HTTP 410 Gone: the endpoint is disabled" : "HTTP " + status;
            return failure(m, started, latency, status, response.excerpt(), error, retryAfter, status == 410);
        } catch (AddressGuard.Refused e) {
            return failure(m, started, millisSince(t0), null, null, "refused: " + e.getMessage(), null);
        } catch (WebhookHttp.Failure e) {
            return failure(m, started, millisSince(t0), null, null, e.getMessage(), null);
        }
    }

    private Result failure(
            Claimed m,
            Instant started,
            int latency,
            Integer status,
            String excerpt,
            String error,
            Duration retryAfter) {
        return failure(m, started, latency, status, excerpt, error, retryAfter, false);
    }

    private Result failure(
            Claimed m,
            Instant started,
            int latency,
            Integer status,
            String excerpt,
            String error,
            Duration retryAfter,
            boolean gone) {
        attemptLatency.record(Duration.ofMillis(latency));
        return new Result(
                m, new Finished(m, started, false, status, latency, excerpt, error), clock.instant(), retryAfter, gone);
    }

    private static int millisSince(long t0) {
        return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - t0) / 1_000_000);
    }

    /** The Standard Webhooks payload: the same bytes on every attempt, so receivers see one message. */
    static String body(Claimed m) {
        return "{\"type\":" + jsonString(m.eventType()) + ",\"timestamp\":\"" + m.eventAt() + "\",\"data\":"
                + m.payload() + "}";
    }

    private static String jsonString(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"' || ch == '\\') {
                out.append('\\').append(ch);
            } else if (ch < 0x20) {
                out.append(String.format("\\u%04x", (int) ch));
            } else {
                out.append(ch);
            }
        }
        return out.append('"').toString();
    }

    // ---------------------------------------------------------------- finish

    /** Writes a batch's outcomes in one transaction, following {@link FinishPlanner}'s plan. */
    private void finish(List<Result> batch) {
        Instant now = clock.instant();
        FinishPlanner.Plan plan = finishPlanner.plan(batch);
        List<FinishPlanner.Delivered> ok = plan.of(FinishPlanner.Delivered.class);
        record Counts(Set<Long> delivered, int retried, int buried, int disabled) {}
        Counts counts = store.jdbc().inTransaction(c -> {
            WebhookStore.insertAttempts(c, plan.attempts(), owner);
            Set<Long> deliveredIds = WebhookStore.DELIVERED.apply(c, ok, now);
            int retried = WebhookStore.RESCHEDULED
                    .apply(c, plan.of(FinishPlanner.Retry.class), now)
                    .size();
            int buried = WebhookStore.DEAD_LETTERED
                    .apply(c, plan.of(FinishPlanner.DeadLetter.class), now)
                    .size();
            WebhookStore.release(c, plan.of(FinishPlanner.NotAttempted.class));
            WebhookStore.endpointsSucceeded(c, plan.succeededEndpoints().toArray(Long[]::new));
            WebhookStore.endpointsFailed(c, plan.failedEndpoints().toArray(Long[]::new), now);
            int disabled = disableEndpoints(c, plan, now);
            return new Counts(deliveredIds, retried, buried, disabled);
        });
        delivered.increment(counts.delivered().size());
        for (FinishPlanner.Delivered d : ok) {
            if (counts.delivered().contains(d.id())) {
                eventToDelivered.record(Duration.between(d.message().eventAt(), d.at()));
            }
        }
        failed.increment(counts.retried());
        deadLettered.increment(counts.buried());
        endpointsDisabled.increment(counts.disabled());
    }

    /**
     * Disables the endpoints that answered 410 Gone or have failed past the limit, each with a
     * {@code webhook_endpoint.disabled} event in the same transaction. Returns how many.
     */
    private int disableEndpoints(Connection c, FinishPlanner.Plan plan, Instant now) throws SQLException {
        List<WebhookStore.Disabled> disabled = new ArrayList<>(WebhookStore.disable(
                c, plan.goneEndpoints().toArray(Long[]::new), null, "the endpoint answered 410 Gone", now));
        disabled.addAll(WebhookStore.disable(
                c,
                plan.failedEndpoints().toArray(Long[]::new),
                now.minus(config.disableAfter()),
                "failing without a success for longer than " + config.disableAfter(),
                now));
        for (WebhookStore.Disabled d : disabled) {
            WebhookOutbox.emit(
                    c,
                    EVENT_ENDPOINT_DISABLED,
                    Json.object(
                            "endpoint_id",
                            d.id(),
                            "url",
                            d.url(),
                            "reason",
                            d.reason(),
                            "failing_since",
                            d.failingSince() == null ? null : d.failingSince().toString()),
                    now);
            log.warn("webhook endpoint {} disabled: {}", d.id(), d.reason());
        }
        return disabled.size();
    }

    // ---------------------------------------------------------------- state

    private int inFlight() {
        int n = 0;
        for (Lane l : lanes.values()) {
            n += l.outstanding.get();
        }
        return n;
    }

    /** Pending and dead-lettered counts and how long the oldest due message has waited (cached for a second). */
    public Backlog backlog() {
        long t = System.nanoTime();
        Backlog b = cachedBacklog;
        if (b != null && t - cachedBacklogAt < STATS_TTL_NANOS) {
            return b;
        }
        Instant now = clock.instant();
        WebhookStore.Stats s = store.stats(now);
        b = new Backlog(
                s.pending(),
                s.deadLettered(),
                s.oldestDue() == null || s.oldestDue().isAfter(now)
                        ? Duration.ZERO
                        : Duration.between(s.oldestDue(), now));
        cachedBacklog = b;
        cachedBacklogAt = t;
        return b;
    }

    private Backlog safeBacklog() {
        try {
            return backlog();
        } catch (RuntimeException e) {
            return new Backlog(0, 0, Duration.ZERO);
        }
    }

    public Health health() {
        PollingWorker.Health loops = PollingWorker.Health.of(List.of(dispatchWorker.health(), finishWorker.health()));
        return new Health(config.dispatcherEnabled(), loops.running(), loops.broken(), inFlight(), loops.lastError());
    }

    /** The name this dispatcher writes into leases and attempt records. */
    public String owner() {
        return owner;
    }
}
