package dev.chainsync.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Works on a claimed batch's items at once on virtual threads, at most {@code maxParallel} at a
 * time, while the caller waits for all of them: the "work outside any transaction" step of a
 * leased-queue pass, where network latency, not CPU, bounds the work. A slow node or endpoint then
 * does not make a batch take batch-size round trips.
 */
public final class BoundedFanOut implements AutoCloseable {
    private final int maxParallel;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    /** What an item's work came to when it did not return. */
    public interface Failures<T, R> {
        /** The caller was interrupted (a shutdown) while this item's work was under way: its outcome is unknown. */
        R cutOff(T item);

        /** The work threw {@code cause}. */
        R crashed(T item, Throwable cause);
    }

    public BoundedFanOut(int maxParallel) {
        if (maxParallel < 1) {
            throw new IllegalArgumentException("maxParallel must be at least 1, got " + maxParallel);
        }
        this.maxParallel = maxParallel;
    }

    /**
     * {@code work} applied to every item, results in the items' order. A lone item runs on the
     * calling thread. If the caller is interrupted, work not yet done is cancelled and reported as
     * {@link Failures#cutOff}, and the interrupt is kept for the caller to see.
     */
    public <T, R> List<R> map(List<T> items, Function<? super T, ? extends R> work, Failures<T, R> failures) {
        List<R> out = new ArrayList<>(items.size());
        if (items.size() == 1) {
            out.add(work.apply(items.getFirst()));
            return out;
        }
        Semaphore permits = new Semaphore(maxParallel);
        List<Future<R>> futures = new ArrayList<>(items.size());
        for (T item : items) {
            futures.add(threads.submit(() -> {
                permits.acquire();
                try {
                    return work.apply(item);
                } finally {
                    permits.release();
                }
            }));
        }
        boolean interrupted = false;
        for (int i = 0; i < items.size(); i++) {
            Future<R> f = futures.get(i);
            T item = items.get(i);
            if (interrupted && !f.isDone()) {
                f.cancel(true);
                out.add(failures.cutOff(item));
                continue;
            }
            try {
                out.add(interrupted ? f.resultNow() : f.get());
            } catch (InterruptedException e) {
                interrupted = true;
                i--; // look at this item again, without waiting
            } catch (ExecutionException | IllegalStateException e) {
                out.add(failures.crashed(item, e instanceof ExecutionException ? e.getCause() : e));
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** Waits for work still running (a caller interrupted mid-batch leaves none it waits for). */
    @Override
    public void close() {
        threads.close();
    }
}
