package dev.chainsync.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.webhook.WebhookAttempt;
import dev.chainsync.webhook.WebhookDispatcher;
import dev.chainsync.webhook.WebhookEndpoint;
import dev.chainsync.webhook.WebhookEndpoints;
import dev.chainsync.webhook.WebhookMessage;
import dev.chainsync.webhook.WebhookRequestException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Webhook endpoints (scope {@code webhooks:manage}): create (the signing secret is shown once),
 * list, read, change, disable, rotate the secret, delete; an endpoint's messages and attempts;
 * re-sending a message.
 */
final class WebhookRoutes {
    static final String BASE = "/v1/webhook-endpoints";
    private final WebhookEndpoints endpoints;
    private final Idempotent idempotent;

    WebhookRoutes(WebhookEndpoints endpoints, Idempotent idempotent) {
        this.endpoints = endpoints;
        this.idempotent = idempotent;
    }

    void register(Javalin javalin) {
        javalin.post(BASE, this::create);
        javalin.get(BASE, this::list);
        javalin.get(BASE + "/{id}", ctx -> ctx.json(view(found(ctx))));
        javalin.patch(BASE + "/{id}", this::update);
        javalin.delete(BASE + "/{id}", this::delete);
        javalin.post(BASE + "/{id}/disable", this::disable);
        javalin.post(BASE + "/{id}/secret/rotate", this::rotate);
        javalin.get(BASE + "/{id}/messages", this::messages);
        javalin.get(BASE + "/{id}/messages/{msg_id}", this::message);
        javalin.get(BASE + "/{id}/messages/{msg_id}/attempts", this::messageAttempts);
        javalin.post(BASE + "/{id}/messages/{msg_id}/retry", this::retry);
        javalin.get(BASE + "/{id}/attempts", this::attempts);
    }

    /** The response carries the secret, so its Idempotency-Key copy is stored encrypted. */
    private void create(Context ctx) {
        JsonNode body = Bodies.json(ctx);
        WebhookEndpoints.Valid valid = checked(() -> endpoints.validate(
                Bodies.text(body, "url", true), eventTypes(body, true), Bodies.text(body, "description", false)));
        idempotent.respondSealed(ctx, Idempotent.fingerprint(ctx, body), tx -> {
            WebhookEndpoints.Created created = endpoints.create(tx, valid);
            Map<String, Object> v = view(created.endpoint());
            v.put("secret", created.secret());
            return Idempotent.json(201, v, BASE + "/" + created.endpoint().id());
        });
    }

    private void list(Context ctx) {
        int limit = Paging.limit(ctx);
        List<WebhookEndpoint> page = endpoints.list(Paging.cursor(ctx), limit + 1);
        boolean more = page.size() > limit;
        List<WebhookEndpoint> shown = more ? page.subList(0, limit) : page;
        ctx.json(page(
                shown.stream().map(WebhookRoutes::view).toList(),
                more ? Paging.encode(shown.getLast().id()) : null));
    }

    private void update(Context ctx) {
        long id = id(ctx);
        JsonNode body = Bodies.json(ctx);
        Boolean enabled = null;
        JsonNode e = body.get("enabled");
        if (e != null && !e.isNull()) {
            if (!e.isBoolean()) {
                throw ApiProblem.badRequest("enabled must be true or false", "enabled");
            }
            enabled = e.booleanValue();
        }
        WebhookEndpoints.Update u = new WebhookEndpoints.Update(
                Bodies.text(body, "url", false),
                eventTypes(body, false),
                Bodies.text(body, "description", false),
                enabled);
        ctx.json(view(checked(() -> endpoints.update(id, u)).orElseThrow(() -> notFound(id))));
    }

    private void delete(Context ctx) {
        long id = id(ctx);
        if (!endpoints.delete(id)) {
            throw notFound(id);
        }
        ctx.status(204);
    }

