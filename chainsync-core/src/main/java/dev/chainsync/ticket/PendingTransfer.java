package dev.chainsync.ticket;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * A requested transfer (seed 001's {@code pending_transfers}): the ticket changes owner only once
 * its transaction is confirmed. {@code txSignature}, {@code lastValidHeight} and {@code expiresAt}
 * describe the latest transaction sent for it; an expired one is replaced by the relay's retry
 * policy and never applied. Status {@code pending}, {@code submitted}, {@code confirmed} or {@code failed}.
 */
public record PendingTransfer(
        UUID id,
        UUID ticketId,
        long operationId,
        String fromOwner,
        String newOwner,
        BigDecimal price,
        String status,
        String txSignature,
        Long lastValidHeight,
        Instant expiresAt,
        int failures,
        String lastError,
        Long confirmedSlot,
        Instant createdAt,
        Instant updatedAt) {
    /** Whether it may still change the owner. */
    public boolean open() {
        return status.equals("pending") || status.equals("submitted");
    }
}
