package dev.chainsync.apikey;

import java.time.Instant;
import java.util.Set;

/** A stored API key (never its secret): who it is, what it may do, and its own rate limit if any. */
public record ApiKey(
        long id,
        String name,
        String prefix,
        Set<Scope> scopes,
        Integer rateLimitPerMinute,
        Instant createdAt,
        Instant revokedAt,
        Instant lastUsedAt) {

    /** True when the key holds {@code scope} directly or through {@link Scope#ADMIN}. */
    public boolean allows(Scope scope) {
        return scopes.contains(Scope.ADMIN) || scopes.contains(scope);
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
