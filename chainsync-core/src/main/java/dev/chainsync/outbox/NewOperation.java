package dev.chainsync.outbox;

/**
 * A command to put on chain: {@code memo} is written by the issuer's key; {@code idempotencyKey}
 * makes enqueueing the same business command twice a no-op.
 */
public record NewOperation(String kind, String aggregateId, String memo, String idempotencyKey) {}
