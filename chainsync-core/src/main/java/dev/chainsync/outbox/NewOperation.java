package dev.chainsync.outbox;

/**
 * A command to put on chain: {@code memo} is written by the issuer's key; {@code idempotencyKey}
 * makes enqueueing the same business command twice a no-op; {@code payload} (null for memo-only
 * kinds) is what the kind's handler builds its chain instructions from.
 */
public record NewOperation(String kind, String aggregateId, String memo, String idempotencyKey, String payload) {
    /** A memo-only command. */
    public NewOperation(String kind, String aggregateId, String memo, String idempotencyKey) {
        this(kind, aggregateId, memo, idempotencyKey, null);
    }
}
