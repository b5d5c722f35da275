package dev.chainsync.api;

import dev.chainsync.ingest.DeadLetter;
import dev.chainsync.ingest.Ingest;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Ingest: its status, the dead letters, and replaying one. */
final class IngestRoutes {
    private final Ingest ingest;
    private final Idempotent idempotent;

    IngestRoutes(Ingest ingest, Idempotent idempotent) {
        this.ingest = ingest;
        this.idempotent = idempotent;
    }

    void register(Javalin javalin) {
        javalin.get("/v1/ingest/status", ctx -> ctx.json(ingest.status()));
        javalin.get("/v1/ingest/dead-letters", this::list);
        javalin.get("/v1/ingest/dead-letters/{id}", this::get);
        javalin.post("/v1/ingest/dead-letters/{id}/replay", this::replay);
    }

    private void list(Context ctx) {
        String stream = ctx.queryParam("stream");
        int limit = Paging.limit(ctx);
        List<DeadLetter> page =
                ingest.deadLetters(stream == null || stream.isBlank() ? null : stream, Paging.cursor(ctx), limit + 1);
        boolean more = page.size() > limit;
        List<DeadLetter> shown = more ? page.subList(0, limit) : page;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", shown);
        body.put("next_cursor", more ? Paging.encode(shown.getLast().id()) : null);
        ctx.json(body);
    }

    private void get(Context ctx) {
        long id = idParam(ctx);
        ctx.json(ingest.deadLetter(id).orElseThrow(() -> ApiProblem.notFound("no dead letter " + id)));
    }

    /** A replay writes to Redis, so its Idempotency-Key record is kept around it, not in one transaction with it. */
    private void replay(Context ctx) {
        long id = idParam(ctx);
        idempotent.respondOutside(ctx, Idempotent.fingerprint(ctx), () -> switch (ingest.replay(id)) {
            case NOT_FOUND -> throw ApiProblem.notFound("no dead letter " + id);
            case ALREADY_REPLAYED -> throw ApiProblem.conflict("dead letter " + id + " was already replayed");
            case NOT_RUNNING ->
                throw ApiProblem.conflict("ingest is not running in this instance (set "
                        + "REDIS_URL or serve --ingest); nothing to replay into");
            case REPLAYED -> Idempotent.json(202, ingest.deadLetter(id).orElseThrow(), null);
        });
    }

    /** The {@code ingest} entry of {@code /health}'s components. */
    static Map<String, Object> component(Ingest.Health h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", !h.enabled() ? "disabled" : h.healthy() ? "up" : "down");
        m.put("redis", h.redisConsumerHealthy() ? "up" : "down");
        m.put("postgres", h.postgresSyncHealthy() ? "up" : "down");
        m.put("circuit_breaker", h.circuitBreakerState());
        m.put("last_error", h.healthy() ? null : h.lastError());
        if (!h.rpcEndpoints().isEmpty()) {
            // The EVM source's own view of its nodes (role "ingest"), apart from the write adapter's.
            m.put(
                    "endpoints",
                    h.rpcEndpoints().stream().map(HealthRoutes::endpoint).toList());
        }
        return m;
    }

    /**
     * The top-level fields of the replaced service's health answer. With ingest disabled in this
     * instance its consumer counts as healthy (there is nothing it should be consuming).
     */
    static void seedFields(Map<String, Object> body, boolean healthy, boolean dbUp, Ingest.Health h) {
        boolean redisOk = !h.enabled() || h.redisConsumerHealthy();
        boolean postgresOk = dbUp && (!h.enabled() || h.postgresSyncHealthy());
        body.put("healthy", healthy);
        body.put("redis_consumer_healthy", redisOk);
        body.put("postgres_sync_healthy", postgresOk);
        body.put("circuit_breaker_closed", h.circuitBreakerClosed());
        body.put("last_check", h.lastCheck());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("total_events_processed", h.totalEventsProcessed());
        metrics.put("total_events_failed", h.totalEventsFailed());
        metrics.put("circuit_breaker_state", h.circuitBreakerState());
        metrics.put("redis_consumer_health", redisOk);
        metrics.put("postgres_sync_health", postgresOk);
        body.put("metrics", metrics);
    }

    private static long idParam(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("id must be an integer", "id");
        }
    }
}
