package dev.chainsync.outbox;

import dev.chainsync.chain.ChainInstruction;
import dev.chainsync.chain.SignatureStatus;
import dev.chainsync.json.Json;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * What the owner of an operation's aggregate does when operations of its kind move. Every callback
 * runs inside the outbox's own transaction on {@code tx}, so the aggregate and the operation change
 * together or not at all. Callbacks take batches because the relay moves operations in batches.
 */
public interface OperationHandler {

    /** A transaction carrying the memo was sent; {@code resubmission} when an earlier one did not land. */
    record Submitted(Operation op, String signature, boolean resubmission) {}

    /** The transaction reached the configured commitment. */
    record Confirmed(Operation op, SignatureStatus status) {}

    /** An attempt failed, with why. */
    record Failed(Operation op, String error) {
        /** How many attempts have failed, this one included. */
        public int failures() {
            return op.attemptCount() + 1;
        }

        /** The payload of the {@code operation.dead_lettered} webhook event, the same for every kind. */
        public String deadLetteredEvent() {
            return Json.object(
                    "operation_id",
                    op.id(),
                    "kind",
                    op.kind(),
                    "aggregate_id",
                    op.aggregateId(),
                    "error",
                    error,
                    "failures",
                    failures());
        }
    }

    /**
     * The chain instructions that carry {@code op}, built from its stored fields alone ({@link
     * Operation#memo()}, {@link Operation#payload()}): the relay calls it to build a transaction and
     * again to rebuild identical bytes after a crash, so it must be pure and deterministic. The list
     * must contain {@code new Memo(op.memo())}: the relay proves whether an operation landed by
     * searching the signer's history for that memo. Operations whose list is exactly that memo are
     * packed several per transaction; any other operation travels alone. The default: the memo only.
     *
     * @throws IllegalArgumentException if the payload is malformed (the operation is dead-lettered)
     */
    default List<ChainInstruction> instructions(Operation op) {
        return List.of(new ChainInstruction.Memo(op.memo()));
    }

    void onSubmitted(Connection tx, List<Submitted> batch, Instant now) throws SQLException;

    void onConfirmed(Connection tx, List<Confirmed> batch, Instant now) throws SQLException;

    /** Attempts that failed and will be retried. */
    void onFailed(Connection tx, List<Failed> batch, Instant now) throws SQLException;

    /** Operations out of attempts. */
    void onDeadLettered(Connection tx, List<Failed> batch, Instant now) throws SQLException;

    /** A person moved the operation back to pending. */
    void onRetried(Connection tx, Operation op, Instant now) throws SQLException;
}
