package dev.chainsync.ticketsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.reconcile.EngineConfig;
import dev.chainsync.reconcile.ReconcileEngine;
import dev.chainsync.reconcile.ReviewQueue;
import dev.chainsync.testing.TestChain;
import dev.chainsync.ticket.PendingTransfer;
import dev.chainsync.ticket.Ticket;
import dev.chainsync.ticket.TicketEvent;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Royalties are derived from confirmed on-chain transfers and are money: a disagreement with the
 * chain opens a review and changes nothing until a person resolves it (seed 001 section 1.6), on
 * PostgreSQL, the devnet and the Solana runtime server.
 */
class RoyaltyReconciliationTest {
    private SyncFixture f;

    @AfterEach
    void tearDown() {
        if (f != null) {
            f.close();
        }
    }

    /** A ticket of {@code e} resold to bob for {@code price}, confirmed. */
    private PendingTransfer resold(TicketEvent e, String seat, String price) {
        Ticket t = f.minted(e, f.alice.address(), seat);
        PendingTransfer p = f.transfer(t.id(), f.bob.address(), new BigDecimal(price));
        f.settle();
        return p;
    }

    private List<Map<String, Object>> entries(UUID transfer) {
        return f.w.jdbc.query(
                "SELECT royalty_amount, voided_at, void_reason FROM ticket_royalties WHERE transfer_id = ?",
                r -> {
                    Map<String, Object> m = new java.util.HashMap<>();
                    m.put("amount", r.getBigDecimal("royalty_amount"));
                    m.put("voided", r.getTimestamp("voided_at") != null);
                    return m;
                },
                transfer);
    }

    private Map<String, ReviewQueue.Review> openReviews() {
        return f.reviews.list(ReviewQueue.Status.OPEN, null, 50).stream()
                .collect(Collectors.toMap(ReviewQueue.Review::key, r -> r));
    }

    private long audits(String policy) {
        return f.count(
                "SELECT count(*) FROM reconciliation_corrections WHERE data_type = 'royalties' AND policy = ?", policy);
    }

