package dev.chainsync.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.apikey.ApiKey;
import dev.chainsync.apikey.ApiKeys;
import dev.chainsync.apikey.Scope;
import dev.chainsync.ratelimit.RateLimiter;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Admin management of API keys: create (the secret is shown once), list, revoke. */
final class ApiKeyRoutes {
    /** The scopes as clients write them, for error messages. */
    private static final String VALID_SCOPES = String.join(
            ", ", java.util.Arrays.stream(Scope.values()).map(Scope::wireName).toList());

    private final ApiKeys keys;
    private final RateLimiter limiter;
    private final Idempotent idempotent;

    ApiKeyRoutes(ApiKeys keys, RateLimiter limiter, Idempotent idempotent) {
        this.keys = keys;
        this.limiter = limiter;
        this.idempotent = idempotent;
    }

    void register(Javalin javalin) {
        javalin.post("/v1/api-keys", this::create);
        javalin.get(
                "/v1/api-keys",
                ctx -> ctx.json(Map.of(
                        "data", keys.list().stream().map(k -> view(k, limiter)).toList())));
        javalin.get(
                "/v1/api-keys/{id}",
                ctx -> ctx.json(view(
                        keys.find(id(ctx)).orElseThrow(() -> ApiProblem.notFound("no API key " + ctx.pathParam("id"))),
                        limiter)));
        javalin.delete("/v1/api-keys/{id}", this::revoke);
    }

    /** The response carries the new key, so its Idempotency-Key copy is stored encrypted. */
    private void create(Context ctx) {
        JsonNode body = Bodies.json(ctx);
        String name = Bodies.name(body, "name", ApiKeys.MAX_NAME_CHARS);
        JsonNode scopesNode = body.get("scopes");
        if (scopesNode == null || !scopesNode.isArray() || scopesNode.isEmpty()) {
            throw ApiProblem.badRequest("scopes must be a non-empty array of " + VALID_SCOPES, "scopes");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (JsonNode s : scopesNode) {
            if (!s.isTextual()) {
                throw ApiProblem.badRequest("scopes must be strings, each one of " + VALID_SCOPES, "scopes");
            }
            String scope = Bodies.checkText("scopes", s.asText());
            scopes.add(Scope.parse(scope)
                    .orElseThrow(() -> ApiProblem.badRequest(
                            "unknown scope '" + scope + "'; valid scopes are " + VALID_SCOPES, "scopes")));
        }
        JsonNode limitNode = body.get("rate_limit_per_minute");
        Integer limit = null;
        if (limitNode != null && !limitNode.isNull()) {
            if (!limitNode.canConvertToInt() || !limitNode.isIntegralNumber()) {
                throw ApiProblem.badRequest("rate_limit_per_minute must be an integer", "rate_limit_per_minute");
            }
            limit = limitNode.intValue();
        }
        Integer rateLimit = limit;
        idempotent.respondSealed(ctx, Idempotent.fingerprint(ctx, body), tx -> {
            ApiKeys.Created created;
            try {
                created = keys.create(tx, name, scopes, rateLimit);
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badRequest(e.getMessage(), null);
            }
            Map<String, Object> v = view(created.key(), limiter);
            v.put("key", created.secret());
            return Idempotent.json(201, v, "/v1/api-keys/" + created.key().id());
        });
    }

    private void revoke(Context ctx) {
        long id = id(ctx);
        if (!keys.revoke(id)) {
            throw ApiProblem.notFound("no active API key " + id);
        }
        limiter.evict(id);
        ctx.json(view(keys.find(id).orElseThrow(), limiter));
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("id must be an integer", "id");
        }
    }

    static Map<String, Object> view(ApiKey k, RateLimiter limiter) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.id());
        m.put("name", k.name());
        m.put("prefix", k.prefix());
        m.put("scopes", k.scopes().stream().map(Scope::wireName).sorted().toList());
        m.put("rate_limit_per_minute", limiter.limitFor(k.rateLimitPerMinute()));
        m.put("created_at", k.createdAt());
        m.put("revoked_at", k.revokedAt());
        m.put("last_used_at", k.lastUsedAt());
        return m;
    }
}
