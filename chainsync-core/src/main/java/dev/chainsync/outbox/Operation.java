package dev.chainsync.outbox;

import dev.chainsync.queue.Leased;
import java.time.Instant;

/**
 * One row of the chain outbox. {@code payload} is what an operation kind needs beyond its memo to
 * build its chain instructions (see {@link OperationHandler#instructions}); null for memo-only kinds.
 */
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
        Instant updatedAt,
        String payload)
        implements Leased {

    /** An operation without payload (a memo-only kind). */
    public Operation(
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
            Instant updatedAt) {
        this(
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
                version,
                signature,
                blockhash,
                lastValidHeight,
                submittedAt,
                confirmedSlot,
                confirmedAt,
                lastError,
                createdAt,
                updatedAt,
                null);
    }

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
                updatedAt,
                payload);
    }
}
