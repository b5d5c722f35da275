package dev.chainsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BreakerTest {
    final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    final Breaker breaker = new Breaker(2, Duration.ofSeconds(10), clock);

    private void open() {
        breaker.failure();
        assertThat(breaker.failure()).as("the threshold-th failure opens it").isTrue();
        assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
    }

    @Test
    void afterTheOpenPeriodExactlyOneTrialRunsAndItsOutcomeDecides() {
        open();
        assertThat(breaker.allow()).isFalse();
        clock.advance(Duration.ofSeconds(10));
        assertThat(breaker.allow()).isTrue();
        assertThat(breaker.allow()).as("one trial at a time").isFalse();
        assertThat(breaker.state()).isEqualTo(Breaker.State.HALF_OPEN);

        breaker.failure();
        assertThat(breaker.state()).as("a failed trial re-opens it").isEqualTo(Breaker.State.OPEN);
        clock.advance(Duration.ofSeconds(10));
        assertThat(breaker.allow()).isTrue();
        breaker.success();
        assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
        assertThat(breaker.allow()).isTrue();
    }

    @Test
    void aTrialThatEndsWithoutAVerdictLetsTheNextOneRun() {
        assertThat(breaker.permit())
                .as("closed: an ordinary permit, which abandons no trial")
                .isEqualTo(Breaker.Permit.GRANTED);
        open();
        clock.advance(Duration.ofSeconds(10));
        assertThat(breaker.permit()).isEqualTo(Breaker.Permit.TRIAL);
        assertThat(breaker.permit()).isEqualTo(Breaker.Permit.DENIED);

        breaker.abandonTrial();

        assertThat(breaker.allow())
                .as("otherwise every worker would wait for the lost trial forever")
                .isTrue();
        assertThat(breaker.state()).isEqualTo(Breaker.State.HALF_OPEN);
    }
}
