package dev.chainsync.ticket;

import dev.chainsync.db.Jdbc;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The ticket tables' SQL that ownership and royalty reconciliation (package {@code ticketsync})
 * needs beyond {@link TicketStore}: the age of open transfers, the priced transfers confirmed in a
 * window with their royalty entries, and the two corrections a royalty review may choose (V55 adds
 * the void columns).
 */
public final class SyncQueries {
    private final Jdbc jdbc;

    public SyncQueries(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Transfers neither confirmed nor failed that were asked for before {@code cutoff}. */
    public long openTransfersOlderThan(Instant cutoff) {
        return jdbc.queryOne(
                        "SELECT count(*) FROM pending_transfers WHERE status IN ('pending', 'submitted') AND created_at < ?",
                        r -> r.getLong(1),
                        cutoff)
                .orElse(0L);
    }

    /**
     * A confirmed transfer with a price and its royalty entry (the {@code entry} fields null when it
     * has none that counts: none written, or voided by a review).
     */
    public record Sale(
            UUID transferId,
            UUID ticketId,
            String mint,
            String fromOwner,
            String newOwner,
            BigDecimal price,
            String signature,
            String entrySignature,
            BigDecimal entryPrice,
            BigDecimal entryAmount) {}

    /** Priced transfers confirmed (last updated) in {@code [from, to]}, in id order. */
    public List<Sale> confirmedSales(Instant from, Instant to) {
        return jdbc.query(
                """
                SELECT p.id, p.ticket_id, t.mint, p.from_owner, p.new_owner, p.price, p.tx_signature,
                       r.signature AS entry_signature, r.sale_price, r.royalty_amount
                  FROM pending_transfers p
                  JOIN tickets t ON t.id = p.ticket_id
                  LEFT JOIN ticket_royalties r ON r.transfer_id = p.id AND r.voided_at IS NULL
                 WHERE p.status = 'confirmed' AND p.price IS NOT NULL AND p.updated_at >= ? AND p.updated_at <= ?
                 ORDER BY p.id""",
                r -> new Sale(
                        r.getObject("id", UUID.class),
                        r.getObject("ticket_id", UUID.class),
                        r.getString("mint"),
                        r.getString("from_owner"),
                        r.getString("new_owner"),
                        r.getBigDecimal("price"),
                        r.getString("tx_signature"),
                        r.getString("entry_signature"),
                        r.getBigDecimal("sale_price"),
                        r.getBigDecimal("royalty_amount")),
                from,
                to);
    }

    /**
     * Writes the royalty entry a confirmed priced transfer lacks, as the confirmation would have
     * (the event's rate on the sale price, exact), in {@code c}; empty when the transfer is not
     * confirmed with {@code signature} or already has an entry (voided ones included).
     */
    public static Optional<BigDecimal> writeMissingRoyalty(Connection c, UUID transferId, String signature, Instant now)
            throws SQLException {
        return Jdbc.query(c, """
                        INSERT INTO ticket_royalties (transfer_id, ticket_id, event_id, signature, slot, sale_price,
                                                      royalty_bps, royalty_amount, created_at)
                        SELECT p.id, p.ticket_id, t.event_id, p.tx_signature, p.confirmed_slot, p.price,
                               e.royalty_bps, p.price * e.royalty_bps / 10000, ?
                          FROM pending_transfers p
                          JOIN tickets t ON t.id = p.ticket_id
                          JOIN ticket_events e ON e.id = t.event_id
                         WHERE p.id = ? AND p.status = 'confirmed' AND p.price IS NOT NULL AND p.tx_signature = ?
                        ON CONFLICT (transfer_id) DO NOTHING
                        RETURNING royalty_amount""", r -> r.getBigDecimal(1), now, transferId, signature).stream()
                .findFirst();
    }

    /** Voids a transfer's royalty entry with why, in {@code c}; false when it has none that counts. */
    public static boolean voidRoyalty(Connection c, UUID transferId, String reason, Instant now) throws SQLException {
        return Jdbc.update(
                        c,
                        "UPDATE ticket_royalties SET voided_at = ?, void_reason = ? WHERE transfer_id = ? AND voided_at IS NULL",
                        now,
                        reason,
                        transferId)
                > 0;
    }
}
