package dev.chainsync.ticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.outbox.Operation;
import dev.chainsync.outbox.OperationStatus;
import dev.chainsync.outbox.Outbox;
import dev.chainsync.outbox.RetryRefusedException;
import dev.chainsync.testing.TestChain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A person retrying a dead-lettered ticket operation: taken up again, or refused when the ticket moved on. */
class TicketRetryTest {
    private TicketFixture f;

    @AfterEach
    void tearDown() {
        if (f != null) {
            f.close();
        }
    }

    private Operation only(String kind, Ticket t) {
        return f.outbox.forAggregate(kind, t.id().toString()).getLast();
    }

    @ParameterizedTest
    @MethodSource("dev.chainsync.ticket.TicketFixture#chains")
    void aRetriedFailedMintTakesItsPlaceAgainAndMints(TestChain.Kind kind) {
        f = new TicketFixture("tickets-retry-mint", kind);
        TicketEvent event = f.event(1, 0);
        Ticket t = f.mint(event.id(), f.alice.address(), "A1");
        f.w.onChain.failRate(1.0);
        for (int i = 0; i < 8; i++) {
            f.settle();
        }
        Operation mint = only(TicketService.MINT_KIND, t);
        assertThat(mint.status()).isEqualTo(OperationStatus.DEAD_LETTERED);
        f.w.onChain.failRate(0.0);

        assertThat(f.outbox.retry(mint.id())).isEqualTo(Outbox.RetryOutcome.RETRIED);
        assertThat(f.ticket(t.id()).status()).isEqualTo(TicketStatus.MINTING);
        assertThat(f.tickets.event(event.id()).orElseThrow().soldOut()).isTrue();
        f.settle();
        assertThat(f.ticket(t.id()).owner()).isEqualTo(f.alice.address());
    }

    @ParameterizedTest
    @MethodSource("dev.chainsync.ticket.TicketFixture#chains")
    void aRetryOfAFailedTransferIsRefusedWhileAnotherOperationIsInFlight(TestChain.Kind kind) {
        f = new TicketFixture("tickets-retry-refused", kind);
        Ticket t = f.minted();
        f.w.onChain.transferAsOwner(f.alice, t.mint(), f.carol.address());
        f.w.advanceSlots(2);
        f.transfer(t.id(), f.bob.address(), null);
        for (int i = 0; i < 8; i++) {
            f.settle();
        }
        Operation failed = only(TicketService.TRANSFER_KIND, t);
        assertThat(failed.status()).isEqualTo(OperationStatus.DEAD_LETTERED);
        f.burn(t.id());

        assertThatThrownBy(() -> f.outbox.retry(failed.id()))
                .isInstanceOf(RetryRefusedException.class)
                .hasMessageContaining("burn in flight");
        assertThat(f.outbox.find(failed.id()).orElseThrow().status()).isEqualTo(OperationStatus.DEAD_LETTERED);
        assertThat(f.ticket(t.id()).pendingAction()).isEqualTo("burn");
    }
}
