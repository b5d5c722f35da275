package dev.chainsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BreakerTest {
    final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    final Breaker breaker = new Breaker(2, Duration.ofMillis(500), clock);

    private void open() {
        breaker.failure();
        assertThat(breaker.failure()).as("the threshold-th failure opens it").isTrue();
        assertThat(breaker.state()).isEqualTo(Breaker.State.OPEN);
    }

    @Test
    void afterTheOpenPeriodExactlyOneTrialRunsAndItsOutcomeDecides() {
        open();
        assertThat(breaker.allow()).isFalse();
        clock.advance(Duration.ofMillis(500));
        assertThat(breaker.allow()).isTrue();
        assertThat(breaker.allow()).as("one trial at a time").isFalse();
        assertThat(breaker.state()).isEqualTo(Breaker.State.HALF_OPEN);

        breaker.failure();
        assertThat(breaker.state()).as("a failed trial re-opens it").isEqualTo(Breaker.State.OPEN);
        clock.advance(Duration.ofMillis(500));
        assertThat(breaker.allow()).isTrue();
        breaker.success();
        assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
        assertThat(breaker.allow()).isTrue();
    }

    @Test
    void anOpenBreakerOffersATrialEveryProbeIntervalHoweverLongItsTimeout() {
        Breaker slow = new Breaker(1, Duration.ofSeconds(60), clock);
        assertThat(slow.failure()).isTrue();
        assertThat(slow.permit()).isEqualTo(Breaker.Permit.DENIED);
        clock.advance(Breaker.PROBE_INTERVAL);
        assertThat(slow.permit())
                .as("a probe after a second, not after the 60 s timeout")
                .isEqualTo(Breaker.Permit.TRIAL);
        slow.failure();
        assertThat(slow.state()).isEqualTo(Breaker.State.OPEN);
        clock.advance(Breaker.PROBE_INTERVAL);
        assertThat(slow.permit()).isEqualTo(Breaker.Permit.TRIAL);
        slow.success();
        assertThat(slow.state()).isEqualTo(Breaker.State.CLOSED);
    }
}
