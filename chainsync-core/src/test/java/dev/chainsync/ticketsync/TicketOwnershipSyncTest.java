package dev.chainsync.ticketsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.ChainException;
import dev.chainsync.chain.TokenOwnership;
import dev.chainsync.reconcile.EngineConfig;
import dev.chainsync.reconcile.ReconcileEngine;
import dev.chainsync.testing.ForwardingChainClient;
import dev.chainsync.testing.TestChain;
import dev.chainsync.ticket.OwnershipChange;
import dev.chainsync.ticket.OwnershipSource;
import dev.chainsync.ticket.Ticket;
import dev.chainsync.ticket.TicketEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ownership follows the chain (seed 001 sections 1.6, 2.4, 4.3) on PostgreSQL, the devnet and the Solana runtime server: a
 * transfer made directly by the owner's wallet is found by the listener and by the full sync and
 * corrected with history, audit row, webhook and metric; the listener survives chain errors and
 * reports itself down after its maximum failures; old pending transfers are counted.
 */
class TicketOwnershipSyncTest {
    private SyncFixture f;

    @AfterEach
    void tearDown() {
        if (f != null) {
            f.close();
        }
    }

    private static TicketSyncConfig config(int maxFailures) {
        return new TicketSyncConfig(Duration.ofSeconds(5), 100, maxFailures, Duration.ofSeconds(40));
    }

    private long audits() {
        return f.count("SELECT count(*) FROM reconciliation_corrections WHERE data_type = 'ticket_ownership'"
                + " AND policy = 'chain_wins' AND action = 'heal_database'");
    }

    @ParameterizedTest
    @MethodSource("dev.chainsync.ticketsync.SyncFixture#chains")
    void aDirectTransferIsFoundByTheListenerAndCorrectedWithHistoryAuditWebhookAndMetric(TestChain.Kind kind) {
        f = new SyncFixture("tsync-direct", kind);
        TicketEvent e = f.event(500);
        Ticket t = f.minted(e, f.alice.address(), "A1");
        Ticket untouched = f.minted(e, f.bob.address(), "A2");
        assertThat(t.owner()).isEqualTo(f.alice.address());
        OwnershipListener listener = f.listener(f.w.chain, config(3));
        assertThat(listener.passOnce().differing())
                .as("chain and database agree")
                .isZero();
        assertThat(f.counter("blockchain_ownership_mismatches_total")).isZero();

        String signature = f.directTransfer(t, f.alice, f.carol.address());
        OwnershipListener.Pass pass = listener.passOnce();

        assertThat(pass.differing()).isEqualTo(1);
        Ticket corrected = f.ticket(t.id());
        assertThat(corrected.owner()).isEqualTo(f.carol.address());
        assertThat(corrected.chainOwner()).isEqualTo(f.carol.address());
        assertThat(corrected.chainSlot()).isNotNull();
        assertThat(corrected.lastSyncedAt()).isEqualTo(f.w.clock.instant());
        OwnershipChange last = f.tickets.history(t.id()).getLast();
        assertThat(last.source()).isEqualTo(OwnershipSource.DIRECT_TRANSFER);
        assertThat(last.signature()).isEqualTo(signature);
        assertThat(last.previousOwner()).isEqualTo(f.alice.address());
        assertThat(last.newOwner()).isEqualTo(f.carol.address());
        long directSlot = f.w.chain.tokenTransfers(t.mint(), null, 1).getFirst().slot();
        assertThat(last.slot())
                .as("the slot of the owner's own transaction")
                .isEqualTo(directSlot)
                .isGreaterThan(f.tickets.history(t.id()).getFirst().slot());
        assertThat(corrected.chainSlot()).isEqualTo(directSlot);
        assertThat(audits()).isEqualTo(1);
        assertThat(f.count(
                        "SELECT count(*) FROM reconciliation_corrections WHERE item_key = ? AND before LIKE ?"
                                + " AND after LIKE ?",
                        t.id().toString(),
                        "%" + f.alice.address() + "%",
                        "%" + f.carol.address() + "%"))
                .as("the audit row holds the owner before and after")
                .isEqualTo(1);
        assertThat(f.w.jdbc.query(
                        "SELECT payload::text FROM webhook_events WHERE type = ?",
                        r -> r.getString(1),
                        TicketOwnership.EVENT_CORRECTED))
                .singleElement()
                .satisfies(p ->
                        assertThat(p).contains(t.id().toString(), f.carol.address(), signature, "direct_transfer"));
        assertThat(f.counter("blockchain_ownership_mismatches_total")).isEqualTo(1.0);
        assertThat(f.ticket(untouched.id()).owner()).isEqualTo(f.bob.address());

        // Corrected once: later passes and runs find nothing more.
        assertThat(listener.passOnce().differing()).isZero();
        assertThat(f.engine.runOnce(EngineConfig.TICKET_OWNERSHIP).healed()).isZero();
        assertThat(audits()).isEqualTo(1);
        assertThat(f.counter("blockchain_ownership_mismatches_total")).isEqualTo(1.0);
    }

