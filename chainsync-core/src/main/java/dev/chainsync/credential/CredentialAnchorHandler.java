package dev.chainsync.credential;

import dev.chainsync.chain.Commitment;
import dev.chainsync.json.Json;
import dev.chainsync.outbox.Operation;
import dev.chainsync.outbox.OperationHandler;
import dev.chainsync.webhook.WebhookOutbox;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Keeps a credential and its history in step with its anchoring operation, inside the outbox's transaction. */
final class CredentialAnchorHandler implements OperationHandler {
    private static final List<String> NOT_YET_ON_CHAIN = List.of("pending", "submitted", "failed", "dead_lettered");

    private final Commitment commitment;

    CredentialAnchorHandler(Commitment commitment) {
        this.commitment = commitment;
    }

    @Override
    public void onSubmitted(Connection tx, List<Submitted> batch, Instant now) throws SQLException {
        List<Submitted> first = batch.stream().filter(s -> !s.resubmission()).toList();
        List<Submitted> again = batch.stream().filter(Submitted::resubmission).toList();
        CredentialStore.setStatus(
                tx,
                hashes(batch.stream().map(Submitted::op).toList()),
                CredentialStatus.SUBMITTED,
                NOT_YET_ON_CHAIN,
                now);
        CredentialStore.events(
                tx,
                hashes(first.stream().map(Submitted::op).toList()),
                "submitted",
                first.stream()
                        .map(s -> Json.object("operation_id", s.op().id(), "signature", s.signature()))
                        .toList(),
                now);
        CredentialStore.events(
                tx,
                hashes(again.stream().map(Submitted::op).toList()),
                "resubmitted",
                again.stream()
                        .map(s -> Json.object(
                                "operation_id",
                                s.op().id(),
                                "signature",
                                s.signature(),
                                "after_failures",
                                s.op().attemptCount()))
                        .toList(),
                now);
    }

    @Override
    public void onConfirmed(Connection tx, List<Confirmed> batch, Instant now) throws SQLException {
        CredentialStatus status =
                commitment == Commitment.FINALIZED ? CredentialStatus.FINALIZED : CredentialStatus.CONFIRMED;
        List<String> hashes = hashes(batch.stream().map(Confirmed::op).toList());
        CredentialStore.markOnChain(
                tx,
                hashes,
                batch.stream().map(b -> b.status().signature()).toList(),
                batch.stream().map(b -> b.status().slot()).toList(),
                status,
                now);
        CredentialStore.events(
                tx,
                hashes,
                status.dbName(),
                batch.stream()
                        .map(b -> Json.object(
                                "operation_id",
                                b.op().id(),
                                "signature",
                                b.status().signature(),
                                "slot",
                                b.status().slot(),
                                "commitment",
                                b.status().commitment().wireName()))
                        .toList(),
                now);
        WebhookOutbox.emitAll(
                tx,
                "credential.confirmed",
                batch.stream()
                        .map(b -> Json.object(
                                "hash",
                                b.op().aggregateId(),
                                "status",
                                status.dbName(),
                                "signature",
                                b.status().signature(),
                                "slot",
                                b.status().slot(),
                                "commitment",
                                b.status().commitment().wireName()))
                        .toList(),
                now);
    }

    @Override
    public void onFailed(Connection tx, List<Failed> batch, Instant now) throws SQLException {
        // The credential stays pending: the failure is recorded and the relay will try again.
        recordFailure(tx, batch, CredentialStatus.PENDING, "failed", now);
    }

    @Override
    public void onDeadLettered(Connection tx, List<Failed> batch, Instant now) throws SQLException {
        recordFailure(tx, batch, CredentialStatus.DEAD_LETTERED, "dead_lettered", now);
        WebhookOutbox.emitAll(
                tx,
                "credential.failed",
                batch.stream()
                        .map(f -> Json.object(
                                "hash",
                                f.op().aggregateId(),
                                "status",
                                CredentialStatus.DEAD_LETTERED.dbName(),
                                "error",
                                f.error()))
                        .toList(),
                now);
        WebhookOutbox.emitAll(
                tx,
                "operation.dead_lettered",
                batch.stream().map(Failed::deadLetteredEvent).toList(),
                now);
    }

    @Override
    public void onRetried(Connection tx, Operation op, Instant now) throws SQLException {
        CredentialStore.setStatus(tx, List.of(op.aggregateId()), CredentialStatus.PENDING, NOT_YET_ON_CHAIN, now);
        CredentialStore.event(
                tx,
                op.aggregateId(),
                "retried",
                Json.object("operation_id", op.id(), "previous_error", op.lastError()),
                now);
    }

    /** Sets the batch's credentials to {@code status}, each with a history event of {@code event}. */
    private static void recordFailure(
            Connection tx, List<Failed> batch, CredentialStatus status, String event, Instant now) throws SQLException {
        List<String> hashes = hashes(batch.stream().map(Failed::op).toList());
        CredentialStore.setStatus(tx, hashes, status, NOT_YET_ON_CHAIN, now);
        CredentialStore.events(
                tx,
                hashes,
                event,
                batch.stream()
                        .map(f ->
                                Json.object("operation_id", f.op().id(), "error", f.error(), "failures", f.failures()))
                        .toList(),
                now);
    }

    private static List<String> hashes(List<Operation> ops) {
        return ops.stream().map(Operation::aggregateId).toList();
    }
}
