package dev.chainsync.api;

import dev.chainsync.chain.ChainHealth;
import dev.chainsync.chain.CircuitBreakingChainClient;
import dev.chainsync.ingest.Ingest;
import dev.chainsync.outbox.Operation;
import dev.chainsync.outbox.OperationStatus;
import dev.chainsync.outbox.Outbox;
import dev.chainsync.outbox.RelayConfig;
import dev.chainsync.reconcile.ReconcileEngine;
import dev.chainsync.reconcile.ReviewQueue;
import dev.chainsync.webhook.WebhookDispatcher;
import dev.chainsync.webhook.WebhookEndpoint;
import dev.chainsync.webhook.WebhookEndpoints;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator status page: {@code GET /status} and its script and style (static, served by the
 * service itself, no data in them), and {@code GET /v1/status}, the admin-only summary the page
 * reads. Each section of the summary is read on its own: one that fails says why and the others
 * are still shown.
 */
final class StatusRoutes {
    private static final Logger log = LoggerFactory.getLogger(StatusRoutes.class);
    /** Rows of each list the summary shows; the page links to the full list endpoints beyond them. */
    static final int DEAD_LETTERS_SHOWN = 20;

    static final int RUNS_SHOWN = 10;
    static final int REVIEWS_SHOWN = 20;
    static final int ENDPOINTS_SHOWN = 50;
    /** The seed's sync lag gauge, one series per ingest source and stream. */
    static final String SYNC_LAG = "blockchain_sync_lag_seconds";

    static final String PAGE = "/status";
    static final String SCRIPT = "/status/status.js";
    static final String STYLE = "/status/status.css";
    /**
     * Only the service's own script, style and API: no inline script, nothing from elsewhere, and the
     * page cannot be framed (the retry and resolve buttons must not be clickjacked).
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** What the summary reads, each through its owner's public surface. */
    record Sources(
            Clock clock,
            CircuitBreakingChainClient chain,
            Outbox outbox,
            RelayConfig relay,
            Ingest ingest,
            MeterRegistry registry,
            ReconcileEngine runs,
            ReviewQueue reviews,
            WebhookEndpoints webhookEndpoints,
            WebhookDispatcher webhookDispatcher) {}

    private record Asset(String contentType, byte[] bytes) {}

    private final Sources s;
    private final Map<String, Asset> assets = new LinkedHashMap<>();

    StatusRoutes(Sources sources) {
        this.s = sources;
        assets.put(PAGE, load("status.html", "text/html; charset=utf-8"));
        assets.put(SCRIPT, load("status.js", "text/javascript; charset=utf-8"));
        assets.put(STYLE, load("status.css", "text/css; charset=utf-8"));
    }

    void register(Javalin javalin) {
        assets.forEach((path, asset) -> javalin.get(path, ctx -> serve(ctx, asset)));
        javalin.get("/v1/status", ctx -> ctx.header("Cache-Control", "no-store").json(summary()));
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = StatusRoutes.class.getResourceAsStream("status/" + name)) {
            if (in == null) {
                throw new IllegalStateException("status page asset " + name + " missing from the jar");
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void serve(Context ctx, Asset asset) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-store")
                .contentType(asset.contentType())
                .result(asset.bytes());
    }

    /** The whole summary; a section that cannot be read carries {@code error} instead of its fields. */
    Map<String, Object> summary() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("generated_at", s.clock().instant());
        body.put("chain", section("chain", this::chain));
        body.put("ingest", section("ingest", this::ingest));
        body.put("outbox", section("outbox", this::outbox));
        body.put("reconciliation", section("reconciliation", this::reconciliation));
        body.put("webhooks", section("webhooks", this::webhooks));
        return body;
    }

