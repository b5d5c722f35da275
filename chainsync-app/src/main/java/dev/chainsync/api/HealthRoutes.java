package dev.chainsync.api;

import dev.chainsync.app.Application;
import dev.chainsync.chain.ChainHealth;
import dev.chainsync.outbox.OperationStatus;
import dev.chainsync.outbox.Outbox;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /health} (one entry per component; 503 when any is down) and {@code GET /metrics}. */
final class HealthRoutes {
    /** Gauges share one stats query per scrape instead of one each. */
    static final long STATS_TTL_NANOS = 1_000_000_000L;

    private final Application app;
    private final PrometheusMeterRegistry registry;
    private volatile Outbox.Stats cachedStats;
    private volatile long cachedAt;

    HealthRoutes(Application app, PrometheusMeterRegistry registry) {
        this.app = app;
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
        Gauge.builder("chainsync_chain_breaker_open", () -> app.guardedChain().isOpen() ? 1 : 0)
                .description("1 while the chain circuit breaker refuses calls")
                .register(registry);
    }

    void register(Javalin javalin) {
        javalin.get("/health", this::health);
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
            s = app.outbox().stats();
        } catch (RuntimeException e) {
            s = new Outbox.Stats(Map.of(), Duration.ZERO);
        }
        cachedStats = s;
        cachedAt = now;
        return s;
    }

    private void health(Context ctx) {
        Map<String, Object> components = new LinkedHashMap<>();
        boolean healthy = true;

        long t0 = System.nanoTime();
        boolean dbUp = app.database().ping();
        healthy &= dbUp;
        components.put(
                "database", Map.of("status", dbUp ? "up" : "down", "latency_ms", (System.nanoTime() - t0) / 1_000_000));

        ChainHealth chain = app.chain().health();
        healthy &= chain.up();
        Map<String, Object> chainEntry = new LinkedHashMap<>();
        chainEntry.put("status", chain.up() ? "up" : "down");
        chainEntry.put("name", app.chain().name());
        chainEntry.put("block_height", chain.blockHeight());
        chainEntry.put("circuit_breaker", app.guardedChain().breakerState());
        chainEntry.put("detail", chain.detail());
        if (!chain.endpoints().isEmpty()) {
            chainEntry.put(
                    "endpoints",
                    chain.endpoints().stream().map(HealthRoutes::endpoint).toList());
        }
        components.put("chain", chainEntry);

        Map<String, Object> relay = new LinkedHashMap<>();
        if (dbUp) {
            Outbox.Stats stats = app.outbox().stats();
            Duration limit = app.config().relay().unhealthyPendingAge();
            boolean relayOk = stats.oldestUnfinishedAge().compareTo(limit) <= 0;
            healthy &= relayOk;
            relay.put("status", relayOk ? "up" : "lagging");
            relay.put("enabled", app.config().relay().enabled());
            relay.put("oldest_pending_age_seconds", stats.oldestUnfinishedAge().toMillis() / 1000.0);
            relay.put("max_pending_age_seconds", limit.toSeconds());
            relay.put("pending", stats.counts().getOrDefault(OperationStatus.PENDING, 0L));
            relay.put("submitted", stats.counts().getOrDefault(OperationStatus.SUBMITTED, 0L));
            relay.put("dead_lettered", stats.counts().getOrDefault(OperationStatus.DEAD_LETTERED, 0L));
        } else {
            relay.put("status", "unknown");
        }
        components.put("relay", relay);

        Map<String, Object> webhooks = WebhookRoutes.health(app, dbUp);
        healthy &= !"down".equals(webhooks.get("status"));
        components.put("webhooks", webhooks);

        dev.chainsync.ingest.Ingest.Health ingest = app.ingest().health();
        healthy &= ingest.healthy();
        components.put("ingest", IngestRoutes.component(ingest));

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", healthy ? "healthy" : "unhealthy");
        body.put("components", components);
        // The replaced Redis-to-PostgreSQL service's fields, so its monitors keep working.
        IngestRoutes.seedFields(body, healthy, dbUp, ingest);
        ctx.status(healthy ? 200 : 503).json(body);
    }

    private static Map<String, Object> endpoint(ChainHealth.Endpoint e) {
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
