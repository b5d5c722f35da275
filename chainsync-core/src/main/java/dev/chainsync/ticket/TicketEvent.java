package dev.chainsync.ticket;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * An event tickets are sold for; organizer-managed, the database is its source of truth. {@code
 * price} is exact, {@code royaltyBps} the share of a resale price owed to the organizer (basis
 * points), {@code ticketsIssued} the places taken (failed mints give theirs back).
 */
public record TicketEvent(
        UUID id,
        String name,
        String venue,
        Instant startsAt,
        int capacity,
        BigDecimal price,
        int royaltyBps,
        int ticketsIssued,
        Instant createdAt,
        Instant updatedAt) {
    /** Whether every place is taken. */
    public boolean soldOut() {
        return ticketsIssued >= capacity;
    }
}
