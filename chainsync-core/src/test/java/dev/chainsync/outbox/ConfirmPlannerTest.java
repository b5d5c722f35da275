package dev.chainsync.outbox;

import static dev.chainsync.outbox.PlannerFixtures.NOW;
import static dev.chainsync.outbox.PlannerFixtures.op;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.chain.Commitment;
import dev.chainsync.chain.SignatureStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every branch of the confirmation pass's decisions, without PostgreSQL or chain calls. */
class ConfirmPlannerTest {
    private static final Duration RECHECK = Duration.ofMillis(400);
    private final ConfirmPlanner planner = new ConfirmPlanner(Commitment.CONFIRMED, PlannerFixtures.backoff(), RECHECK);

    private static Operation sent(int attemptCount, int maxAttempts) {
        return op(1, PlannerFixtures.KIND, "m", attemptCount, maxAttempts, "sig", 150L);
    }

    private Settlement plan(Operation op, SignatureStatus status, long height) {
        return planner.plan(List.of(op), status == null ? Map.of() : Map.of("sig", status), height, NOW)
                .getFirst();
    }

    @Test
    void reachingTheCommitmentConfirms() {
        SignatureStatus s = new SignatureStatus("sig", 12, Commitment.FINALIZED, null);
        Settlement out = plan(sent(0, 5), s, 100);
        assertThat(out).isEqualTo(new Settlement.Confirm(sent(0, 5), s));
        assertThat(((Settlement.Confirm) out).event().status()).isEqualTo(s);
    }

    @Test
    void belowTheCommitmentItIsLookedAtAgainLater() {
        SignatureStatus s = new SignatureStatus("sig", 12, Commitment.PROCESSED, null);
        assertThat(plan(sent(0, 5), s, 100)).isEqualTo(new Settlement.Recheck(sent(0, 5), NOW.plus(RECHECK)));
    }

    @Test
    void unknownButStillAbleToLandIsLookedAtAgain() {
        assertThat(plan(sent(0, 5), null, 151)).isEqualTo(new Settlement.Recheck(sent(0, 5), NOW.plus(RECHECK)));
    }

    @Test
    void unknownPastItsLastValidHeightHasExpiredAndIsRetriedWithBackoff() {
        Settlement out = plan(sent(0, 5), null, 152);
        assertThat(out).isInstanceOf(Settlement.Reschedule.class);
        Settlement.Reschedule r = (Settlement.Reschedule) out;
        assertThat(r.countsAsFailure()).isTrue();
        assertThat(r.error())
                .isEqualTo("transaction sig expired: blockhash valid to height 150, chain at 152, not landed");
        assertThat(r.event().error()).isEqualTo(r.error());
    }

    @Test
    void failedOnChainIsRetried() {
        SignatureStatus s = new SignatureStatus("sig", 12, Commitment.CONFIRMED, "custom program error");
        Settlement out = plan(sent(1, 5), s, 100);
        assertThat(out).isInstanceOf(Settlement.Reschedule.class);
        assertThat(((Settlement.Reschedule) out).error())
                .isEqualTo("transaction sig failed on chain: custom program error");
    }

    @Test
    void aFailureOnTheLastAttemptDeadLetters() {
        SignatureStatus s = new SignatureStatus("sig", 12, Commitment.CONFIRMED, "custom program error");
        Settlement out = plan(sent(4, 5), s, 100);
        assertThat(out).isInstanceOf(Settlement.DeadLetter.class);
        assertThat(((Settlement.DeadLetter) out).event().error()).contains("failed on chain");
        assertThat(plan(sent(4, 5), null, 152)).isInstanceOf(Settlement.DeadLetter.class);
    }
}
