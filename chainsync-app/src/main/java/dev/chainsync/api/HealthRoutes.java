package dev.chainsync.api;

import dev.chainsync.chain.ChainHealth;
import dev.chainsync.chain.CircuitBreakingChainClient;
import dev.chainsync.db.Database;
import dev.chainsync.ingest.Ingest;
import dev.chainsync.ledger.TransferBatcher;
import dev.chainsync.outbox.OperationStatus;
import dev.chainsync.outbox.Outbox;
import dev.chainsync.outbox.Relay;
import dev.chainsync.outbox.RelayConfig;
import dev.chainsync.ticketsync.OwnershipListener;
import dev.chainsync.webhook.WebhookDispatcher;
import dev.chainsync.worker.PollingWorker;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health} (one entry per component; 503 when any is down), the probes {@code
 * /health/live} and {@code /health/ready}, and {@code GET /metrics}.
 */
final class HealthRoutes {
    /** Gauges share one stats query per scrape instead of one each. */
    static final long STATS_TTL_NANOS = 1_000_000_000L;

    private final Database database;
    private final CircuitBreakingChainClient chain;
    private final Outbox outbox;
    private final RelayConfig relay;
    private final Workers workers;
    private final WebhookDispatcher webhooks;
    private final Ingest ingest;
    private final PrometheusMeterRegistry registry;
    private volatile Outbox.Stats cachedStats;
    private volatile long cachedAt;

    HealthRoutes(
            Database database,
            CircuitBreakingChainClient chain,
            Outbox outbox,
            RelayConfig relay,
            Workers workers,
            WebhookDispatcher webhooks,
            Ingest ingest,
            PrometheusMeterRegistry registry) {
        this.database = database;
        this.workers = workers;
        this.chain = chain;
        this.outbox = outbox;
        this.relay = relay;
        this.webhooks = webhooks;
        this.ingest = ingest;
        this.registry = registry;
        Gauge.builder(
                        "chainsync_outbox_oldest_unfinished_age_seconds",
                        () -> safeStats().oldestUnfinishedAge().toMillis() / 1000.0)
                .description("Age of the oldest pending or submitted chain operation")
                .register(registry);
        for (OperationStatus s :
                new OperationStatus[] {OperationStatus.PENDING, OperationStatus.SUBMITTED, OperationStatus.DEAD_LETTERED
                }) {
            Gauge.builder(
                            "chainsync_outbox_operations",
                            () -> safeStats().counts().getOrDefault(s, 0L))
                    .tag("status", s.dbName())
                    .description("Chain operations by status")
                    .register(registry);
        }
        Gauge.builder("chainsync_chain_breaker_open", () -> chain.isOpen() ? 1 : 0)
                .description("1 while the chain circuit breaker refuses calls")
                .register(registry);
    }

    /** The background loops of this instance that {@code /health} reports. */
    record Workers(Relay relay, TransferBatcher transfers, OwnershipListener ownershipListener) {}