    private void disable(Context ctx) {
        long id = id(ctx);
        idempotent.respond(
                ctx,
                Idempotent.fingerprint(ctx),
                tx -> Idempotent.json(200, view(endpoints.disable(tx, id).orElseThrow(() -> notFound(id))), null));
    }

    /** The new secret is in the response, so its Idempotency-Key copy is stored encrypted. */
    private void rotate(Context ctx) {
        long id = id(ctx);
        idempotent.respondSealed(ctx, Idempotent.fingerprint(ctx), tx -> {
            WebhookEndpoints.Rotated r = endpoints.rotateSecret(tx, id).orElseThrow(() -> notFound(id));
            Map<String, Object> v = view(r.endpoint());
            v.put("secret", r.secret());
            v.put("previous_secret_expires_at", r.previousSecretExpiresAt());
            return Idempotent.json(200, v, null);
        });
    }

    private void messages(Context ctx) {
        long id = id(ctx);
        found(ctx);
        String statusParam = ctx.queryParam("status");
        WebhookMessage.Status status = null;
        if (statusParam != null && !statusParam.isBlank()) {
            try {
                status = WebhookMessage.Status.fromDb(statusParam.trim());
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badRequest("status must be pending, delivered or dead_lettered", "status");
            }
        }
        int limit = Paging.limit(ctx);
        List<WebhookMessage> page = endpoints.messages(id, status, Paging.cursor(ctx), limit + 1);
        boolean more = page.size() > limit;
        List<WebhookMessage> shown = more ? page.subList(0, limit) : page;
        ctx.json(page(
                shown.stream().map(WebhookRoutes::view).toList(),
                more ? Paging.encode(shown.getLast().seq()) : null));
    }

    private void message(Context ctx) {
        long id = id(ctx);
        String msgId = ctx.pathParam("msg_id");
        ctx.json(view(endpoints.message(id, msgId).orElseThrow(() -> messageNotFound(id, msgId))));
    }

    private void messageAttempts(Context ctx) {
        long id = id(ctx);
        String msgId = ctx.pathParam("msg_id");
        endpoints.message(id, msgId).orElseThrow(() -> messageNotFound(id, msgId));
        ctx.json(Map.of(
                "data",
                endpoints.attempts(id, msgId).stream().map(WebhookRoutes::view).toList()));
    }

    private void retry(Context ctx) {
        long id = id(ctx);
        String msgId = ctx.pathParam("msg_id");
        idempotent.respond(ctx, Idempotent.fingerprint(ctx), tx -> {
            switch (endpoints.retry(tx, id, msgId)) {
                case NOT_FOUND -> throw messageNotFound(id, msgId);
                case ENDPOINT_DISABLED ->
                    throw ApiProblem.conflict(
                            "endpoint " + id + " is disabled; enable it (PATCH enabled=true) before re-sending");
                case IN_FLIGHT -> throw ApiProblem.conflict("message " + msgId + " is being delivered right now");
                case RETRIED -> {
                    // fall through to the answer below
                }
            }
            return Idempotent.json(202, Map.of("id", msgId, "status", WebhookMessage.Status.PENDING.dbName()), null);
        });
    }

    private void attempts(Context ctx) {
        long id = id(ctx);
        found(ctx);
        int limit = Paging.limit(ctx);
        List<WebhookAttempt> page = endpoints.endpointAttempts(id, Paging.cursor(ctx), limit + 1);
        boolean more = page.size() > limit;
        List<WebhookAttempt> shown = more ? page.subList(0, limit) : page;
        ctx.json(page(
                shown.stream().map(WebhookRoutes::view).toList(),
                more ? Paging.encode(shown.getLast().id()) : null));
    }

    // ---------------------------------------------------------------- health

