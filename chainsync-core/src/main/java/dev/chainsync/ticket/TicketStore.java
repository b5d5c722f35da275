package dev.chainsync.ticket;

import static dev.chainsync.db.Jdbc.instant;
import static dev.chainsync.db.Jdbc.nullableLong;

import dev.chainsync.db.Jdbc;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * All SQL on the ticket tables ({@code ticket_events}, {@code tickets}, {@code pending_transfers},
 * {@code ticket_ownership_history}, {@code ticket_royalties}). Reads are public for ownership sync
 * and the API; the owner is written only by {@link #applyOwner}, from confirmed chain state.
 */
public final class TicketStore {
    static final String EVENT_COLUMNS =
            "id, name, venue, starts_at, capacity, price, royalty_bps, tickets_issued, created_at, updated_at";
    static final String TICKET_COLUMNS = "id, seq, event_id, seat, mint, status, owner, chain_owner, chain_slot, "
            + "last_synced_at, pending_action, created_at, updated_at";
    static final String TRANSFER_COLUMNS = "id, ticket_id, operation_id, from_owner, new_owner, price, status, "
            + "tx_signature, last_valid_height, expires_at, failures, last_error, confirmed_slot, created_at, updated_at";
    static final String HISTORY_COLUMNS =
            "id, ticket_id, previous_owner, new_owner, signature, slot, source, recorded_at";
    static final String ROYALTY_COLUMNS = "id, transfer_id, ticket_id, event_id, signature, slot, sale_price, "
            + "royalty_bps, royalty_amount, created_at";

    private final Jdbc jdbc;

    public TicketStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    // ---------------------------------------------------------------- reads

    public Optional<TicketEvent> event(UUID id) {
        return jdbc.queryOne("SELECT " + EVENT_COLUMNS + " FROM ticket_events WHERE id = ?", TicketStore::event, id);
    }

    public Optional<Ticket> ticket(UUID id) {
        return jdbc.queryOne("SELECT " + TICKET_COLUMNS + " FROM tickets WHERE id = ?", TicketStore::ticket, id);
    }

    /** The ticket whose NFT is {@code mint}. */
    public Optional<Ticket> ticketByMint(String mint) {
        return jdbc.queryOne("SELECT " + TICKET_COLUMNS + " FROM tickets WHERE mint = ?", TicketStore::ticket, mint);
    }

    /**
     * A keyset page of tickets in creation order after {@code afterSeq} (null: from the start),
     * optionally of one owner (per the database) and/or one event.
     */
    public List<Ticket> tickets(String owner, UUID eventId, Long afterSeq, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + TICKET_COLUMNS + " FROM tickets WHERE true");
        List<Object> params = new ArrayList<>();
        if (owner != null) {
            sql.append(" AND owner = ?");
            params.add(owner);
        }
        if (eventId != null) {
            sql.append(" AND event_id = ?");
            params.add(eventId);
        }
        if (afterSeq != null) {
            sql.append(" AND seq > ?");
            params.add(afterSeq);
        }
        sql.append(" ORDER BY seq LIMIT ?");
        params.add(limit);
        return jdbc.query(sql.toString(), TicketStore::ticket, params.toArray());
    }

    /**
     * A keyset page of tickets whose token exists on chain or may (active, or with a mint or burn in
     * flight), in creation order after {@code afterSeq}: what a full ownership sync walks.
     */
    public List<Ticket> onChainTickets(Long afterSeq, int limit) {
        return jdbc.query(
                "SELECT " + TICKET_COLUMNS + " FROM tickets WHERE status IN ('active', 'minting') AND seq > ?"
                        + " ORDER BY seq LIMIT ?",
                TicketStore::ticket,
                afterSeq == null ? 0L : afterSeq,
                limit);
    }

    /** A ticket's transfers, newest first. */
    public List<PendingTransfer> transfers(UUID ticketId) {
        return jdbc.query(
                "SELECT " + TRANSFER_COLUMNS + " FROM pending_transfers WHERE ticket_id = ? ORDER BY created_at DESC",
                TicketStore::transfer,
                ticketId);
    }

    public Optional<PendingTransfer> transfer(UUID id) {
        return jdbc.queryOne(
                "SELECT " + TRANSFER_COLUMNS + " FROM pending_transfers WHERE id = ?", TicketStore::transfer, id);
    }

    /** A ticket's ownership audit trail, oldest first. */
    public List<OwnershipChange> history(UUID ticketId) {
        return jdbc.query(
                "SELECT " + HISTORY_COLUMNS + " FROM ticket_ownership_history WHERE ticket_id = ? ORDER BY id",
                TicketStore::change,
                ticketId);
    }

    /** The royalty entries of one event's confirmed resales, oldest first (not those a review voided, V55). */
    public List<RoyaltyEntry> royalties(UUID eventId) {
        return jdbc.query(
                "SELECT " + ROYALTY_COLUMNS + " FROM ticket_royalties WHERE event_id = ? AND voided_at IS NULL"
                        + " ORDER BY id",
                TicketStore::royalty,
                eventId);
    }

    /** The royalty entry of one transfer, if it was confirmed with a price (and no review voided it, V55). */
    public Optional<RoyaltyEntry> royaltyOf(UUID transferId) {
        return jdbc.queryOne(
                "SELECT " + ROYALTY_COLUMNS + " FROM ticket_royalties WHERE transfer_id = ? AND voided_at IS NULL",
                TicketStore::royalty,
                transferId);
    }

    // ---------------------------------------------------------------- writes (in the caller's transaction)

    static Optional<TicketEvent> lockEvent(Connection c, UUID id) throws SQLException {
        List<TicketEvent> rows = Jdbc.query(
                c, "SELECT " + EVENT_COLUMNS + " FROM ticket_events WHERE id = ? FOR UPDATE", TicketStore::event, id);
        return rows.stream().findFirst();
    }

    /** The ticket row, locked for the rest of {@code c}. */
    public static Optional<Ticket> lockTicket(Connection c, UUID id) throws SQLException {
        List<Ticket> rows = Jdbc.query(
                c, "SELECT " + TICKET_COLUMNS + " FROM tickets WHERE id = ? FOR UPDATE", TicketStore::ticket, id);
        return rows.stream().findFirst();
    }

    /**
     * Sets a ticket's owner from confirmed chain state and records the change in its audit trail, in
     * {@code c}. Idempotent per chain transaction: a {@code signature} already recorded for the ticket
     * changes nothing and returns false (the handler and ownership sync may both see one transfer).
     * {@code newOwner} null means burned. Updates the chain view ({@code chain_owner}, {@code
     * chain_slot}, {@code last_synced_at}) too, never moving {@code chain_slot} backwards.
     */
    public static boolean applyOwner(
            Connection c,
            UUID ticketId,
            String newOwner,
            String signature,
            Long slot,
            OwnershipSource source,
            Instant now)
            throws SQLException {
        Ticket t = lockTicket(c, ticketId).orElseThrow(() -> new IllegalStateException("no ticket " + ticketId));
        if (signature != null
                && !Jdbc.query(
                                c,
                                "SELECT 1 FROM ticket_ownership_history WHERE ticket_id = ? AND signature = ?",
                                r -> 1,
                                ticketId,
                                signature)
                        .isEmpty()) {
            return false;
        }
        Jdbc.update(
                c,
                "INSERT INTO ticket_ownership_history (ticket_id, previous_owner, new_owner, signature, slot, source,"
                        + " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                ticketId,
                t.owner(),
                newOwner,
                signature,
                slot,
                source.dbName(),
                now);
        boolean burn = source == OwnershipSource.BURN;
        Jdbc.update(c, """
                UPDATE tickets
                   SET owner = CASE WHEN ? THEN owner ELSE ? END,
                       status = CASE WHEN ? THEN 'burned' WHEN status = 'minting' THEN 'active' ELSE status END,
                       chain_owner = CASE WHEN ? THEN chain_owner ELSE ? END,
                       chain_slot = GREATEST(COALESCE(chain_slot, 0), COALESCE(?, 0)),
                       last_synced_at = ?, updated_at = ?
                 WHERE id = ?""", burn, newOwner, burn, burn, newOwner, slot, now, now, ticketId);
        return true;
    }

    /**
     * Records what the chain showed for a ticket (owner, slot) without changing the database owner:
     * the sync's "seen, agrees" (or "seen, differs" before it corrects), in {@code c}.
     */
    public static void recordChainView(Connection c, UUID ticketId, String chainOwner, long slot, Instant now)
            throws SQLException {
        Jdbc.update(
                c,
                "UPDATE tickets SET chain_owner = ?, chain_slot = GREATEST(COALESCE(chain_slot, 0), ?),"
                        + " last_synced_at = ?, updated_at = ? WHERE id = ?",
                chainOwner,
                slot,
                now,
                now,
                ticketId);
    }

    static void setPendingAction(Connection c, UUID ticketId, String action, Instant now) throws SQLException {
        Jdbc.update(c, "UPDATE tickets SET pending_action = ?, updated_at = ? WHERE id = ?", action, now, ticketId);
    }

    // ---------------------------------------------------------------- mapping

    static TicketEvent event(ResultSet r) throws SQLException {
        return new TicketEvent(
                r.getObject("id", UUID.class),
                r.getString("name"),
                r.getString("venue"),
                instant(r, "starts_at"),
                r.getInt("capacity"),
                r.getBigDecimal("price"),
                r.getInt("royalty_bps"),
                r.getInt("tickets_issued"),
                instant(r, "created_at"),
                instant(r, "updated_at"));
    }

    static Ticket ticket(ResultSet r) throws SQLException {
        return new Ticket(
                r.getObject("id", UUID.class),
                r.getLong("seq"),
                r.getObject("event_id", UUID.class),
                r.getString("seat"),
                r.getString("mint"),
                TicketStatus.fromDb(r.getString("status")),
                r.getString("owner"),
                r.getString("chain_owner"),
                nullableLong(r, "chain_slot"),
                instant(r, "last_synced_at"),
                r.getString("pending_action"),
                instant(r, "created_at"),
                instant(r, "updated_at"));
    }

    static PendingTransfer transfer(ResultSet r) throws SQLException {
        BigDecimal price = r.getBigDecimal("price");
        return new PendingTransfer(
                r.getObject("id", UUID.class),
                r.getObject("ticket_id", UUID.class),
                r.getLong("operation_id"),
                r.getString("from_owner"),
                r.getString("new_owner"),
                price,
                r.getString("status"),
                r.getString("tx_signature"),
                nullableLong(r, "last_valid_height"),
                instant(r, "expires_at"),
                r.getInt("failures"),
                r.getString("last_error"),
                nullableLong(r, "confirmed_slot"),
                instant(r, "created_at"),
                instant(r, "updated_at"));
    }

    static OwnershipChange change(ResultSet r) throws SQLException {
        return new OwnershipChange(
                r.getLong("id"),
                r.getObject("ticket_id", UUID.class),
                r.getString("previous_owner"),
                r.getString("new_owner"),
                r.getString("signature"),
                nullableLong(r, "slot"),
                OwnershipSource.fromDb(r.getString("source")),
                instant(r, "recorded_at"));
    }

    static RoyaltyEntry royalty(ResultSet r) throws SQLException {
        return new RoyaltyEntry(
                r.getLong("id"),
                r.getObject("transfer_id", UUID.class),
                r.getObject("ticket_id", UUID.class),
                r.getObject("event_id", UUID.class),
                r.getString("signature"),
                r.getLong("slot"),
                r.getBigDecimal("sale_price"),
                r.getInt("royalty_bps"),
                r.getBigDecimal("royalty_amount"),
                instant(r, "created_at"));
    }
}
