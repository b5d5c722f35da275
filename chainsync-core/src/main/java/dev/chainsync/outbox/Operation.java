package dev.chainsync.outbox;

import dev.chainsync.queue.Leased;
import java.time.Instant;

/** One row of the chain outbox. */
public record Operation(
        long id,
        String kind,
        String aggregateId,
        String memo,
        String idempotencyKey,
        OperationStatus status,
        int attemptCount,
        int maxAttempts,
        Instant nextAttemptAt,
        String leaseOwner,
        Instant leaseUntil,
        long version,
        String signature,
        String blockhash,
        Long lastValidHeight,
        Instant submittedAt,
        Long confirmedSlot,
        Instant confirmedAt,
        String lastError,
        Instant createdAt,
        Instant updatedAt)
        implements Leased {

    /** The same operation as seen after this relay bumped its version. */
    Operation withVersion(long newVersion) {
        return new Operation(
                id,
                kind,
                aggregateId,
                memo,
                idempotencyKey,
                status,
                attemptCount,
                maxAttempts,
                nextAttemptAt,
                leaseOwner,
                leaseUntil,
                newVersion,
                signature,
                blockhash,
                lastValidHeight,
                submittedAt,
                confirmedSlot,
                confirmedAt,
                lastError,
                createdAt,
                updatedAt);
    }
}