    /** The {@code webhooks} entry of {@code /health}: down only when the dispatcher itself is broken. */
    static Map<String, Object> health(WebhookDispatcher dispatcher, boolean dbUp) {
        Map<String, Object> m = new LinkedHashMap<>();
        WebhookDispatcher.Health h = dispatcher.health();
        m.put("status", !h.enabled() ? "disabled" : h.broken() ? "down" : !dbUp ? "unknown" : "up");
        m.put("dispatcher_running", h.running());
        m.put("in_flight", h.inFlight());
        if (dbUp) {
            try {
                WebhookDispatcher.Backlog b = dispatcher.backlog();
                m.put("pending", b.pending());
                m.put("dead_lettered", b.deadLettered());
                m.put("oldest_due_age_seconds", b.oldestDueAge().toMillis() / 1000.0);
            } catch (RuntimeException e) {
                // the database entry reports it; a customer's backlog is no reason for a 503
            }
        }
        if (h.lastError() != null) {
            m.put("detail", h.lastError());
        }
        return m;
    }

    // ---------------------------------------------------------------- views and helpers

    static Map<String, Object> view(WebhookEndpoint e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("url", e.url());
        m.put("description", e.description());
        m.put("event_types", e.eventTypes());
        m.put("enabled", e.enabled());
        m.put("disabled_reason", e.disabledReason());
        m.put("disabled_at", e.disabledAt());
        m.put("failing_since", e.failingSince());
        m.put("created_at", e.createdAt());
        m.put("updated_at", e.updatedAt());
        return m;
    }

    static Map<String, Object> view(WebhookMessage msg) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", msg.msgId());
        m.put("endpoint_id", msg.endpointId());
        m.put("event_id", msg.eventId());
        m.put("event_type", msg.eventType());
        m.put("status", msg.status().dbName());
        m.put("attempts", msg.attempts());
        m.put("next_attempt_at", msg.nextAttemptAt());
        m.put("last_status_code", msg.lastStatusCode());
        m.put("last_error", msg.lastError());
        m.put("delivered_at", msg.deliveredAt());
        m.put("created_at", msg.createdAt());
        m.put("updated_at", msg.updatedAt());
        if (msg.payload() != null) {
            try {
                m.put("payload", HttpApi.API_JSON.readTree(msg.payload()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored payload is not JSON", e);
            }
        }
        return m;
    }

    static Map<String, Object> view(WebhookAttempt a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("message_id", a.msgId());
        m.put("attempt", a.attempt());
        m.put("started_at", a.startedAt());
        m.put("succeeded", a.succeeded());
        m.put("status_code", a.statusCode());
        m.put("latency_ms", a.latencyMs());
        m.put("response_excerpt", a.responseExcerpt());
        m.put("error", a.error());
        return m;
    }

    private static Map<String, Object> page(List<?> data, String nextCursor) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        body.put("next_cursor", nextCursor);
        return body;
    }

    private static List<String> eventTypes(JsonNode body, boolean required) {
        JsonNode n = body.get("event_types");
        if (n == null || n.isNull()) {
            if (required) {
                throw ApiProblem.badRequest(
                        "event_types is required: a list such as [\"credential.confirmed\"], "
                                + "[\"credential.*\"] or [\"*\"]",
                        "event_types");
            }
            return null;
        }
        if (!n.isArray()) {
            throw ApiProblem.badRequest("event_types must be an array of strings", "event_types");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode t : n) {
            if (!t.isTextual()) {
                throw ApiProblem.badRequest("event_types must be an array of strings", "event_types");
            }
            out.add(t.asText());
        }
        return out;
    }

    private static <T> T checked(Supplier<T> action) {
        try {
            return action.get();
        } catch (WebhookRequestException e) {
            throw ApiProblem.badRequest(e.getMessage(), e.field());
        }
    }

    private WebhookEndpoint found(Context ctx) {
        long id = id(ctx);
        return endpoints.find(id).orElseThrow(() -> notFound(id));
    }

    private static ApiProblem notFound(long id) {
        return ApiProblem.notFound("no webhook endpoint " + id);
    }

    private static ApiProblem messageNotFound(long id, String msgId) {
        return ApiProblem.notFound("no message " + msgId + " for webhook endpoint " + id);
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("id must be an integer", "id");
        }
    }
}