    private static Map<String, Object> section(String name, Supplier<Map<String, Object>> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            log.warn("status page: cannot read {}: {}", name, e.toString());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", e.getMessage() == null ? e.toString() : e.getMessage());
            return m;
        }
    }

    /** Height per RPC endpoint; a chain reached through one endpoint (the devnet) is its own single entry. */
    private Map<String, Object> chain() {
        ChainHealth h = s.chain().health();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.chain().name());
        m.put("status", h.up() ? "up" : "down");
        m.put("block_height", h.blockHeight());
        m.put("circuit_breaker", s.chain().breakerState());
        m.put("detail", h.detail());
        List<Map<String, Object>> endpoints = new ArrayList<>();
        if (h.endpoints().isEmpty()) {
            endpoints.add(HealthRoutes.endpoint(new ChainHealth.Endpoint(
                    s.chain().name(),
                    h.up() ? "up" : "down",
                    h.blockHeight(),
                    0,
                    s.chain().breakerState(),
                    h.up() ? null : h.detail())));
        } else {
            h.endpoints().forEach(e -> endpoints.add(HealthRoutes.endpoint(e)));
        }
        m.put("endpoints", endpoints);
        return m;
    }

    /**
     * One entry per sync lag series (every source that registers the seed's gauge shows up), joined
     * with the stream's committed progress where the Redis Streams source has it; then streams with
     * progress in the database but no series here (consumed by another instance).
     */
    private Map<String, Object> ingest() {
        Ingest.Status status = s.ingest().status();
        Map<String, Ingest.StreamStatus> streams = new LinkedHashMap<>();
        for (Ingest.StreamStatus st : status.streams()) {
            streams.putIfAbsent(st.stream(), st);
        }
        List<Map<String, Object>> sources = new ArrayList<>();
        List<Gauge> gauges = new ArrayList<>(s.registry().find(SYNC_LAG).gauges());
        gauges.sort(Comparator.comparing((Gauge g) -> String.valueOf(g.getId().getTag("source")))
                .thenComparing(g -> String.valueOf(g.getId().getTag("stream"))));
        for (Gauge g : gauges) {
            String source = g.getId().getTag("source");
            String stream = g.getId().getTag("stream");
            double lag = g.value();
            Ingest.StreamStatus st = "redis_streams".equals(source) ? streams.remove(stream) : null;
            sources.add(source(source, stream, Double.isNaN(lag) ? null : lag, st));
        }
        streams.values().forEach(st -> sources.add(source("redis_streams", st.stream(), null, st)));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("running", status.running());
        m.put("circuit_breaker", status.breakerState());
        m.put("dead_letters_not_replayed", status.deadLettersNotReplayed());
        m.put("error", status.redisError());
        m.put("sources", sources);
        return m;
    }

    private static Map<String, Object> source(String source, String stream, Double lag, Ingest.StreamStatus st) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", source);
        m.put("stream", stream);
        m.put("lag_seconds", lag);
        if (st != null) {
            m.put("lag_entries", st.lag());
            m.put("pending_entries", st.pending());
            m.put("last_block_number", st.lastBlockNumber());
            m.put("last_commit_at", st.lastCommitAt());
        }
        return m;
    }

    private Map<String, Object> outbox() {
        Outbox.Stats stats = s.outbox().stats();
        Duration oldest = stats.oldestUnfinishedAge();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pending", stats.counts().getOrDefault(OperationStatus.PENDING, 0L));
        m.put("submitted", stats.counts().getOrDefault(OperationStatus.SUBMITTED, 0L));
        m.put("dead_lettered", stats.counts().getOrDefault(OperationStatus.DEAD_LETTERED, 0L));
        m.put("oldest_pending_age_seconds", oldest.toMillis() / 1000.0);
        m.put(
                "oldest_pending_since",
                oldest.isZero() ? null : s.clock().instant().minus(oldest));
        m.put("max_pending_age_seconds", s.relay().unhealthyPendingAge().toSeconds());
        List<Operation> dead = s.outbox().list(OperationStatus.DEAD_LETTERED, null, DEAD_LETTERS_SHOWN + 1);
        m.put(
                "dead_letters",
                dead.stream()
                        .limit(DEAD_LETTERS_SHOWN)
                        .map(op -> OperationRoutes.view(op, null))
                        .toList());
        m.put("more_dead_letters", dead.size() > DEAD_LETTERS_SHOWN);
        return m;
    }

    /**
     * The newest runs of every data type with what each did (read through the engine: the credential
     * reconciler's own view has no healed, rewritten or reviewed counts) and the reviews still waiting
     * for a person (open and assigned).
     */
    private Map<String, Object> reconciliation() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(
                "runs",
                s.runs().runs(null, RUNS_SHOWN).stream().map(StatusRoutes::run).toList());
        List<ReviewQueue.Review> waiting = new ArrayList<>();
        waiting.addAll(s.reviews().list(ReviewQueue.Status.OPEN, null, REVIEWS_SHOWN + 1));
        waiting.addAll(s.reviews().list(ReviewQueue.Status.ASSIGNED, null, REVIEWS_SHOWN + 1));
        waiting.sort(Comparator.comparingLong(ReviewQueue.Review::id).reversed());
        m.put(
                "open_reviews",
                waiting.stream().limit(REVIEWS_SHOWN).map(ReviewRoutes::view).toList());
        m.put("more_reviews", waiting.size() > REVIEWS_SHOWN);
        return m;
    }

    private static Map<String, Object> run(ReconcileEngine.Run r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("kind", r.kind());
        m.put("status", r.status());
        m.put("started_at", r.startedAt());
        m.put("finished_at", r.finishedAt());
        m.put("healed", r.healed());
        m.put("rewritten", r.rewritten());
        m.put("reviewed", r.reviewed());
        m.put("reported", r.reported());
        m.put("error", r.error());
        return m;
    }

    private Map<String, Object> webhooks() {
        Map<String, Object> m = WebhookRoutes.health(s.webhookDispatcher(), true);
        m.remove("in_flight");
        m.remove("dispatcher_running");
        Map<Long, WebhookEndpoints.Backlog> backlogs = s.webhookEndpoints().backlogs();
        List<WebhookEndpoint> endpoints = s.webhookEndpoints().list(null, ENDPOINTS_SHOWN + 1);
        List<Map<String, Object>> shown = new ArrayList<>();
        for (WebhookEndpoint e : endpoints.stream().limit(ENDPOINTS_SHOWN).toList()) {
            WebhookEndpoints.Backlog b = backlogs.getOrDefault(e.id(), new WebhookEndpoints.Backlog(0, 0));
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("id", e.id());
            v.put("url", e.url());
            v.put("health", health(e, b));
            v.put("enabled", e.enabled());
            v.put("disabled_reason", e.disabledReason());
            v.put("failing_since", e.failingSince());
            v.put("pending", b.pending());
            v.put("dead_lettered", b.deadLettered());
            shown.add(v);
        }
        m.put("endpoints", shown);
        m.put("more_endpoints", endpoints.size() > ENDPOINTS_SHOWN);
        return m;
    }

    /** disabled, failing (attempts fail now), dead_letters (gave up on some messages) or healthy. */
    static String health(WebhookEndpoint e, WebhookEndpoints.Backlog b) {
        if (!e.enabled()) {
            return "disabled";
        }
        if (e.failingSince() != null) {
            return "failing";
        }
        return b.deadLettered() > 0 ? "dead_letters" : "healthy";
    }
}
