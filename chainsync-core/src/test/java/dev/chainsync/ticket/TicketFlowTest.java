package dev.chainsync.ticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.SignedTransaction;
import dev.chainsync.chain.TokenOwnership;
import dev.chainsync.chain.TokenTransfer;
import dev.chainsync.outbox.ManualRelay;
import dev.chainsync.outbox.Operation;
import dev.chainsync.outbox.OperationStatus;
import dev.chainsync.outbox.Relay;
import dev.chainsync.testing.ForwardingChainClient;
import dev.chainsync.testing.TestChain;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Mint, transfer and burn through the outbox on real PostgreSQL and a chain with ticket tokens. */
class TicketFlowTest {
    private TicketFixture f;

    @AfterEach
    void tearDown() {
        if (f != null) {
            f.close();
        }
    }

    private TokenOwnership onChain(Ticket t) {
        return f.w.chain.tokenOwner(t.mint()).orElseThrow();
    }

    @ParameterizedTest
    @MethodSource("dev.chainsync.ticket.TicketFixture#chains")
    void mintTransferAndBurnChangeTheOwnerOnlyOnConfirmationWithHistoryRoyaltyAndWebhooks(TestChain.Kind kind) {
        f = new TicketFixture("tickets-flow", kind);
        TicketEvent event = f.event(2, 750);
        Ticket requested = f.mint(event.id(), f.alice.address(), "A1");
        assertThat(requested.status()).isEqualTo(TicketStatus.MINTING);
        assertThat(requested.owner()).as("no owner before the chain confirms").isNull();
        assertThat(f.tickets.event(event.id()).orElseThrow().ticketsIssued()).isEqualTo(1);

        ManualRelay.submitPass(f.relay);
        assertThat(f.ticket(requested.id()).owner()).as("sent is not confirmed").isNull();
        f.w.advanceSlots(2);
        ManualRelay.confirmPass(f.relay);
        Ticket minted = f.ticket(requested.id());
        assertThat(minted.status()).isEqualTo(TicketStatus.ACTIVE);
        assertThat(minted.owner()).isEqualTo(f.alice.address());
        assertThat(minted.chainOwner()).isEqualTo(f.alice.address());
        assertThat(minted.chainSlot()).isNotNull();
        assertThat(minted.pendingAction()).isNull();
        assertThat(onChain(minted).owner()).isEqualTo(f.alice.address());

        PendingTransfer pending = f.transfer(minted.id(), f.bob.address(), new BigDecimal("120.10"));
        assertThat(pending.status()).isEqualTo("pending");
        assertThat(pending.fromOwner()).isEqualTo(f.alice.address());
        ManualRelay.submitPass(f.relay);
        PendingTransfer submitted = f.tickets.store().transfer(pending.id()).orElseThrow();
        assertThat(submitted.status()).isEqualTo("submitted");
        assertThat(submitted.txSignature()).isNotNull();
        assertThat(submitted.lastValidHeight()).isNotNull();
        assertThat(submitted.expiresAt()).isAfter(f.w.clock.instant());
        assertThat(f.ticket(minted.id()).owner()).isEqualTo(f.alice.address());
        f.w.advanceSlots(2);
        ManualRelay.confirmPass(f.relay);

        Ticket moved = f.ticket(minted.id());
        assertThat(moved.owner()).isEqualTo(f.bob.address());
        assertThat(onChain(moved).owner()).isEqualTo(f.bob.address());
        PendingTransfer done = f.tickets.store().transfer(pending.id()).orElseThrow();
        assertThat(done.status()).isEqualTo("confirmed");
        RoyaltyEntry royalty = f.tickets.store().royaltyOf(pending.id()).orElseThrow();
        assertThat(royalty.royaltyAmount()).isEqualByComparingTo("9.0075");
        assertThat(royalty.signature()).isEqualTo(done.txSignature());

        f.burn(minted.id());
        f.pass();
        Ticket burned = f.ticket(minted.id());
        assertThat(burned.status()).isEqualTo(TicketStatus.BURNED);
        assertThat(onChain(burned).burned()).isTrue();

        List<OwnershipChange> history = f.tickets.history(minted.id());
        assertThat(history)
                .extracting(OwnershipChange::source)
                .containsExactly(OwnershipSource.MINT, OwnershipSource.PLATFORM_TRANSFER, OwnershipSource.BURN);
        assertThat(history.get(1).previousOwner()).isEqualTo(f.alice.address());
        assertThat(history.get(1).newOwner()).isEqualTo(f.bob.address());
        assertThat(history.get(1).signature()).isEqualTo(done.txSignature());
        assertThat(history).allSatisfy(h -> assertThat(h.slot()).isNotNull());
        assertThat(f.webhooks("ticket.minted")).isEqualTo(1);
        assertThat(f.webhooks("ticket.transferred")).isEqualTo(1);
        assertThat(f.webhooks("ticket.burned")).isEqualTo(1);
        // Every ticket transaction names its operation in a memo, once.
        for (Operation op :
                f.outbox.forAggregate(TicketService.TRANSFER_KIND, minted.id().toString())) {
            assertThat(f.w.onChain.countMemo(op.memo())).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.chainsync.ticket.TicketFixture#chains")
    void aTransferWhoseTransactionExpiresIsNotAppliedAndIsRetriedByPolicy(TestChain.Kind kind) {
        f = new TicketFixture("tickets-expiry", kind);
        Ticket t = f.minted();
        PendingTransfer pending = f.transfer(t.id(), f.bob.address(), null);
        f.w.onChain.dropRate(1.0);
        ManualRelay.submitPass(f.relay);
        String first = f.tickets.store().transfer(pending.id()).orElseThrow().txSignature();

        // The blockhash runs out with the transaction nowhere on chain.
        f.w.advanceSlots(200);
        f.w.advance(f.w.relayConfig.retryCap());
        ManualRelay.confirmPass(f.relay);
        PendingTransfer expired = f.tickets.store().transfer(pending.id()).orElseThrow();
        assertThat(expired.status()).isEqualTo("pending");
        assertThat(expired.failures()).isEqualTo(1);
        assertThat(expired.lastError()).isNotBlank();
        assertThat(f.ticket(t.id()).owner()).isEqualTo(f.alice.address());
        assertThat(onChain(t).owner()).isEqualTo(f.alice.address());

        f.w.onChain.dropRate(0.0);
        f.settle();
        PendingTransfer done = f.tickets.store().transfer(pending.id()).orElseThrow();
        assertThat(done.status()).isEqualTo("confirmed");
        assertThat(done.txSignature()).isNotEqualTo(first);
        assertThat(f.outbox.attempts(done.operationId())).hasSize(2);
        assertThat(f.ticket(t.id()).owner()).isEqualTo(f.bob.address());
        assertThat(f.tickets.history(t.id())).hasSize(2);
    }

    @ParameterizedTest
    @MethodSource("dev.chainsync.ticket.TicketFixture#chains")
    void aRelayCrashBetweenSendingAndRecordingLeavesExactlyOneTransferOnChain(TestChain.Kind kind) throws Exception {
        f = new TicketFixture("tickets-crash", kind);
        Ticket t = f.minted();
        PendingTransfer pending = f.transfer(t.id(), f.bob.address(), null);
        Freezing frozen = new Freezing(f.w.chain);
        Relay doomed = f.w.relay("relay-doomed", frozen, f.tickets.handlers());
        Thread dying = Thread.ofPlatform().start(() -> ManualRelay.submitPass(doomed));
        assertThat(frozen.submitted.await(10, TimeUnit.SECONDS)).isTrue();

        // The lease runs out and the blockhash too: the survivor must find the transfer by its memo.
        Relay survivor = f.relay("relay-b");
        f.w.advance(f.w.relayConfig.lease().plusSeconds(1));
        f.w.advanceSlots(200);
        f.w.settle(survivor, 10);
        frozen.release.countDown();
        dying.join(10_000);

        PendingTransfer done = f.tickets.store().transfer(pending.id()).orElseThrow();
        assertThat(done.status()).isEqualTo("confirmed");
        assertThat(f.outbox.attempts(done.operationId())).hasSize(1);
        assertThat(f.w.chain.tokenTransfers(t.mint(), null, 10))
                .filteredOn(x -> x.kind() == TokenTransfer.Kind.TRANSFER)
                .hasSize(1);
        assertThat(f.ticket(t.id()).owner()).isEqualTo(f.bob.address());
        assertThat(f.tickets.history(t.id())).hasSize(2);
    }

    @ParameterizedTest
    @MethodSource("dev.chainsync.ticket.TicketFixture#chains")
    void ofTwoConcurrentTransfersOneWinsTheOtherIsRefusedAndChainAndDatabaseAgree(TestChain.Kind kind)
            throws Exception {
        f = new TicketFixture("tickets-race", kind);
        Ticket t = f.minted();
        CyclicBarrier start = new CyclicBarrier(2);
        List<String> targets = List.of(f.bob.address(), f.carol.address());
        List<Future<PendingTransfer>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (String to : targets) {
                results.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return f.transfer(t.id(), to, null);
                }));
            }
        }
        List<PendingTransfer> won = new ArrayList<>();
        List<Throwable> lost = new ArrayList<>();
        for (Future<PendingTransfer> r : results) {
            try {
                won.add(r.get());
            } catch (java.util.concurrent.ExecutionException e) {
                lost.add(e.getCause());
            }
        }
        assertThat(won).hasSize(1);
        assertThat(lost).singleElement().isInstanceOfSatisfying(TicketRequestException.class, e -> {
            assertThat(e.kind()).isEqualTo(TicketRequestException.Kind.CONFLICT);
            assertThat(e.getMessage()).contains("transfer in flight");
        });
        assertThat(f.rows("pending_transfers")).isEqualTo(1);

        f.settle();
        String winner = won.getFirst().newOwner();
        assertThat(f.ticket(t.id()).owner()).isEqualTo(winner);
        assertThat(onChain(t).owner()).isEqualTo(winner);
    }

    @ParameterizedTest
    @MethodSource("dev.chainsync.ticket.TicketFixture#chains")
    void aBurnWhileATransferIsPendingIsRefusedAndWorksOnceTheTransferIsConfirmed(TestChain.Kind kind) {
        f = new TicketFixture("tickets-burn-pending", kind);
        Ticket t = f.minted();
        f.transfer(t.id(), f.bob.address(), null);
        long operations = f.rows("chain_operations");
        assertThatThrownBy(() -> f.burn(t.id()))
                .isInstanceOfSatisfying(
                        TicketRequestException.class,
                        e -> assertThat(e.kind()).isEqualTo(TicketRequestException.Kind.CONFLICT))
                .hasMessageContaining("transfer in flight");
        assertThat(f.rows("chain_operations")).isEqualTo(operations);

        f.settle();
        f.burn(t.id());
        f.settle();
        Ticket burned = f.ticket(t.id());
        assertThat(burned.status()).isEqualTo(TicketStatus.BURNED);
        assertThat(burned.owner()).isEqualTo(f.bob.address());
        assertThat(onChain(t).burned()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("dev.chainsync.ticket.TicketFixture#chains")
    void badRequestsWriteNothing(TestChain.Kind kind) {
        f = new TicketFixture("tickets-bad", kind);
        TicketEvent full = f.event(1, 0);
        Ticket t = f.mint(full.id(), f.alice.address(), "A1");
        f.settle();
        f.burn(t.id());
        f.settle();
        long tickets = f.rows("tickets");
        long operations = f.rows("chain_operations");
        long transfers = f.rows("pending_transfers");

        assertRefused(() -> f.mint(full.id(), "not-a-wallet", "A2"), TicketRequestException.Kind.INVALID);
        assertRefused(() -> f.mint(full.id(), "1111", "A2"), TicketRequestException.Kind.INVALID);
        assertRefused(() -> f.mint(full.id(), f.alice.address(), "A;2"), TicketRequestException.Kind.INVALID);
        assertRefused(() -> f.mint(UUID.randomUUID(), f.alice.address(), "A2"), TicketRequestException.Kind.NOT_FOUND);
        assertRefused(() -> f.mint(full.id(), f.alice.address(), "A2"), TicketRequestException.Kind.CONFLICT);
        assertRefused(() -> f.transfer(t.id(), f.bob.address(), null), TicketRequestException.Kind.CONFLICT);
        assertRefused(() -> f.burn(t.id()), TicketRequestException.Kind.CONFLICT);
        assertRefused(() -> f.transfer(t.id(), "0OIl", null), TicketRequestException.Kind.INVALID);
        assertRefused(
                () -> f.transfer(t.id(), f.bob.address(), new BigDecimal("-1")), TicketRequestException.Kind.INVALID);
        assertRefused(
                () -> f.transfer(UUID.randomUUID(), f.bob.address(), null), TicketRequestException.Kind.NOT_FOUND);

        assertThat(f.rows("tickets")).isEqualTo(tickets);
        assertThat(f.rows("chain_operations")).isEqualTo(operations);
        assertThat(f.rows("pending_transfers")).isEqualTo(transfers);
        assertThat(f.tickets.event(full.id()).orElseThrow().ticketsIssued()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("dev.chainsync.ticket.TicketFixture#chains")
    void aTransferTheChainRefusesBecauseTheOwnerMovedTheTicketFailsWithoutTouchingTheOwner(TestChain.Kind kind) {
        f = new TicketFixture("tickets-direct", kind);
        Ticket t = f.minted();
        // The owner moves the ticket on chain herself; the database does not know yet (ownership sync will).
        f.w.onChain.transferAsOwner(f.alice, t.mint(), f.carol.address());
        f.w.advanceSlots(2);
        PendingTransfer pending = f.transfer(t.id(), f.bob.address(), null);
        for (int i = 0; i < 8; i++) {
            f.settle();
        }

        PendingTransfer failed = f.tickets.store().transfer(pending.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.lastError()).isNotBlank();
        Ticket after = f.ticket(t.id());
        assertThat(after.owner())
                .as("only confirmed chain state moves the owner")
                .isEqualTo(f.alice.address());
        assertThat(after.pendingAction()).isNull();
        assertThat(onChain(t).owner()).isEqualTo(f.carol.address());
        assertThat(f.outbox.find(failed.operationId()).orElseThrow().status()).isEqualTo(OperationStatus.DEAD_LETTERED);
    }

    @ParameterizedTest
    @MethodSource("dev.chainsync.ticket.TicketFixture#chains")
    void aMintOutOfAttemptsFailsTheTicketAndGivesItsPlaceBack(TestChain.Kind kind) {
        f = new TicketFixture("tickets-mint-failed", kind);
        TicketEvent event = f.event(1, 0);
        Ticket t = f.mint(event.id(), f.alice.address(), "A1");
        f.w.onChain.failRate(1.0);
        for (int i = 0; i < 8; i++) {
            f.settle();
        }
        assertThat(f.ticket(t.id()).status()).isEqualTo(TicketStatus.MINT_FAILED);
        assertThat(f.tickets.event(event.id()).orElseThrow().ticketsIssued()).isZero();
        assertThat(f.w.chain.tokenOwner(t.mint())).isEmpty();

        f.w.onChain.failRate(0.0);
        Ticket again = f.mint(event.id(), f.bob.address(), "A1");
        f.settle();
        assertThat(f.ticket(again.id()).owner()).isEqualTo(f.bob.address());
    }

    private static void assertRefused(Runnable call, TicketRequestException.Kind kind) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        TicketRequestException.class, e -> assertThat(e.kind()).isEqualTo(kind));
    }

    /** Sends, then "dies" before the relay records anything: holds the submitting thread until released. */
    static final class Freezing extends ForwardingChainClient {
        final CountDownLatch submitted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        Freezing(ChainClient delegate) {
            super(delegate);
        }

        @Override
        public String submit(SignedTransaction tx) {
            String sig = delegate.submit(tx);
            submitted.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return sig;
        }
    }
}
