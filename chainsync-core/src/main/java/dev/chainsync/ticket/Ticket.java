package dev.chainsync.ticket;

import java.time.Instant;
import java.util.UUID;

/**
 * One ticket: one NFT ({@code mint}) for a seat of an event. {@code owner} is the owner per the
 * database, written only from confirmed chain state; {@code chainOwner}, {@code chainSlot} and
 * {@code lastSyncedAt} are what the chain showed last and when. {@code pendingAction} names the one
 * chain operation in flight (mint, transfer, burn), null when none.
 */
public record Ticket(
        UUID id,
        long seq,
        UUID eventId,
        String seat,
        String mint,
        TicketStatus status,
        String owner,
        String chainOwner,
        Long chainSlot,
        Instant lastSyncedAt,
        String pendingAction,
        Instant createdAt,
        Instant updatedAt) {}
