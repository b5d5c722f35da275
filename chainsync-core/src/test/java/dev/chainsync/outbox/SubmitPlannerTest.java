package dev.chainsync.outbox;

import static dev.chainsync.outbox.PlannerFixtures.CAP;
import static dev.chainsync.outbox.PlannerFixtures.KIND;
import static dev.chainsync.outbox.PlannerFixtures.NOW;
import static dev.chainsync.outbox.PlannerFixtures.POLL;
import static dev.chainsync.outbox.PlannerFixtures.attempt;
import static dev.chainsync.outbox.PlannerFixtures.op;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.chain.ChainException;
import dev.chainsync.chain.Commitment;
import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.chain.SignatureStatus;
import dev.chainsync.chain.SignedTransaction;
import dev.chainsync.outbox.SubmitOutcome.Adopt;
import dev.chainsync.outbox.SubmitOutcome.DeadLetter;
import dev.chainsync.outbox.SubmitOutcome.LeaveForAnother;
import dev.chainsync.outbox.SubmitOutcome.PackAndSend;
import dev.chainsync.outbox.SubmitOutcome.Resend;
import dev.chainsync.outbox.SubmitOutcome.SearchChain;
import dev.chainsync.outbox.SubmitOutcome.WaitNearExpiry;
import dev.chainsync.outbox.SubmitPlanner.Send;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Every branch of the submit pass's decisions, without PostgreSQL or chain calls. */
class SubmitPlannerTest {
    private final SubmitPlanner planner = PlannerFixtures.submitPlanner();

    private SubmitOutcome triage(Operation op, List<Attempt> attempts, Map<String, SignatureStatus> statuses, long h) {
        return planner.triage(List.of(op), Map.of(op.id(), attempts), statuses, h, NOW)
                .getFirst();
    }

    @Test
    void anOperationWithoutAttemptsIsPacked() {
        assertThat(triage(op(1, 0, 5), List.of(), Map.of(), 100)).isEqualTo(new PackAndSend(op(1, 0, 5), false));
    }

    @Test
    void anyEarlierAttemptThatLandedIsAdoptedAndSettlesAsSubmittedWithoutResending() {
        Operation op = op(1, 1, 5);
        List<Attempt> attempts = List.of(attempt(1, 1, "sig-a", 150), attempt(1, 2, "sig-b", 300));
        SubmitOutcome o = triage(op, attempts, Map.of("sig-a", landed("sig-a")), 400);
        assertThat(o).isEqualTo(new Adopt(op, "sig-a"));
        assertThat(((Adopt) o).settlement()).isEqualTo(new Settlement.Submit(op, "sig-a", false));
    }

    @Test
    void anAttemptThatFailedOnChainIsNotAdopted() {
        Operation op = op(1, 1, 5);
        SubmitOutcome o = triage(
                op,
                List.of(attempt(1, 1, "sig-a", 150)),
                Map.of("sig-a", new SignatureStatus("sig-a", 9, Commitment.CONFIRMED, "boom")),
                100);
        assertThat(o).isEqualTo(new SearchChain(op, 150));
    }

    @Test
    void aLiveLatestAttemptIsResentWhileItCanStillLand() {
        Operation op = op(1, 1, 5);
        Attempt latest = attempt(1, 1, "sig-a", 150);
        assertThat(triage(op, List.of(latest), Map.of(), 149)).isEqualTo(new Resend(op, latest));
    }

    @Test
    void nearItsExpiryTheOperationWaitsInsteadOfResendingOrGivingUp() {
        Operation op = op(1, 1, 5);
        List<Attempt> attempts = List.of(attempt(1, 1, "sig-a", 150));
        for (long height : new long[] {150, 151}) {
            SubmitOutcome o = triage(op, attempts, Map.of(), height);
            assertThat(o).isEqualTo(new WaitNearExpiry(op, NOW.plus(POLL)));
            assertThat(((WaitNearExpiry) o).settlement())
                    .isEqualTo(new Settlement.Reschedule(op, NOW.plus(POLL), null, false));
        }
    }

    @Test
    void pastExpiryTheChainIsSearchedFromTheFirstAttempt() {
        Operation op = op(1, 2, 5);
        List<Attempt> attempts = List.of(attempt(1, 1, "sig-a", 150), attempt(1, 2, "sig-b", 300));
        assertThat(triage(op, attempts, Map.of(), 302)).isEqualTo(new SearchChain(op, 150));
    }

    @Test
    void aKindWithoutHandlerIsLeftForAnotherRelayWithoutUsingAnAttempt() {
        Operation op = op(1, "ticket.mint", "m", 0, 5, null, null);
        SubmitOutcome o = triage(op, List.of(), Map.of(), 100);
        assertThat(o).isInstanceOf(LeaveForAnother.class);
        Settlement.Reschedule s = (Settlement.Reschedule) ((LeaveForAnother) o).settlement();
        assertThat(s.at()).isEqualTo(NOW.plus(CAP));
        assertThat(s.countsAsFailure()).isFalse();
        assertThat(s.error()).contains("no handler for operation kind ticket.mint");
    }

    @Test
    void aMemoNoTransactionCanCarryIsDeadLetteredAtOnce() {
        Operation op = op(1, KIND, "x".repeat(2000), 0, 5, null, null);
        SubmitOutcome o = triage(op, List.of(), Map.of(), 100);
        assertThat(o).isInstanceOf(DeadLetter.class);
        assertThat(((DeadLetter) o).error()).contains("memo");
        assertThat(((DeadLetter) o).settlement()).isInstanceOf(Settlement.DeadLetter.class);
    }

