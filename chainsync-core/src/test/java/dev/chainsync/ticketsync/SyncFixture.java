package dev.chainsync.ticketsync;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.outbox.Relay;
import dev.chainsync.reconcile.EngineConfig;
import dev.chainsync.reconcile.ReconcileEngine;
import dev.chainsync.reconcile.ReviewQueue;
import dev.chainsync.testing.TestChain;
import dev.chainsync.testing.WritePath;
import dev.chainsync.ticket.PendingTransfer;
import dev.chainsync.ticket.SyncQueries;
import dev.chainsync.ticket.Ticket;
import dev.chainsync.ticket.TicketEvent;
import dev.chainsync.ticket.TicketService;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Tickets with ownership and royalty reconciliation on real PostgreSQL and a test chain with ticket
 * tokens (the devnet or the Solana runtime server): the ticket
 * service, a relay handling its operations, an engine with both ticket data types, the review queue
 * and an ownership listener, driven by hand.
 */
final class SyncFixture implements AutoCloseable {
    final WritePath w;
    final TicketService tickets;
    final Relay relay;
    final ReconcileEngine engine;
    final ReviewQueue reviews;
    final Ed25519Keypair alice = Ed25519Keypair.generate(new SecureRandom());
    final Ed25519Keypair bob = Ed25519Keypair.generate(new SecureRandom());
    final Ed25519Keypair carol = Ed25519Keypair.generate(new SecureRandom());

    /** The test chains that carry ticket tokens (the same as the ticket flow tests'). */
    static Stream<TestChain.Kind> chains() {
        return Stream.of(TestChain.Kind.DEVNET, TestChain.Kind.SOLANA_RUNTIME);
    }

    SyncFixture(String name, TestChain.Kind kind) {
        w = new WritePath(name, kind);
        tickets = new TicketService(w.jdbc, w.issuer, w.chain, w.relayConfig.maxAttempts(), w.clock, new Random(11));
        relay = w.relay("relay-a", w.chain, tickets.handlers());
        engine = new ReconcileEngine(w.jdbc, EngineConfig.defaults(), w.relayConfig.maxAttempts(), w.clock, w.registry)
                .register(new TicketOwnership(tickets.store(), w.chain, w.issuer.address()))
                .register(new Royalties(new SyncQueries(w.jdbc), w.chain));
        reviews = new ReviewQueue(w.jdbc, engine, w.clock);
    }

    /** A listener reading the chain through {@code chain} (a double that fails, say). */
    OwnershipListener listener(ChainClient chain, TicketSyncConfig config) {
        return new OwnershipListener(w.jdbc, tickets.store(), chain, engine, config, w.clock, w.registry);
    }

    TicketEvent event(int royaltyBps) {
        return tickets.createEvent(new TicketService.NewEvent(
                "Concert", "Arena", Instant.parse("2027-01-01T20:00:00Z"), 10, new BigDecimal("50.00"), royaltyBps));
    }

    /** A minted, confirmed ticket held by {@code owner}. */
    Ticket minted(TicketEvent e, String owner, String seat) {
        Ticket t = w.jdbc.inTransaction(tx -> tickets.mint(tx, e.id(), owner, seat))
                .ticket();
        settle();
        return ticket(t.id());
    }

    PendingTransfer transfer(UUID ticketId, String to, BigDecimal price) {
        return w.jdbc.inTransaction(tx -> tickets.transfer(tx, ticketId, to, price));
    }

    /** The owner's wallet moves the token on chain, bypassing the platform; returns the signature. */
    String directTransfer(Ticket t, Ed25519Keypair from, String to) {
        String signature = w.onChain.transferAsOwner(from, t.mint(), to);
        w.advanceSlots(2);
        return signature;
    }

    void settle() {
        w.settle(relay, 10);
    }

    Ticket ticket(UUID id) {
        return tickets.ticket(id).orElseThrow();
    }

    long count(String sql, Object... params) {
        return w.count(sql, params);
    }

    double counter(String name) {
        return w.registry.get(name).counter().count();
    }

    double gauge(String name) {
        return w.registry.get(name).gauge().value();
    }

    @Override
    public void close() {
        engine.close();
        w.close();
    }
}
