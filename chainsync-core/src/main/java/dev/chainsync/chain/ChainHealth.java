package dev.chainsync.chain;

import java.util.List;

/** Result of a chain liveness probe, with one entry per RPC endpoint when the chain has several. */
public record ChainHealth(boolean up, long blockHeight, String detail, List<Endpoint> endpoints) {
    public ChainHealth {
        endpoints = List.copyOf(endpoints);
    }

    /** A chain reached through one endpoint (the devnet, say). */
    public ChainHealth(boolean up, long blockHeight, String detail) {
        this(up, blockHeight, detail, List.of());
    }

    /**
     * One RPC endpoint: {@code status} is {@code up}, {@code down} (breaker open) or {@code lagging};
     * {@code height} and {@code lagBlocks} are -1 until seen; {@code lastError} is null after a success.
     */
    public record Endpoint(String name, String status, long height, long lagBlocks, String breaker, String lastError) {}
}
