package dev.chainsync.queue;

import dev.chainsync.worker.PollingWorker;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** Runs {@link LeasedWork}: one pass by hand, or passes over and over on a {@link PollingWorker}. */
public final class LeasedQueue {
    private LeasedQueue() {}

    /**
     * One pass: claim, then process outside any transaction; a pass that fails half-way gives its
     * claims back and rethrows. Returns how many rows it claimed.
     */
    public static <B extends LeasedWork.Batch> int pass(LeasedWork<B> work, Clock clock) {
        return run(work, clock).map(b -> b.rows().size()).orElse(0);
    }

    /** {@link #pass}, returning the batch it processed (empty when nothing was claimed). */
    public static <B extends LeasedWork.Batch> Optional<B> run(LeasedWork<B> work, Clock clock) {
        B batch = work.claim(clock.instant());
        if (batch == null || batch.rows().isEmpty()) {
            return Optional.empty();
        }
        try {
            work.process(batch);
        } catch (RuntimeException e) {
            work.giveBack(batch, e);
            throw e;
        }
        return Optional.of(batch);
    }

    /** A worker (not started) running passes of {@code work}: back to back while they claim, else after {@code idle}. */
    public static <B extends LeasedWork.Batch> PollingWorker worker(
            String name, Duration idle, LeasedWork<B> work, Clock clock) {
        return new PollingWorker(name, idle, () -> pass(work, clock));
    }
}