    void register(Javalin javalin) {
        javalin.get("/health", this::health);
        // Liveness checks nothing but that a request is answered: a dependency's outage must not restart us.
        javalin.get("/health/live", ctx -> ctx.json(Map.of("status", "up")));
        javalin.get("/health/ready", this::ready);
        javalin.get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(registry.scrape()));
    }

    private Outbox.Stats safeStats() {
        long now = System.nanoTime();
        Outbox.Stats s = cachedStats;
        if (s != null && now - cachedAt < STATS_TTL_NANOS) {
            return s;
        }
        try {
            s = outbox.stats();
        } catch (RuntimeException e) {
            s = new Outbox.Stats(Map.of(), Duration.ZERO);
        }
        cachedStats = s;
        cachedAt = now;
        return s;
    }

    /**
     * Ready when the database answers: every API route needs it, and nothing else. Redis (ingest) and
     * the chain have their own entries in {@code /health}; an outage of either must not take the
     * credential and ledger API out of a load balancer.
     */
    private void ready(Context ctx) {
        if (!database.ping()) {
            throw new ApiProblem(
                    503,
                    "not-ready",
                    "Not ready",
                    "the database does not answer; this instance cannot serve the API",
                    null);
        }
        ctx.json(Map.of("status", "ready"));
    }

    private void health(Context ctx) {
        Map<String, Object> components = new LinkedHashMap<>();
        boolean healthy = true;

        long t0 = System.nanoTime();
        boolean dbUp = database.ping();
        healthy &= dbUp;
        components.put(
                "database", Map.of("status", dbUp ? "up" : "down", "latency_ms", (System.nanoTime() - t0) / 1_000_000));

        ChainHealth chainHealth = chain.health();
        healthy &= chainHealth.up();
        Map<String, Object> chainEntry = new LinkedHashMap<>();
        chainEntry.put("status", chainHealth.up() ? "up" : "down");
        chainEntry.put("name", chain.name());
        chainEntry.put("block_height", chainHealth.blockHeight());
        chainEntry.put("circuit_breaker", chain.breakerState());
        chainEntry.put("detail", chainHealth.detail());
        if (!chainHealth.endpoints().isEmpty()) {
            chainEntry.put(
                    "endpoints",
                    chainHealth.endpoints().stream().map(HealthRoutes::endpoint).toList());
        }
        components.put("chain", chainEntry);

        Map<String, Object> relayEntry = new LinkedHashMap<>();
        PollingWorker.Health relayLoops = workers.relay().health();
        healthy &= !relayLoops.broken();
        if (dbUp) {
            Outbox.Stats stats = outbox.stats();
            Duration limit = relay.unhealthyPendingAge();
            boolean relayOk = stats.oldestUnfinishedAge().compareTo(limit) <= 0;
            healthy &= relayOk;
            relayEntry.put("status", relayLoops.broken() ? "down" : relayOk ? "up" : "lagging");
            relayEntry.put("enabled", relay.enabled());
            relayEntry.put(
                    "oldest_pending_age_seconds", stats.oldestUnfinishedAge().toMillis() / 1000.0);
            relayEntry.put("max_pending_age_seconds", limit.toSeconds());
            relayEntry.put("pending", stats.counts().getOrDefault(OperationStatus.PENDING, 0L));
            relayEntry.put("submitted", stats.counts().getOrDefault(OperationStatus.SUBMITTED, 0L));
            relayEntry.put("dead_lettered", stats.counts().getOrDefault(OperationStatus.DEAD_LETTERED, 0L));
        } else {
            relayEntry.put("status", "unknown");
        }
        relayEntry.put("worker", worker(relayLoops));
        components.put("relay", relayEntry);

        Map<String, Object> webhookEntry = WebhookRoutes.health(webhooks, dbUp);
        healthy &= !"down".equals(webhookEntry.get("status"));
        components.put("webhooks", webhookEntry);

        Ingest.Health ingestHealth = ingest.health();
        healthy &= ingestHealth.healthy();
        components.put("ingest", IngestRoutes.component(ingestHealth));

        PollingWorker.Health batcher = workers.transfers().health();
        healthy &= !batcher.broken();
        components.put("transfers", Map.of("status", batcher.broken() ? "down" : "up", "worker", worker(batcher)));

        OwnershipListener.State listener = workers.ownershipListener().state();
        healthy &= !listener.down();
        components.put("ticket_ownership_listener", listener(listener));

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", healthy ? "healthy" : "unhealthy");
        body.put("components", components);
        // The replaced Redis-to-PostgreSQL service's fields, so its monitors keep working.
        IngestRoutes.seedFields(body, healthy, dbUp, ingestHealth);
        ctx.status(healthy ? 200 : 503).json(body);
    }

    /**
     * The ticket ownership listener: {@code down} after its maximum failed passes in a row (the
     * periodic full sync still corrects ownership), {@code failing} before that, {@code up} when it
     * runs here or its last pass read the chain, {@code not_running} otherwise. Only
     * {@code /health} reports it: readiness depends on the database alone.
     */
    static Map<String, Object> listener(OwnershipListener.State st) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(
                "status",
                st.down()
                        ? "down"
                        : st.consecutiveFailures() > 0
                                ? "failing"
                                : st.started() || st.lastSuccess() != null ? "up" : "not_running");
        m.put("consecutive_failures", st.consecutiveFailures());
        m.put("last_success_at", st.lastSuccess());
        m.put("next_attempt_at", st.nextAttempt());
        m.put("last_error", st.lastError());
        return m;
    }

    /** A background loop as {@code /health} shows it; its last error only while it is broken. */
    static Map<String, Object> worker(PollingWorker.Health h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("running", h.running());
        m.put("broken", h.broken());
        m.put("last_error", h.lastError());
        return m;
    }

    /** One RPC endpoint's /health entry: the chain's and the EVM ingest source's alike, as /health and /v1/status show it. */
    static Map<String, Object> endpoint(ChainHealth.Endpoint e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("endpoint", e.name());
        m.put("status", e.status());
        m.put("block_height", e.height());
        m.put("lag_blocks", e.lagBlocks());
        m.put("circuit_breaker", e.breaker());
        m.put("last_error", e.lastError());
        return m;
    }
}
