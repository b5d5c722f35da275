package dev.chainsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chainsync.time.ManualClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Seed 001's sync lag and the fuller seed README's metric names, read back from the registry. */
class IngestSeedMetricsTest {
    static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");
    static final Duration WAIT = Duration.ofSeconds(30);

    private static double lag(MeterRegistry registry, String stream) {
        return registry.get("blockchain_sync_lag_seconds")
                .tag("stream", stream)
                .tag("source", "redis_streams")
                .gauge()
                .value();
    }

    @Test
    void lagFollowsTheNewestAppliedBlockUntilADrainedReadCatchesUp() {
        ManualClock clock = new ManualClock(T0);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        IngestMetrics m = new IngestMetrics(registry, clock, () -> true, () -> true, () -> false);
        AtomicBoolean running = new AtomicBoolean(true);
        m.syncLag("s", running::get);

        clock.advance(Duration.ofHours(3));
        assertThat(lag(registry, "s"))
                .as("nothing applied: lag since ingest was built")
                .isEqualTo(10_800.0);
        m.applied("s", T0.plus(Duration.ofHours(1)));
        assertThat(lag(registry, "s")).isEqualTo(7_200.0);
        m.applied("s", T0.plus(Duration.ofMinutes(30)));
        assertThat(lag(registry, "s"))
                .as("an older block does not move it back")
                .isEqualTo(7_200.0);
        m.drained(clock.instant());
        assertThat(lag(registry, "s")).as("a drained stream is synced").isZero();
        clock.advance(Duration.ofMinutes(6));
        assertThat(lag(registry, "s")).as("no read for 6 minutes").isEqualTo(360.0);
        m.applied("s", clock.instant().plusSeconds(5));
        assertThat(lag(registry, "s"))
                .as("a block time ahead of our clock is no negative lag")
                .isZero();
        running.set(false);
        assertThat(lag(registry, "s")).isNaN();
    }

    @Test
    void seedNamesMirrorTheCountersAndTheBreaker() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicBoolean open = new AtomicBoolean();
        IngestMetrics m = new IngestMetrics(registry, new ManualClock(T0), () -> true, () -> true, open::get);
        m.eventsProcessed.increment(5);
        m.eventsFailed.increment(2);
        assertThat(registry.get("events_processed_total").functionCounter().count())
                .isEqualTo(5.0);
        assertThat(registry.get("events_failed_total").functionCounter().count())
                .isEqualTo(2.0);
        assertThat(registry.get("circuit_breaker_state").gauge().value()).isZero();
        open.set(true);
        assertThat(registry.get("circuit_breaker_state").gauge().value()).isEqualTo(1.0);
    }

    /** The system clock moved by an offset the test sets, so minutes pass without waiting for them. */
    static final class ShiftedClock extends Clock {
        volatile Duration offset = Duration.ZERO;

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @Test
    void aRunningIngestReportsItsBatchesAndAQuietStreamIsNoLag() {
        try (IngestTesting.OneStream t = new IngestTesting.OneStream("seedmetrics")) {
            ShiftedClock clock = new ShiftedClock();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Ingest ingest = new Ingest(t.jdbc, t.config(Duration.ofSeconds(30)), clock, registry);
            try (ingest) {
                assertThat(lag(registry, t.stream)).as("not started").isNaN();
                ingest.start();
                t.redis.push(
                        t.stream,
                        "{\"event_name\":\"Deposited\",\"network\":\"base\",\"event_data\":["
                                + EntryParserTest.deposit(EntryParserTest.TERM, "1", "") + "]}");
                await().atMost(WAIT)
                        .until(() -> registry.get("events_processed_total")
                                        .functionCounter()
                                        .count()
                                == 1.0);
                assertThat(registry.get("event_processing_duration_seconds")
                                .timer()
                                .count())
                        .isEqualTo(1);
                // The event's block is from 2023, but the stream is drained: ingest is not behind.
                await().atMost(WAIT).until(() -> lag(registry, t.stream) < 5);
                clock.offset = Duration.ofMinutes(10);
                await().atMost(WAIT).until(() -> lag(registry, t.stream) < 5);
            }
        }
    }

    @Test
    void anUnreachableRedisMakesTheLagGrow() {
        try (IngestTesting.OneStream t = new IngestTesting.OneStream("seedlag")) {
            IngestConfig good = t.config(Duration.ofSeconds(30));
            IngestConfig down = new IngestConfig(
                    true,
                    "redis://127.0.0.1:1",
                    good.streams(),
                    good.consumerGroup(),
                    good.consumerName(),
                    good.batchSize(),
                    good.batchTimeout(),
                    good.workers(),
                    good.processingTimeout(),
                    good.maxRetries(),
                    good.breakerThreshold(),
                    good.breakerTimeout(),
                    good.deadLetterStream());
            ShiftedClock clock = new ShiftedClock();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (Ingest ingest = new Ingest(t.jdbc, down, clock, registry).start()) {
                await().atMost(WAIT).until(() -> !ingest.health().redisConsumerHealthy());
                clock.offset = Duration.ofMinutes(10);
                assertThat(lag(registry, t.stream)).isGreaterThanOrEqualTo(600.0);
            }
        }
    }
}
