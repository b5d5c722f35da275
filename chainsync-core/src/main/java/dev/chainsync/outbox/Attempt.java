package dev.chainsync.outbox;

import java.time.Instant;

/** A transaction built for an operation, recorded before it was sent. */
public record Attempt(
        long operationId,
        int attempt,
        String signature,
        String blockhash,
        long lastValidHeight,
        String relay,
        Instant createdAt) {}
