package dev.chainsync.ticket;

import java.time.Instant;
import java.util.UUID;

/** One row of a ticket's ownership audit trail: who held it before and after, and the chain transaction. */
public record OwnershipChange(
        long id,
        UUID ticketId,
        String previousOwner,
        String newOwner,
        String signature,
        Long slot,
        OwnershipSource source,
        Instant recordedAt) {}