    @ParameterizedTest
    @MethodSource("dev.chainsync.ticketsync.SyncFixture#chains")
    void theFullSyncCorrectsOnItsOwnAndRecordsEveryDirectHop(TestChain.Kind kind) {
        f = new SyncFixture("tsync-full", kind);
        Ticket t = f.minted(f.event(0), f.alice.address(), "B1");
        String first = f.directTransfer(t, f.alice, f.bob.address());
        String second = f.directTransfer(t, f.bob, f.carol.address());

        ReconcileEngine.Run run = f.engine.runOnce(EngineConfig.TICKET_OWNERSHIP);

        assertThat(run.status()).isEqualTo("succeeded");
        assertThat(run.healed()).isEqualTo(1);
        assertThat(f.ticket(t.id()).owner()).isEqualTo(f.carol.address());
        List<OwnershipChange> history = f.tickets.history(t.id());
        assertThat(history.subList(history.size() - 2, history.size()))
                .extracting(OwnershipChange::signature, OwnershipChange::source)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(first, OwnershipSource.DIRECT_TRANSFER),
                        org.assertj.core.groups.Tuple.tuple(second, OwnershipSource.DIRECT_TRANSFER));
        assertThat(history.get(history.size() - 2).slot())
                .as("each hop at its own slot, in chain order")
                .isLessThan(history.getLast().slot());
        assertThat(f.ticket(t.id()).chainSlot()).isEqualTo(history.getLast().slot());
        assertThat(f.count("SELECT count(*) FROM reconciliation_corrections WHERE run_id = ?", run.id()))
                .isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("dev.chainsync.ticketsync.SyncFixture#chains")
    void aTicketWithATransferInFlightIsLeftToItsConfirmation(TestChain.Kind kind) {
        f = new SyncFixture("tsync-inflight", kind);
        Ticket t = f.minted(f.event(0), f.alice.address(), "C1");
        f.transfer(t.id(), f.bob.address(), null);
        // Sent and landed, not yet confirmed by the relay: the chain already says bob.
        dev.chainsync.outbox.ManualRelay.submitPass(f.relay);
        f.w.advanceSlots(2);

        assertThat(f.engine.runOnce(EngineConfig.TICKET_OWNERSHIP).healed()).isZero();
        assertThat(f.ticket(t.id()).owner()).isEqualTo(f.alice.address());
        f.settle();
        assertThat(f.ticket(t.id()).owner()).isEqualTo(f.bob.address());
        assertThat(f.tickets.history(t.id()).getLast().source()).isEqualTo(OwnershipSource.PLATFORM_TRANSFER);
        assertThat(f.engine.runOnce(EngineConfig.TICKET_OWNERSHIP).healed()).isZero();
        assertThat(f.counter("blockchain_ownership_mismatches_total")).isZero();
    }

