package dev.chainsync.ticket;

import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.outbox.ManualRelay;
import dev.chainsync.outbox.OperationHandler;
import dev.chainsync.outbox.Outbox;
import dev.chainsync.outbox.Relay;
import dev.chainsync.testing.TestChain;
import dev.chainsync.testing.WritePath;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Tickets on the write path: real PostgreSQL, a test chain, the ticket service and a relay that
 * handles credentials and tickets, driven by hand.
 */
final class TicketFixture implements AutoCloseable {
    final WritePath w;
    final TicketService tickets;
    final Outbox outbox;
    final Relay relay;
    final Ed25519Keypair alice = Ed25519Keypair.generate(new SecureRandom());
    final Ed25519Keypair bob = Ed25519Keypair.generate(new SecureRandom());
    final Ed25519Keypair carol = Ed25519Keypair.generate(new SecureRandom());

    /** The test chains that carry ticket tokens; add a kind here once its adapter does. */
    static Stream<TestChain.Kind> chains() {
        return Stream.of(TestChain.Kind.DEVNET);
    }

    TicketFixture(String name, TestChain.Kind kind) {
        w = new WritePath(name, kind);
        tickets = new TicketService(w.jdbc, w.issuer, w.chain, w.relayConfig.maxAttempts(), w.clock, new Random(11));
        outbox = new Outbox(w.jdbc, handlers(), w.relayConfig.maxAttempts(), w.clock);
        relay = relay("relay-a");
    }

    Map<String, OperationHandler> handlers() {
        Map<String, OperationHandler> all = new HashMap<>(w.credentials.handlers());
        all.putAll(tickets.handlers());
        return all;
    }

    Relay relay(String id) {
        return w.relay(id, w.chain, tickets.handlers());
    }

    TicketEvent event(int capacity, int royaltyBps) {
        return tickets.createEvent(new TicketService.NewEvent(
                "Concert",
                "Arena",
                Instant.parse("2027-01-01T20:00:00Z"),
                capacity,
                new BigDecimal("50.00"),
                royaltyBps));
    }

    Ticket mint(UUID eventId, String owner, String seat) {
        return w.jdbc.inTransaction(tx -> tickets.mint(tx, eventId, owner, seat))
                .ticket();
    }

    PendingTransfer transfer(UUID ticketId, String to, BigDecimal price) {
        return w.jdbc.inTransaction(tx -> tickets.transfer(tx, ticketId, to, price));
    }

    Ticket burn(UUID ticketId) {
        return w.jdbc.inTransaction(tx -> tickets.burn(tx, ticketId)).ticket();
    }

    /** Submit, two slots, confirm. */
    void pass() {
        ManualRelay.submitPass(relay);
        w.advanceSlots(2);
        ManualRelay.confirmPass(relay);
    }

    void settle() {
        w.settle(relay, 10);
    }

    Ticket ticket(UUID id) {
        return tickets.ticket(id).orElseThrow();
    }

    /** A minted, confirmed ticket of a fresh event held by alice. */
    Ticket minted() {
        TicketEvent e = event(10, 500);
        Ticket t = mint(e.id(), alice.address(), "A1");
        settle();
        return ticket(t.id());
    }

    long webhooks(String type) {
        return w.count("SELECT count(*) FROM webhook_events WHERE type = ?", type);
    }

    long rows(String table) {
        return w.count("SELECT count(*) FROM " + table);
    }

    @Override
    public void close() {
        w.close();
    }
}
