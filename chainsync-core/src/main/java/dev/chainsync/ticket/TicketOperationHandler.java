package dev.chainsync.ticket;

import dev.chainsync.chain.ChainInstruction;
import dev.chainsync.db.Jdbc;
import dev.chainsync.json.Json;
import dev.chainsync.outbox.Operation;
import dev.chainsync.outbox.OperationHandler;
import dev.chainsync.outbox.Outbox;
import dev.chainsync.outbox.RetryRefusedException;
import dev.chainsync.webhook.WebhookOutbox;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Keeps tickets in step with their mint, transfer and burn operations, inside the outbox's
 * transaction. The owner changes only on confirmation ({@link TicketStore#applyOwner}); a failed or
 * expired transaction changes nothing but the transfer's record, and the relay's policy retries it;
 * an operation out of attempts fails its transfer (or its mint) and frees the ticket.
 */
final class TicketOperationHandler implements OperationHandler {
    private final Duration transactionValidity;

    /** {@code transactionValidity}: how long a sent transaction can land, for a transfer's {@code expires_at}. */
    TicketOperationHandler(Duration transactionValidity) {
        this.transactionValidity = transactionValidity;
    }

    @Override
    public List<ChainInstruction> instructions(Operation op) {
        return TicketOps.instructions(op);
    }

    @Override
    public void onSubmitted(Connection tx, List<Submitted> batch, Instant now) throws SQLException {
        for (Submitted s : batch) {
            if (!s.op().kind().equals(TicketOps.TRANSFER)) {
                continue;
            }
            Long lastValid = Outbox.lastValidHeight(tx, s.signature()).orElse(null);
            Jdbc.update(tx, """
                    UPDATE pending_transfers
                       SET status = 'submitted', tx_signature = ?, last_valid_height = ?, expires_at = ?,
                           updated_at = ?
                     WHERE operation_id = ? AND status IN ('pending', 'submitted')""", s.signature(), lastValid, now.plus(transactionValidity), now, s.op().id());
        }
    }

    @Override
    public void onConfirmed(Connection tx, List<Confirmed> batch, Instant now) throws SQLException {
        for (Confirmed c : batch) {
            String signature = c.status().signature();
            long slot = c.status().slot();
            switch (c.op().kind()) {
                case TicketOps.MINT -> confirmMint(tx, TicketOps.mint(c.op()), signature, slot, now);
                case TicketOps.TRANSFER -> confirmTransfer(tx, TicketOps.transfer(c.op()), signature, slot, now);
                case TicketOps.BURN -> confirmBurn(tx, TicketOps.burn(c.op()), signature, slot, now);
                default -> throw new IllegalStateException("not a ticket operation: " + c.op().kind());
            }
        }
    }

    private static void confirmMint(Connection tx, TicketOps.MintPayload p, String signature, long slot, Instant now)
            throws SQLException {
        TicketStore.applyOwner(tx, p.ticketId(), p.owner(), signature, slot, OwnershipSource.MINT, now);
        TicketStore.setPendingAction(tx, p.ticketId(), null, now);
        Ticket t = TicketStore.lockTicket(tx, p.ticketId()).orElseThrow();
        WebhookOutbox.emit(
                tx,
                "ticket.minted",
                Json.object(
                        "ticket_id", p.ticketId().toString(),
                        "event_id", t.eventId().toString(),
                        "seat", t.seat(),
                        "mint", p.mint(),
                        "owner", p.owner(),
                        "signature", signature,
                        "slot", slot),
                now);
    }

    private static void confirmTransfer(
            Connection tx, TicketOps.TransferPayload p, String signature, long slot, Instant now) throws SQLException {
        TicketStore.applyOwner(tx, p.ticketId(), p.to(), signature, slot, OwnershipSource.PLATFORM_TRANSFER, now);
        TicketStore.setPendingAction(tx, p.ticketId(), null, now);
        Jdbc.update(tx, """
                UPDATE pending_transfers SET status = 'confirmed', tx_signature = ?, confirmed_slot = ?, updated_at = ?
                 WHERE id = ?""", signature, slot, now, p.transferId());
        if (p.price() != null) {
            // Royalties derive from confirmed transfers only (seed 001 section 1.1), at the event's rate, exact.
            int bps = Jdbc.query(
                            tx,
                            "SELECT e.royalty_bps FROM tickets t JOIN ticket_events e ON e.id = t.event_id WHERE t.id = ?",
                            r -> r.getInt(1),
                            p.ticketId())
                    .getFirst();
            Jdbc.update(
                    tx,
                    """
                    INSERT INTO ticket_royalties (transfer_id, ticket_id, event_id, signature, slot, sale_price,
                                                  royalty_bps, royalty_amount, created_at)
                    SELECT ?, t.id, t.event_id, ?, ?, ?, ?, ?, ? FROM tickets t WHERE t.id = ?
                    ON CONFLICT (transfer_id) DO NOTHING""",
                    p.transferId(),
                    signature,
                    slot,
                    p.price(),
                    bps,
                    RoyaltyEntry.amount(p.price(), bps),
                    now,
                    p.ticketId());
        }
        WebhookOutbox.emit(
                tx,
                "ticket.transferred",
                Json.object(
                        "ticket_id", p.ticketId().toString(),
                        "transfer_id", p.transferId().toString(),
                        "mint", p.mint(),
                        "from", p.from(),
                        "to", p.to(),
                        "price", p.price() == null ? null : p.price().toPlainString(),
                        "signature", signature,
                        "slot", slot),
                now);
    }

    private static void confirmBurn(Connection tx, TicketOps.BurnPayload p, String signature, long slot, Instant now)
            throws SQLException {
        TicketStore.applyOwner(tx, p.ticketId(), null, signature, slot, OwnershipSource.BURN, now);
        TicketStore.setPendingAction(tx, p.ticketId(), null, now);
        WebhookOutbox.emit(
                tx,
                "ticket.burned",
                Json.object(
                        "ticket_id", p.ticketId().toString(),
                        "mint", p.mint(),
                        "owner", p.owner(),
                        "signature", signature,
                        "slot", slot),
                now);
    }

    @Override
    public void onFailed(Connection tx, List<Failed> batch, Instant now) throws SQLException {
        for (Failed f : batch) {
            if (f.op().kind().equals(TicketOps.TRANSFER)) {
                // Not applied; the relay tries again by its policy, with a fresh transaction once this one is dead.
                Jdbc.update(tx, """
                        UPDATE pending_transfers SET status = 'pending', failures = failures + 1, last_error = ?,
                               updated_at = ?
                         WHERE operation_id = ? AND status IN ('pending', 'submitted')""", f.error(), now, f.op().id());
            }
        }
    }

    @Override
    public void onDeadLettered(Connection tx, List<Failed> batch, Instant now) throws SQLException {
        for (Failed f : batch) {
            UUID ticketId = UUID.fromString(f.op().aggregateId());
            switch (f.op().kind()) {
                case TicketOps.MINT -> {
                    Jdbc.update(
                            tx,
                            "UPDATE tickets SET status = 'mint_failed', pending_action = NULL, updated_at = ?"
                                    + " WHERE id = ? AND status = 'minting'",
                            now,
                            ticketId);
                    // The place goes back on sale.
                    Jdbc.update(
                            tx,
                            "UPDATE ticket_events SET tickets_issued = tickets_issued - 1, updated_at = ?"
                                    + " WHERE id = (SELECT event_id FROM tickets WHERE id = ?)",
                            now,
                            ticketId);
                }
                case TicketOps.TRANSFER -> {
                    Jdbc.update(tx, """
                            UPDATE pending_transfers SET status = 'failed', failures = failures + 1, last_error = ?,
                                   updated_at = ?
                             WHERE operation_id = ? AND status IN ('pending', 'submitted')""", f.error(), now, f.op().id());
                    TicketStore.setPendingAction(tx, ticketId, null, now);
                }
                case TicketOps.BURN -> TicketStore.setPendingAction(tx, ticketId, null, now);
                default -> throw new IllegalStateException("not a ticket operation: " + f.op().kind());
            }
        }
        WebhookOutbox.emitAll(
                tx,
                "operation.dead_lettered",
                batch.stream().map(Failed::deadLetteredEvent).toList(),
                now);
    }

    /**
     * A person moved a dead-lettered ticket operation back to pending: the ticket takes it up again,
     * unless another operation took its place meanwhile (then the retry is refused and rolled back).
     */
    @Override
    public void onRetried(Connection tx, Operation op, Instant now) throws SQLException {
        UUID ticketId = UUID.fromString(op.aggregateId());
        Ticket t = TicketStore.lockTicket(tx, ticketId)
                .orElseThrow(() -> new IllegalStateException("no ticket " + ticketId));
        if (t.pendingAction() != null) {
            throw new RetryRefusedException(
                    "ticket " + ticketId + " has a " + t.pendingAction() + " in flight; retry refused");
        }
        switch (op.kind()) {
            case TicketOps.MINT -> {
                if (t.status() != TicketStatus.MINT_FAILED
                        || !Jdbc.query(
                                        tx,
                                        "SELECT 1 FROM tickets WHERE event_id = ? AND seat = ? AND status <> 'mint_failed'",
                                        r -> 1,
                                        t.eventId(),
                                        t.seat())
                                .isEmpty()) {
                    throw new RetryRefusedException("seat " + t.seat() + " was taken meanwhile; retry refused");
                }
                int taken = Jdbc.update(tx, """
                        UPDATE ticket_events SET tickets_issued = tickets_issued + 1, updated_at = ?
                         WHERE id = ? AND tickets_issued < capacity""", now, t.eventId());
                if (taken == 0) {
                    throw new RetryRefusedException("event " + t.eventId() + " is sold out; retry refused");
                }
                Jdbc.update(
                        tx,
                        "UPDATE tickets SET status = 'minting', pending_action = 'mint', updated_at = ? WHERE id = ?",
                        now,
                        ticketId);
            }
            case TicketOps.TRANSFER -> {
                if (t.status() != TicketStatus.ACTIVE) {
                    throw new RetryRefusedException(
                            "ticket " + ticketId + " is " + t.status().dbName() + "; retry refused");
                }
                Jdbc.update(
                        tx,
                        "UPDATE pending_transfers SET status = 'pending', updated_at = ? WHERE operation_id = ?",
                        now,
                        op.id());
                TicketStore.setPendingAction(tx, ticketId, "transfer", now);
            }
            case TicketOps.BURN -> {
                if (t.status() != TicketStatus.ACTIVE) {
                    throw new RetryRefusedException(
                            "ticket " + ticketId + " is " + t.status().dbName() + "; retry refused");
                }
                TicketStore.setPendingAction(tx, ticketId, "burn", now);
            }
            default -> throw new IllegalStateException("not a ticket operation: " + op.kind());
        }
    }
}