    @ParameterizedTest
    @MethodSource("dev.chainsync.ticketsync.SyncFixture#chains")
    void theListenerSurvivesChainErrorsBacksOffReportsItselfDownAndRecovers(TestChain.Kind kind) {
        f = new SyncFixture("tsync-errors", kind);
        Ticket t = f.minted(f.event(0), f.alice.address(), "D1");
        AtomicBoolean rpcDown = new AtomicBoolean(true);
        ChainClient flaky = new ForwardingChainClient(f.w.chain) {
            @Override
            public Map<String, TokenOwnership> tokenOwners(Collection<String> mints) {
                if (rpcDown.get()) {
                    throw new ChainException(ChainException.Kind.UNAVAILABLE, "rpc down");
                }
                return super.tokenOwners(mints);
            }
        };
        OwnershipListener listener = f.listener(flaky, config(2));
        String signature = f.directTransfer(t, f.alice, f.carol.address());

        assertThatThrownBy(listener::passOnce).isInstanceOf(ChainException.class);
        assertThat(f.gauge("chainsync_tickets_ownership_listener_failures")).isEqualTo(1.0);
        assertThat(f.gauge("chainsync_tickets_ownership_listener_down")).isZero();
        assertThat(listener.passOnce().skipped())
                .as("backing off: 5 s after the first failure")
                .isTrue();
        f.w.advance(Duration.ofSeconds(5));
        assertThatThrownBy(listener::passOnce).isInstanceOf(ChainException.class);
        assertThat(f.gauge("chainsync_tickets_ownership_listener_down"))
                .as("down after its maximum failures in a row")
                .isEqualTo(1.0);
        assertThat(listener.health().broken()).isTrue();
        f.w.advance(Duration.ofSeconds(9));
        assertThat(listener.passOnce().skipped())
                .as("10 s after the second failure")
                .isTrue();

        rpcDown.set(false);
        f.w.advance(Duration.ofSeconds(1));
        OwnershipListener.Pass recovered = listener.passOnce();
        assertThat(recovered.skipped()).isFalse();
        assertThat(recovered.differing()).isEqualTo(1);
        assertThat(f.gauge("chainsync_tickets_ownership_listener_down")).isZero();
        assertThat(f.gauge("chainsync_tickets_ownership_listener_failures")).isZero();
        assertThat(f.ticket(t.id()).owner()).isEqualTo(f.carol.address());
        assertThat(f.tickets.history(t.id()).getLast().signature()).isEqualTo(signature);
    }

    @ParameterizedTest
    @MethodSource("dev.chainsync.ticketsync.SyncFixture#chains")
    void theGaugeCountsOnlyTransfersPendingForMoreThanAnHour(TestChain.Kind kind) {
        f = new SyncFixture("tsync-pending", kind);
        TicketEvent e = f.event(0);
        Ticket first = f.minted(e, f.alice.address(), "E1");
        Ticket second = f.minted(e, f.alice.address(), "E2");
        OwnershipListener listener = f.listener(f.w.chain, config(3));
        f.transfer(first.id(), f.bob.address(), new BigDecimal("80.00"));
        f.w.advance(Duration.ofMinutes(30));
        f.transfer(second.id(), f.bob.address(), null);
        f.w.advance(Duration.ofMinutes(29));

        listener.passOnce();
        assertThat(f.gauge("chainsync_tickets_pending_transfers_old"))
                .as("59 and 29 minutes old")
                .isZero();

        f.w.advance(Duration.ofMinutes(2));
        listener.passOnce();
        assertThat(f.gauge("chainsync_tickets_pending_transfers_old"))
                .as("61 and 31 minutes old")
                .isEqualTo(1.0);

        f.w.advance(Duration.ofMinutes(30));
        listener.passOnce();
        assertThat(f.gauge("chainsync_tickets_pending_transfers_old"))
                .as("both over an hour")
                .isEqualTo(2.0);

        f.settle();
        listener.passOnce();
        assertThat(f.gauge("chainsync_tickets_pending_transfers_old"))
                .as("confirmed ones no longer count")
                .isZero();
    }
}
