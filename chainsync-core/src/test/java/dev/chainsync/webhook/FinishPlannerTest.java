package dev.chainsync.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.webhook.FinishPlanner.DeadLetter;
import dev.chainsync.webhook.FinishPlanner.Delivered;
import dev.chainsync.webhook.FinishPlanner.NotAttempted;
import dev.chainsync.webhook.FinishPlanner.Result;
import dev.chainsync.webhook.FinishPlanner.Retry;
import dev.chainsync.webhook.WebhookStore.Claimed;
import dev.chainsync.webhook.WebhookStore.Finished;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The dispatcher's finishing decisions, without PostgreSQL or HTTP. */
class FinishPlannerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /** Three attempts: retries after 10 s and after 60 s, no jitter. */
    private final FinishPlanner planner = new FinishPlanner(new RetryPolicy(
            List.of(Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(60)),
            0,
            Duration.ofHours(1),
            new Random(1)));

    private static Claimed message(long id, long endpoint, int attemptCount) {
        return new Claimed(id, "msg_" + id, endpoint, attemptCount, 3, "t", "{}", T0, "https://x.test/", false);
    }

    private static Result ok(Claimed m, Instant at) {
        return new Result(m, new Finished(m, at, true, 200, 5, "ok", null), at, null, false);
    }

    private static Result failed(Claimed m, Instant at, Integer status, Duration retryAfter, boolean gone) {
        return new Result(m, new Finished(m, at, false, status, 5, null, "HTTP " + status), at, retryAfter, gone);
    }

    @Test
    void eachMessageGetsOneOutcomeCarryingItsOwnTimes() {
        Claimed a = message(1, 10, 0);
        Claimed b = message(2, 20, 0);
        Claimed c = message(3, 30, 2);
        Claimed d = message(4, 40, 0);
        FinishPlanner.Plan plan = planner.plan(List.of(
                failed(b, T0.plusSeconds(2), 500, null, false),
                ok(a, T0.plusSeconds(1)),
                failed(c, T0.plusSeconds(3), 500, null, false),
                Result.notAttempted(d, T0.plusSeconds(4))));
        assertThat(plan.of(Delivered.class))
                .containsExactly(new Delivered(plan.attempts().get(0), T0.plusSeconds(1)));
        assertThat(plan.of(Retry.class)).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo(2);
            assertThat(r.at()).isEqualTo(T0.plusSeconds(12));
        });
        assertThat(plan.of(DeadLetter.class))
                .as("the third attempt was the last")
                .singleElement()
                .satisfies(x -> assertThat(x.id()).isEqualTo(3));
        assertThat(plan.of(NotAttempted.class)).containsExactly(new NotAttempted(d));
        assertThat(plan.attempts()).hasSize(3).noneMatch(f -> f.message().id() == 4);
    }

    @Test
    void aReceiversRetryAfterPostponesTheRetry() {
        Claimed m = message(1, 10, 0);
        FinishPlanner.Plan plan = planner.plan(List.of(failed(m, T0, 429, Duration.ofSeconds(30), false)));
        assertThat(plan.of(Retry.class).getFirst().at()).isEqualTo(T0.plusSeconds(30));
    }

    @Test
    void anEndpointsStateFollowsItsLatestAttemptAndGoneIsNoted() {
        FinishPlanner.Plan plan = planner.plan(List.of(
                ok(message(1, 10, 0), T0.plusSeconds(5)),
                failed(message(2, 10, 0), T0.plusSeconds(1), 500, null, false),
                failed(message(3, 20, 0), T0.plusSeconds(2), 410, null, true),
                ok(message(4, 30, 0), T0.plusSeconds(1)),
                failed(message(5, 30, 0), T0.plusSeconds(3), 500, null, false)));
        assertThat(plan.succeededEndpoints()).containsExactly(10L);
        assertThat(plan.failedEndpoints()).containsExactly(20L, 30L);
        assertThat(plan.goneEndpoints()).containsExactly(20L);
    }

    @Test
    void aBatchOfNothingAttemptedLogsNoAttemptAndTouchesNoEndpoint() {
        FinishPlanner.Plan plan = planner.plan(List.of(Result.notAttempted(message(1, 10, 0), T0)));
        assertThat(plan.attempts()).isEmpty();
        assertThat(plan.succeededEndpoints()).isEmpty();
        assertThat(plan.failedEndpoints()).isEmpty();
    }
}
