package dev.chainsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Which events a batch defers to an earlier uncommitted batch of the same process, and until when. */
class InFlightTest {
    private static ChainEvent event(String tx, long log) {
        return new ChainEvent.Generic(
                new ChainEvent.Meta("n", 1L, "0xaa", "0xbb", 10, Instant.EPOCH, tx, log, 0), "X", null, "{}");
    }

    private static ParsedEntry entry(String id, ChainEvent... events) {
        return new ParsedEntry(new StreamEntry("s", id, Map.of(), 1), List.of(events), null);
    }

    @Test
    void aLaterBatchDefersOnlyTheEventsAnUncommittedEarlierBatchOwns() {
        InFlight f = new InFlight();
        InFlight.Claim a = f.claim(List.of(entry("1-0", event("0x1", 0), event("0x1", 1))));
        InFlight.Claim b = f.claim(List.of(entry("2-0", event("0x1", 1), event("0x2", 0))));
        assertThat(a.anyDeferred()).isFalse();
        assertThat(b.anyDeferred()).isTrue();
        assertThat(b.deferred(event("0x1", 1))).isTrue();
        assertThat(b.deferred(event("0x2", 0))).isFalse();
        assertThat(b.deferred(event("0x1", 0))).isFalse();

        List<List<ParsedEntry>> parts = InFlight.split(List.of(entry("2-0", event("0x1", 1), event("0x2", 0))), b);
        assertThat(parts.get(0))
                .singleElement()
                .satisfies(p -> assertThat(p.events()).containsExactly(event("0x2", 0)));
        assertThat(parts.get(1)).singleElement().satisfies(p -> {
            assertThat(p.entry().id()).isEqualTo("2-0");
            assertThat(p.events()).containsExactly(event("0x1", 1));
        });

        f.release(a);
        f.release(b);
        assertThat(f.claim(List.of(entry("3-0", event("0x1", 1)))).anyDeferred())
                .isFalse();
    }

    @Test
    void theLaterBatchWaitsUntilTheEarlierOneIsOver() throws Exception {
        InFlight f = new InFlight();
        InFlight.Claim a = f.claim(List.of(entry("1-0", event("0x1", 0))));
        InFlight.Claim b = f.claim(List.of(entry("2-0", event("0x1", 0))));
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(b::awaitEarlier);
        assertThatThrownBy(() -> waiting.get(200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        f.release(a);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(waiting::isDone);
        assertThat(waiting).isCompleted();
    }

    @Test
    void eventsTakenInUnderTheLockAreClaimedForLaterBatches() {
        InFlight f = new InFlight();
        InFlight.Claim a = f.claim(List.of(entry("1-0", event("0x1", 0))));
        f.extend(a, List.of(entry("1-1", event("0x3", 0))));
        InFlight.Claim b = f.claim(List.of(entry("2-0", event("0x3", 0))));
        assertThat(b.deferred(event("0x3", 0))).isTrue();
    }

    @Test
    void anInterruptedWaitSaysSoAndKeepsTheInterrupt() throws Exception {
        InFlight f = new InFlight();
        f.claim(List.of(entry("1-0", event("0x1", 0))));
        InFlight.Claim b = f.claim(List.of(entry("2-0", event("0x1", 0))));
        CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            Thread.currentThread().interrupt();
            try {
                b.awaitEarlier();
                stillInterrupted.completeExceptionally(new AssertionError("did not throw"));
            } catch (InFlight.Interrupted e) {
                stillInterrupted.complete(Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        assertThat(stillInterrupted.get(5, TimeUnit.SECONDS)).isTrue();
    }
}
