package dev.chainsync.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollingWorkerTest {

    @Test
    void aFailingPassIsLoggedAndTheWorkerCarriesOn() {
        AtomicInteger passes = new AtomicInteger();
        try (PollingWorker w = new PollingWorker("flaky", Duration.ofMillis(1), () -> {
                    if (passes.incrementAndGet() % 2 == 1) {
                        throw new IllegalStateException("boom");
                    }
                    return 0;
                })
                .start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> passes.get() >= 6);
            assertThat(w.isRunning()).isTrue();
        }
    }

    @Test
    void closeLetsThePassInFlightFinishAndIsIdempotent() throws Exception {
        CountDownLatch inPass = new CountDownLatch(1);
        CountDownLatch mayFinish = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        PollingWorker w = new PollingWorker("slow", Duration.ofHours(1), () -> {
                    inPass.countDown();
                    try {
                        mayFinish.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    finished.set(true);
                    return 0;
                })
                .start();
        assertThat(inPass.await(10, TimeUnit.SECONDS)).isTrue();
        Thread closer = Thread.ofPlatform().start(w::close);
        closer.join(200);
        assertThat(closer.isAlive()).as("close waits for the pass in flight").isTrue();
        mayFinish.countDown();
        closer.join(10_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(finished).isTrue();
        assertThat(w.isRunning()).isFalse();
        w.close();
    }

    @Test
    void busyPassesRunBackToBackAndIdleOnesWait() {
        AtomicInteger passes = new AtomicInteger();
        try (PollingWorker w =
                new PollingWorker("busy", Duration.ofHours(1), () -> passes.incrementAndGet() < 50 ? 1 : 0).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> passes.get() == 50);
            assertThat(w.isRunning()).isTrue();
        }
        assertThat(passes.get())
                .as("idle after the last busy pass: no further pass within the hour")
                .isEqualTo(50);
    }

    @Test
    void rejectsBadSettingsAndDoubleStart() {
        assertThatThrownBy(() -> new PollingWorker("x", Duration.ZERO, () -> 0))
                .isInstanceOf(IllegalArgumentException.class);
        try (PollingWorker w = new PollingWorker("once", Duration.ofSeconds(1), () -> 0).start()) {
            assertThatThrownBy(w::start).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void wakeEndsTheIdleWaitAtOnce() {
        AtomicInteger passes = new AtomicInteger();
        try (PollingWorker w = new PollingWorker("sleepy", Duration.ofHours(1), () -> {
                    passes.incrementAndGet();
                    return 0;
                })
                .start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> passes.get() == 1);
            w.wake();
            await().atMost(Duration.ofSeconds(10)).until(() -> passes.get() == 2);
        }
    }

    @Test
    void aClosedWorkerCannotStartAgain() {
        PollingWorker w = new PollingWorker("done", Duration.ofSeconds(1), () -> 0);
        w.close();
        assertThatThrownBy(w::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(w.health().started()).isFalse();
    }

    @Test
    void closeIsBoundedAndInterruptsAPassThatWillNotFinish() {
        CountDownLatch inPass = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        PollingWorker w = new PollingWorker("stuck", Duration.ofHours(1), Duration.ofMillis(200), () -> {
                    inPass.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        interrupted.set(true);
                    }
                    return 0;
                })
                .start();
        await().atMost(Duration.ofSeconds(10)).until(() -> inPass.getCount() == 0);
        long t0 = System.nanoTime();
        w.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(interrupted).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !w.isRunning());
    }

    @Test
    void healthFollowsTheLifecycle() {
        PollingWorker w = new PollingWorker("lifecycle", Duration.ofMillis(10), () -> 0);
        assertThat(w.health()).isEqualTo(new PollingWorker.Health(false, false, false, null));
        w.start();
        assertThat(w.health()).isEqualTo(new PollingWorker.Health(true, true, false, null));
        w.close();
        assertThat(w.health().running()).isFalse();
        assertThat(w.health().broken())
                .as("a worker closed on purpose is not broken")
                .isFalse();
    }

    @Test
    void severalWorkersReportAsOne() {
        PollingWorker.Health up = new PollingWorker.Health(true, true, false, null);
        PollingWorker.Health down = new PollingWorker.Health(true, false, true, "boom");
        assertThat(PollingWorker.Health.of(List.of(up, up))).isEqualTo(up);
        assertThat(PollingWorker.Health.of(List.of(up, down)))
                .isEqualTo(new PollingWorker.Health(true, false, true, "boom"));
        assertThat(PollingWorker.Health.of(List.of()).running()).isFalse();
    }
}
