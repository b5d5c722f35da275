package dev.chainsync.ticket;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.Commitment;
import dev.chainsync.chain.Signer;
import dev.chainsync.chain.TicketMints;
import dev.chainsync.db.Jdbc;
import dev.chainsync.outbox.NewOperation;
import dev.chainsync.outbox.OperationHandler;
import dev.chainsync.outbox.Outbox;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * NFT tickets: events, and the mint, transfer and burn requests that go on chain through the
 * outbox. A request validates, writes its rows and enqueues its operation in the caller's
 * transaction, or writes nothing. A ticket has at most one chain operation in flight: a second
 * request meanwhile (two concurrent transfers, a burn while a transfer is pending) is refused with a
 * conflict, so the chain and the database never disagree about which one won. The owner is never
 * written here; the {@link #handlers()} write it on confirmation.
 */
public final class TicketService {
    public static final String MINT_KIND = TicketOps.MINT;
    public static final String TRANSFER_KIND = TicketOps.TRANSFER;
    public static final String BURN_KIND = TicketOps.BURN;
    /** Longest event name and venue. */
    public static final int MAX_TEXT = 200;
    /** Seats: letters, digits, space, dot, dash, underscore; 1 to 32 characters. */
    static final Pattern SEAT = Pattern.compile("[A-Za-z0-9._ -]{1,32}");
    /** When the chain cannot say how long a transaction stays valid (Solana: about 60 to 90 s). */
    static final Duration DEFAULT_TRANSACTION_VALIDITY = Duration.ofSeconds(90);

    private final Jdbc jdbc;
    private final Signer platform;
    private final int maxAttempts;
    private final Clock clock;
    private final RandomGenerator random;
    private final TicketStore store;
    private final TicketOperationHandler handler;

    /**
     * @param platform the key the relay signs with: mint authority and permanent delegate of every
     *     ticket, and the root of each mint's derived key
     * @param chain used only to learn how long a transaction stays valid (a transfer's {@code expires_at})
     */
    public TicketService(
            Jdbc jdbc, Signer platform, ChainClient chain, int maxAttempts, Clock clock, RandomGenerator random) {
        this.jdbc = jdbc;
        this.platform = platform;
        this.maxAttempts = maxAttempts;
        this.clock = clock;
        this.random = random;
        this.store = new TicketStore(jdbc);
        this.handler = new TicketOperationHandler(validity(chain));
    }

    private static Duration validity(ChainClient chain) {
        Duration slot = chain.expectedTimeTo(Commitment.PROCESSED);
        return slot.isZero() ? DEFAULT_TRANSACTION_VALIDITY : slot.multipliedBy(chain.blockhashValidityBlocks());
    }

    /** The outbox handlers of the three ticket operation kinds. */
    public Map<String, OperationHandler> handlers() {
        return Map.of(MINT_KIND, handler, TRANSFER_KIND, handler, BURN_KIND, handler);
    }

    /** Reads for the API and ownership sync. */
    public TicketStore store() {
        return store;
    }

    // ---------------------------------------------------------------- events

    /** A new event's fields; {@code price} exact, {@code royaltyBps} 0 to 10000. */
    public record NewEvent(
            String name, String venue, Instant startsAt, int capacity, BigDecimal price, int royaltyBps) {}

    /** Refuses an invalid event before anything is written. */
    public static void validate(NewEvent e) {
        text("name", e.name());
        text("venue", e.venue());
        if (e.startsAt() == null) {
            throw TicketRequestException.invalid("starts_at", "starts_at is required (an ISO-8601 instant)");
        }
        if (e.capacity() < 1 || e.capacity() > 1_000_000) {
            throw TicketRequestException.invalid("capacity", "capacity must be 1 to 1000000");
        }
        if (e.price() == null || e.price().signum() < 0) {
            throw TicketRequestException.invalid("price", "price must be a non-negative decimal");
        }
        if (e.royaltyBps() < 0 || e.royaltyBps() > 10_000) {
            throw TicketRequestException.invalid("royalty_bps", "royalty_bps must be 0 to 10000");
        }
    }

    public TicketEvent createEvent(Connection tx, NewEvent e) throws SQLException {
        validate(e);
        Instant now = clock.instant();
        UUID id = newId();
        Jdbc.update(tx, """
                INSERT INTO ticket_events (id, name, venue, starts_at, capacity, price, royalty_bps, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", id, e.name(), e.venue(), e.startsAt(), e.capacity(), e.price(), e.royaltyBps(), now, now);
        return TicketStore.lockEvent(tx, id).orElseThrow();
    }

    public TicketEvent createEvent(NewEvent e) {
        return jdbc.inTransaction(tx -> createEvent(tx, e));
    }

    public Optional<TicketEvent> event(UUID id) {
        return store.event(id);
    }

    // ---------------------------------------------------------------- mint

    /** A request accepted: the ticket as written and the outbox operation that will put it on chain. */
    public record Accepted(Ticket ticket, long operationId) {}

    /** Refuses an invalid mint request (owner, seat) before anything is read or written. */
    public static void validateMint(String owner, String seat) {
        Wallets.require("owner", owner);
        if (seat == null || !SEAT.matcher(seat).matches()) {
            throw TicketRequestException.invalid(
                    "seat", "seat must be 1 to 32 letters, digits, spaces, dots, dashes or underscores");
        }
    }

    /**
     * Requests a ticket for {@code seat} of event {@code eventId}, minted to {@code owner}: the row
     * (status {@code minting}, no owner yet) with its derived mint address, and the mint operation.
     *
     * @throws TicketRequestException unknown event (not found), sold out or seat taken (conflict), invalid input
     */
    public Accepted mint(Connection tx, UUID eventId, String owner, String seat) throws SQLException {
        validateMint(owner, seat);
        TicketEvent event = TicketStore.lockEvent(tx, eventId)
                .orElseThrow(() -> TicketRequestException.notFound("no event " + eventId));
        if (event.soldOut()) {
            throw TicketRequestException.conflict(
                    "event " + eventId + " is sold out (" + event.capacity() + " tickets)");
        }
        if (!Jdbc.query(
                        tx,
                        "SELECT 1 FROM tickets WHERE event_id = ? AND seat = ? AND status <> 'mint_failed'",
                        r -> 1,
                        eventId,
                        seat)
                .isEmpty()) {
            throw TicketRequestException.conflict("seat " + seat + " of event " + eventId + " is taken");
        }
        Instant now = clock.instant();
        UUID id = newId();
        String mint = TicketMints.address(platform, id.toString());
        Jdbc.update(
                tx,
                "UPDATE ticket_events SET tickets_issued = tickets_issued + 1, updated_at = ? WHERE id = ?",
                now,
                eventId);
        Jdbc.update(tx, """
                INSERT INTO tickets (id, event_id, seat, mint, status, pending_action, created_at, updated_at)
                VALUES (?, ?, ?, ?, 'minting', 'mint', ?, ?)""", id, eventId, seat, mint, now, now);
        var payload = new TicketOps.MintPayload(id, mint, owner, TicketOps.metadata(id, eventId, seat));
        long opId = Outbox.enqueue(
                tx,
                new NewOperation(
                        MINT_KIND,
                        id.toString(),
                        TicketOps.mintMemo(id),
                        MINT_KIND + ":" + id,
                        TicketOps.json(payload)),
                maxAttempts,
                now);
        return new Accepted(TicketStore.lockTicket(tx, id).orElseThrow(), opId);
    }

    // ---------------------------------------------------------------- transfer

    /**
     * Requests a transfer of ticket {@code ticketId} to {@code to}, optionally a sale at {@code
     * price}: a pending transfer row and the transfer operation. The owner changes on confirmation.
     *
     * @throws TicketRequestException unknown ticket, not active (minting, burned), another operation
     *     in flight, {@code to} already the owner, invalid input
     */
    public PendingTransfer transfer(Connection tx, UUID ticketId, String to, BigDecimal price) throws SQLException {
        validateTransfer(to, price);
        Ticket t = activeIdle(tx, ticketId, "transfer");
        if (to.equals(t.owner())) {
            throw TicketRequestException.conflict("ticket " + ticketId + " already belongs to " + to);
        }
        Instant now = clock.instant();
        UUID transferId = newId();
        var payload = new TicketOps.TransferPayload(ticketId, transferId, t.mint(), t.owner(), to, price);
        long opId = Outbox.enqueue(
                tx,
                new NewOperation(
                        TRANSFER_KIND,
                        ticketId.toString(),
                        TicketOps.transferMemo(transferId, price),
                        TRANSFER_KIND + ":" + transferId,
                        TicketOps.json(payload)),
                maxAttempts,
                now);
        Jdbc.update(tx, """
                INSERT INTO pending_transfers (id, ticket_id, operation_id, from_owner, new_owner, price, status,
                                               created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)""", transferId, ticketId, opId, t.owner(), to, price, now, now);
        TicketStore.setPendingAction(tx, ticketId, "transfer", now);
        return Jdbc.query(
                        tx,
                        "SELECT " + TicketStore.TRANSFER_COLUMNS + " FROM pending_transfers WHERE id = ?",
                        TicketStore::transfer,
                        transferId)
                .getFirst();
    }

    /** Refuses an invalid transfer request before anything is read or written. */
    public static void validateTransfer(String to, BigDecimal price) {
        Wallets.require("to", to);
        if (price != null && price.signum() < 0) {
            throw TicketRequestException.invalid("price", "price must be a non-negative decimal");
        }
    }

    // ---------------------------------------------------------------- burn

    /**
     * Requests the burn of ticket {@code ticketId} (check-in or cancellation). Refused while a
     * transfer is pending: the transfer might still land, and burning from the old owner would then
     * fail on chain; the caller burns once the transfer is confirmed or failed.
     */
    public Accepted burn(Connection tx, UUID ticketId) throws SQLException {
        Ticket t = activeIdle(tx, ticketId, "burn");
        Instant now = clock.instant();
        var payload = new TicketOps.BurnPayload(ticketId, t.mint(), t.owner());
        long opId = Outbox.enqueue(
                tx,
                new NewOperation(
                        BURN_KIND,
                        ticketId.toString(),
                        TicketOps.burnMemo(ticketId),
                        BURN_KIND + ":" + ticketId,
                        TicketOps.json(payload)),
                maxAttempts,
                now);
        TicketStore.setPendingAction(tx, ticketId, "burn", now);
        return new Accepted(TicketStore.lockTicket(tx, ticketId).orElseThrow(), opId);
    }

    /** The ticket, locked, if it is active with nothing in flight; otherwise the refusal saying why. */
    private static Ticket activeIdle(Connection tx, UUID ticketId, String action) throws SQLException {
        Ticket t = TicketStore.lockTicket(tx, ticketId)
                .orElseThrow(() -> TicketRequestException.notFound("no ticket " + ticketId));
        switch (t.status()) {
            case BURNED -> throw TicketRequestException.conflict("ticket " + ticketId + " is burned");
            case MINTING -> throw TicketRequestException.conflict("ticket " + ticketId + " is not minted yet");
            case MINT_FAILED -> throw TicketRequestException.conflict("ticket " + ticketId + " failed to mint");
            case ACTIVE -> {}
        }
        if (t.pendingAction() != null) {
            throw TicketRequestException.conflict("ticket " + ticketId + " has a " + t.pendingAction() + " in flight; "
                    + action + " it once that is confirmed or failed");
        }
        return t;
    }

    // ---------------------------------------------------------------- reads

    public Optional<Ticket> ticket(UUID id) {
        return store.ticket(id);
    }

    public List<Ticket> tickets(String owner, UUID eventId, Long afterSeq, int limit) {
        return store.tickets(owner, eventId, afterSeq, limit);
    }

    public List<PendingTransfer> transfers(UUID ticketId) {
        return store.transfers(ticketId);
    }

    public List<OwnershipChange> history(UUID ticketId) {
        return store.history(ticketId);
    }

    private static void text(String field, String value) {
        if (value == null || value.isBlank() || value.length() > MAX_TEXT) {
            throw TicketRequestException.invalid(field, field + " must be 1 to " + MAX_TEXT + " characters");
        }
    }

    /** A random (version 4) UUID from the injected generator. */
    private UUID newId() {
        long high;
        long low;
        synchronized (random) {
            high = random.nextLong();
            low = random.nextLong();
        }
        return new UUID((high & ~0xF000L) | 0x4000L, (low & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
    }
}