    @Test
    void afterTheSearchAFoundMemoIsAdopted() {
        Operation op = op(1, 2, 5);
        assertThat(planner.afterSearch(new SearchChain(op, 150), Map.of(op.memo(), "sig-x"), NOW))
                .isEqualTo(new Adopt(op, "sig-x"));
    }

    @Test
    void afterTheSearchAnAbsentMemoOutOfAttemptsIsDeadLettered() {
        Operation op = op(1, 5, 5);
        SubmitOutcome o = planner.afterSearch(new SearchChain(op, 150), Map.of(), NOW);
        assertThat(o).isInstanceOf(DeadLetter.class);
        assertThat(((DeadLetter) o).error()).isEqualTo("no attempt landed after 5 failures; last: last error");
    }

    @Test
    void afterTheSearchAnAbsentMemoWithAttemptsLeftIsPackedAsAResubmission() {
        Operation op = op(1, 2, 5);
        assertThat(planner.afterSearch(new SearchChain(op, 150), Map.of(), NOW)).isEqualTo(new PackAndSend(op, true));
    }

    @Test
    void packsFillTransactionsInIdOrderUpToTheChainsLimit() {
        List<Operation> ops =
                // Memos of about a hundred bytes: a handful fit a Solana-sized transaction.
                IntStream.rangeClosed(1, 25)
                        .mapToObj(i -> op(26 - i, KIND, String.format("%0100d", 26 - i), 0, 5, null, null))
                        .toList();
        List<List<Operation>> packs = planner.packs(ops);
        assertThat(packs).hasSizeGreaterThan(1);
        assertThat(packs.stream().flatMap(List::stream).map(Operation::id))
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1, 25).mapToObj(i -> (long) i).toList());
        for (List<Operation> pack : packs) {
            assertThat(pack.size()).isLessThanOrEqualTo(PlannerFixtures.SIZING.maxMemosPerTransaction());
            assertThat(PlannerFixtures.SIZING.memoTransactionBytes(
                            pack.stream().map(Operation::memo).toList()))
                    .isLessThanOrEqualTo(PlannerFixtures.SIZING.maxTransactionBytes());
        }
        for (int i = 0; i + 1 < packs.size(); i++) {
            List<String> oneMore =
                    new ArrayList<>(packs.get(i).stream().map(Operation::memo).toList());
            oneMore.add(packs.get(i + 1).getFirst().memo());
            assertThat(PlannerFixtures.SIZING.memoTransactionBytes(oneMore))
                    .as("a pack is closed only when the next memo does not fit")
                    .isGreaterThan(PlannerFixtures.SIZING.maxTransactionBytes());
        }
    }

    @Test
    void aSuccessfulSendSubmitsEveryOperationOfItsTransaction() {
        Operation a = op(1, 0, 5);
        Operation b = op(2, 1, 5);
        Send send = send(List.of(a, b), Set.of(2L));
        assertThat(planner.afterSend(List.of(send), Map.of(), NOW))
                .containsExactly(
                        new Settlement.Submit(a, send.tx().signature(), false),
                        new Settlement.Submit(b, send.tx().signature(), true));
    }

    @Test
    void aSendThatNeverReachedTheChainGivesNoVerdict() {
        Operation a = op(1, 0, 5);
        ChainException notSent = new ChainException(
                ChainException.Kind.UNAVAILABLE, ChainException.Reach.NOT_SENT, "breaker open", null);
        Send send = send(List.of(a), Set.of());
        assertThat(planner.afterSend(List.of(send), Map.of(send, notSent), NOW))
                .singleElement()
                .isEqualTo(new Settlement.Reschedule(
                        a, NOW.plus(POLL), "submit failed (UNAVAILABLE): breaker open", false));
    }

    @Test
    void anAnsweredFailureUsesAnAttemptWithBackoffAndSharesTheTransactionsFate() {
        Operation a = op(1, 0, 5);
        Operation b = op(2, 3, 5);
        Send send = send(List.of(a, b), Set.of());
        List<Settlement> out = planner.afterSend(List.of(send), Map.of(send, answered()), NOW);
        assertThat(out).hasSize(2).allSatisfy(s -> {
            Settlement.Reschedule r = (Settlement.Reschedule) s;
            assertThat(r.countsAsFailure()).isTrue();
            assertThat(r.at()).isBetween(NOW, NOW.plus(CAP));
            assertThat(r.error()).isEqualTo("submit failed (INVALID_TRANSACTION): bad");
        });
    }

    @Test
    void theLastAttemptIsNotBuriedAtOnceAndCountsOnlyOnce() {
        Operation last = op(1, 4, 5);
        Operation spent = op(2, 5, 5);
        Send send = send(List.of(last, spent), Set.of());
        List<Settlement> out = planner.afterSend(List.of(send), Map.of(send, answered()), NOW);
        assertThat(out).allSatisfy(s -> assertThat(s).isInstanceOf(Settlement.Reschedule.class));
        assertThat(((Settlement.Reschedule) out.get(0)).countsAsFailure()).isTrue();
        assertThat(((Settlement.Reschedule) out.get(1)).countsAsFailure())
                .as("already out of attempts: no second count, no second event")
                .isFalse();
    }

    private static ChainException answered() {
        return new ChainException(ChainException.Kind.INVALID_TRANSACTION, "bad");
    }

    private static Send send(List<Operation> ops, Set<Long> resubmissions) {
        Ed25519Keypair signer = Ed25519Keypair.generate(new SecureRandom());
        SignedTransaction tx = PlannerFixtures.SIZING.buildMemoTransaction(
                signer, ops.stream().map(Operation::memo).toList(), PlannerFixtures.SIZING.latestBlockhash());
        return new Send(ops, tx, resubmissions);
    }

    private static SignatureStatus landed(String signature) {
        return new SignatureStatus(signature, 10, Commitment.PROCESSED, null);
    }
}
