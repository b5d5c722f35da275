package dev.chainsync.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BoundedFanOutTest {
    /** Reports failures as strings. */
    private static final BoundedFanOut.Failures<Integer, String> AS_TEXT = new BoundedFanOut.Failures<>() {
        @Override
        public String cutOff(Integer item) {
            return "cut off " + item;
        }

        @Override
        public String crashed(Integer item, Throwable cause) {
            return "crashed " + item + ": " + cause.getMessage();
        }
    };

    @Test
    void resultsComeInTheItemsOrderAndACrashStaysWithItsItem() {
        try (BoundedFanOut fanOut = new BoundedFanOut(4)) {
            List<String> out = fanOut.map(
                    List.of(1, 2, 3),
                    i -> {
                        if (i == 2) {
                            throw new IllegalStateException("boom");
                        }
                        return "ok " + i;
                    },
                    AS_TEXT);
            assertThat(out).containsExactly("ok 1", "crashed 2: boom", "ok 3");
        }
    }

    @Test
    void exactlyTheBoundRunAtOnce() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        // Three at a time meet at the barrier; a fourth running at once would show in "most".
        CyclicBarrier three = new CyclicBarrier(3);
        try (BoundedFanOut fanOut = new BoundedFanOut(3)) {
            List<Integer> items = IntStream.range(0, 30).boxed().toList();
            List<String> out = fanOut.map(
                    items,
                    i -> {
                        most.accumulateAndGet(running.incrementAndGet(), Math::max);
                        try {
                            three.await(10, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        running.decrementAndGet();
                        return "ok";
                    },
                    AS_TEXT);
            assertThat(out).hasSize(30).containsOnly("ok");
        }
        assertThat(most.get()).isEqualTo(3);
    }

    @Test
    void anInterruptedCallerCutsOffWhatIsStillRunningAndKeepsTheInterrupt() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(2);
        AtomicReference<List<String>> result = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        try (BoundedFanOut fanOut = new BoundedFanOut(4)) {
            Thread caller = Thread.ofPlatform().start(() -> {
                result.set(fanOut.map(
                        List.of(1, 2),
                        i -> {
                            started.countDown();
                            try {
                                never.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return "ok " + i;
                        },
                        AS_TEXT));
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
            started.await();
            caller.interrupt();
            caller.join(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(10)).until(() -> result.get() != null);
        }
        assertThat(result.get()).containsExactly("cut off 1", "cut off 2");
        assertThat(stillInterrupted.get()).isTrue();
    }

    @Test
    void aLoneItemRunsOnTheCallersThread() {
        try (BoundedFanOut fanOut = new BoundedFanOut(2)) {
            Thread caller = Thread.currentThread();
            assertThat(fanOut.map(List.of(1), i -> Thread.currentThread() == caller ? "here" : "elsewhere", AS_TEXT))
                    .containsExactly("here");
        }
        assertThatThrownBy(() -> new BoundedFanOut(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