    @ParameterizedTest
    @MethodSource("dev.chainsync.ticketsync.SyncFixture#chains")
    void entriesMatchingTheChainGiveACleanRun(TestChain.Kind kind) {
        f = new SyncFixture("troy-clean", kind);
        PendingTransfer p = resold(f.event(500), "A1", "120.00");
        assertThat(entries(p.id()))
                .singleElement()
                .satisfies(m -> assertThat((BigDecimal) m.get("amount")).isEqualByComparingTo("6.00"));

        ReconcileEngine.Run run = f.engine.runOnce(EngineConfig.ROYALTIES);

        assertThat(run.status()).isEqualTo("succeeded");
        assertThat(run.reviewed()).isZero();
        assertThat(openReviews()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("dev.chainsync.ticketsync.SyncFixture#chains")
    void aMismatchOpensAReviewChangesNothingAndIsResolvedEitherWay(TestChain.Kind kind) {
        f = new SyncFixture("troy-review", kind);
        TicketEvent e = f.event(500);
        PendingTransfer lost = resold(e, "B1", "100.00"); // its entry goes missing
        PendingTransfer unbacked = resold(e, "B2", "200.00"); // its entry names a transfer the chain lacks
        PendingTransfer dismissed = resold(e, "B3", "300.00"); // the same, dismissed by a person
        f.w.jdbc.update("DELETE FROM ticket_royalties WHERE transfer_id = ?", lost.id());
        for (UUID id : List.of(unbacked.id(), dismissed.id())) {
            f.w.jdbc.update("UPDATE pending_transfers SET tx_signature = 'not-on-chain-' || id WHERE id = ?", id);
        }

        ReconcileEngine.Run run = f.engine.runOnce(EngineConfig.ROYALTIES);

        assertThat(run.reviewed()).isEqualTo(3);
        assertThat(run.healed()).as("money is never auto-healed").isZero();
        Map<String, ReviewQueue.Review> open = openReviews();
        assertThat(open.get(lost.id().toString()).finding()).isEqualTo("missing_in_db");
        assertThat(open.get(unbacked.id().toString()).finding()).isEqualTo("missing_on_chain");
        assertThat(entries(lost.id()))
                .as("nothing written before a person decides")
                .isEmpty();
        assertThat(entries(unbacked.id()))
                .singleElement()
                .satisfies(m -> assertThat(m.get("voided")).isEqualTo(false));
        assertThat(f.count("SELECT count(*) FROM webhook_events WHERE type = 'review.opened'"))
                .isEqualTo(3);
        assertThat(f.engine.runOnce(EngineConfig.ROYALTIES).reviewed())
                .as("one open review per item")
                .isZero();

        // accept_chain writes the missing entry, as the confirmation would have.
        f.reviews.resolve(open.get(lost.id().toString()).id(), ReviewQueue.Resolution.ACCEPT_CHAIN, "late", "ops");
        assertThat(entries(lost.id()))
                .singleElement()
                .satisfies(m -> assertThat((BigDecimal) m.get("amount")).isEqualByComparingTo("5.00"));
        // accept_database cannot re-write a past transfer: refused, nothing changes, still open.
        long unbackedReview = open.get(unbacked.id().toString()).id();
        assertThatThrownBy(() -> f.reviews.resolve(unbackedReview, ReviewQueue.Resolution.ACCEPT_DATABASE, null, "ops"))
                .isInstanceOf(ReviewQueue.ConflictException.class);
        assertThat(f.reviews.find(unbackedReview).orElseThrow().status()).isEqualTo("open");
        // accept_chain voids the entry the chain does not back (kept, with why).
        f.reviews.resolve(unbackedReview, ReviewQueue.Resolution.ACCEPT_CHAIN, "refunded", "ops");
        assertThat(entries(unbacked.id()))
                .singleElement()
                .satisfies(m -> assertThat(m.get("voided")).isEqualTo(true));
        assertThat(f.tickets.store().royaltyOf(unbacked.id()))
                .as("a voided entry no longer counts")
                .isEmpty();
        assertThat(f.tickets.store().royaltyOf(lost.id()).orElseThrow().royaltyAmount())
                .isEqualByComparingTo("5.00");
        // dismiss changes nothing.
        f.reviews.resolve(open.get(dismissed.id().toString()).id(), ReviewQueue.Resolution.DISMISS, "ok", "ops");
        assertThat(entries(dismissed.id()))
                .singleElement()
                .satisfies(m -> assertThat(m.get("voided")).isEqualTo(false));

        assertThat(audits("manual_review"))
                .as("one audit row per applied resolution")
                .isEqualTo(2);
        ReconcileEngine.Run after = f.engine.runOnce(EngineConfig.ROYALTIES);
        assertThat(after.reviewed())
                .as("healed items agree, the dismissed one is not asked again")
                .isZero();
        assertThat(openReviews()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("dev.chainsync.ticketsync.SyncFixture#chains")
    void aSalePriceOtherThanTheOneOnChainIsAValueMismatchAPersonMustCorrect(TestChain.Kind kind) {
        f = new SyncFixture("troy-price", kind);
        PendingTransfer p = resold(f.event(500), "C1", "100.00");
        // The database now says the sale was for 90; the platform's transfer memo on chain says 100.
        f.w.jdbc.update("UPDATE pending_transfers SET price = 90 WHERE id = ?", p.id());
        f.w.jdbc.update(
                "UPDATE ticket_royalties SET sale_price = 90, royalty_amount = 4.5 WHERE transfer_id = ?", p.id());

        ReconcileEngine.Run run = f.engine.runOnce(EngineConfig.ROYALTIES);

        assertThat(run.reviewed()).isEqualTo(1);
        ReviewQueue.Review review = openReviews().get(p.id().toString());
        assertThat(review.finding()).isEqualTo("value_mismatch");
        assertThat(review.chain()).contains("price=100");
        assertThat(review.database()).contains("4.5 on a sale of 90");
        assertThatThrownBy(() -> f.reviews.resolve(review.id(), ReviewQueue.Resolution.ACCEPT_CHAIN, null, "ops"))
                .as("no side's copy fixes a wrong price: a person corrects it")
                .isInstanceOf(ReviewQueue.ConflictException.class);
        assertThat(entries(p.id()))
                .singleElement()
                .satisfies(m -> assertThat((BigDecimal) m.get("amount")).isEqualByComparingTo("4.5"));
        f.reviews.resolve(review.id(), ReviewQueue.Resolution.DISMISS, "refund agreed", "ops");
        assertThat(f.engine.runOnce(EngineConfig.ROYALTIES).reviewed()).isZero();
    }
}
