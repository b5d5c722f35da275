package dev.chainsync.api;

import dev.chainsync.apikey.ApiKey;
import dev.chainsync.apikey.ApiKeys;
import dev.chainsync.apikey.Scope;
import dev.chainsync.ratelimit.RateLimiter;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Map;

/**
 * Every {@code /v1} request needs {@code Authorization: Bearer <key>} with the scope its route
 * requires. The scope table lives here, in one place, and fails closed: a write route it does not
 * know needs {@code admin}.
 */
final class Auth {
    static final String PRINCIPAL = "chainsync.principal";

    private record Rule(HandlerType method, String pathPrefix, Scope scope) {
        boolean matches(HandlerType m, String path) {
            return (method == null || method == m) && path.startsWith(pathPrefix);
        }
    }

    // First match wins; more specific prefixes first.
    private static final List<Rule> RULES = List.of(
            new Rule(null, "/v1/api-keys", Scope.ADMIN),
            new Rule(null, "/v1/admin/", Scope.ADMIN),
            new Rule(null, "/v1/webhook-endpoints", Scope.WEBHOOKS_MANAGE),
            new Rule(HandlerType.PUT, "/v1/devnet/", Scope.ADMIN),
            new Rule(HandlerType.POST, "/v1/operations/", Scope.ADMIN),
            new Rule(HandlerType.POST, "/v1/reconciliations", Scope.ADMIN),
            new Rule(HandlerType.POST, "/v1/reviews/", Scope.ADMIN),
            new Rule(HandlerType.POST, "/v1/ingest/", Scope.ADMIN),
            new Rule(HandlerType.POST, "/v1/credentials", Scope.CREDENTIALS_WRITE),
            new Rule(HandlerType.POST, "/v1/accounts", Scope.LEDGER_WRITE),
            new Rule(HandlerType.POST, "/v1/transfers", Scope.LEDGER_WRITE),
            // Events and tickets are the platform's own operations: admin until a tickets scope exists.
            new Rule(HandlerType.POST, "/v1/events", Scope.ADMIN),
            new Rule(HandlerType.POST, "/v1/tickets/", Scope.ADMIN),
            new Rule(HandlerType.GET, "/v1/", Scope.READ),
            new Rule(HandlerType.HEAD, "/v1/", Scope.READ));

    private final ApiKeys keys;
    private final RateLimiter limiter;

    Auth(ApiKeys keys, RateLimiter limiter) {
        this.keys = keys;
        this.limiter = limiter;
    }

    /** The scope a request needs. */
    static Scope requiredScope(HandlerType method, String path) {
        for (Rule r : RULES) {
            if (r.matches(method, path)) {
                return r.scope();
            }
        }
        return Scope.ADMIN;
    }

    /** Authenticates and authorises with the route's scope; throws a 401 or 403 problem. */
    void check(Context ctx) {
        check(ctx, requiredScope(ctx.method(), ctx.path()));
    }

    /** For open routes put behind a key by configuration ({@code /metrics}): needs {@code read}. */
    void checkRead(Context ctx) {
        check(ctx, Scope.READ);
    }

    private void check(Context ctx, Scope needed) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiProblem(
                    401, "unauthorized", "Unauthorized", "send an API key as 'Authorization: Bearer <key>'", null);
        }
        ApiKey key = keys.authenticate(header.substring(7).trim()).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            return new ApiProblem(401, "unauthorized", "Unauthorized", "the API key is unknown or revoked", null);
        });
        limit(ctx, key);
        if (!key.allows(needed)) {
            throw new ApiProblem(
                    403,
                    "forbidden",
                    "Forbidden",
                    "this API key lacks the '" + needed.wireName() + "' scope",
                    Map.of("required_scope", needed.wireName()));
        }
        ctx.attribute(PRINCIPAL, key);
    }

    /** Takes a token from the key's bucket and writes the IETF RateLimit headers; 429 when empty. */
    private void limit(Context ctx, ApiKey key) {
        RateLimiter.Decision d = limiter.tryConsume(key.id(), key.rateLimitPerMinute());
        ctx.header("RateLimit-Policy", "\"default\";q=" + d.limit() + ";w=" + RateLimiter.WINDOW.toSeconds());
        ctx.header("RateLimit", "\"default\";r=" + d.remaining() + ";t=" + d.resetSeconds());
        if (!d.allowed()) {
            ctx.header("Retry-After", String.valueOf(d.retryAfterSeconds()));
            throw new ApiProblem(
                    429,
                    "rate-limited",
                    "Too many requests",
                    "this API key's limit of " + d.limit() + " requests per minute is used up; retry after "
                            + d.retryAfterSeconds() + " s",
                    Map.of("retry_after_seconds", d.retryAfterSeconds()));
        }
    }

    /** The authenticated key of this request. */
    static ApiKey principal(Context ctx) {
        ApiKey key = ctx.attribute(PRINCIPAL);
        if (key == null) {
            throw new IllegalStateException("no principal: route is outside /v1 or auth did not run");
        }
        return key;
    }
}
