package dev.chainsync.worker;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one lifecycle under every background loop: runs one pass of work over and over on a thread
 * it owns, straight again when the pass found work, after {@code idleDelay} (or sooner, on
 * {@link #wake()}) when it did not. A pass that throws is logged and followed by a pause; it never
 * kills the worker. {@link #start()} runs once; {@link #close()} lets the pass in flight finish
 * (interrupting it after a bounded wait), is idempotent, and a closed worker cannot start again.
 */
public final class PollingWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PollingWorker.class);
    /** How long close() waits for the pass in flight before interrupting it. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(60);
    /** Passes failing without a success for this long make the worker count as broken. */
    public static final Duration BROKEN_AFTER = Duration.ofSeconds(60);

    private final String name;
    private final Duration idleDelay;
    private final Duration closeTimeout;
    private final IntSupplier pass;
    private final Semaphore signal = new Semaphore(0);
    private volatile boolean stopRequested;
    private Thread thread;
    private boolean closed;
    private volatile long lastPassOkNanos = System.nanoTime();
    private volatile long lastPassFailedNanos;
    private volatile String lastError;

    /** A worker's state for health reports: broken means its thread died or every pass has failed for a while. */
    public record Health(boolean started, boolean running, boolean broken, String lastError) {
        /** Several workers as one component: running when all run, broken when any is. */
        public static Health of(List<Health> parts) {
            return new Health(
                    !parts.isEmpty() && parts.stream().allMatch(Health::started),
                    !parts.isEmpty() && parts.stream().allMatch(Health::running),
                    parts.stream().anyMatch(Health::broken),
                    parts.stream()
                            .map(Health::lastError)
                            .filter(Objects::nonNull)
                            .findFirst()
                            .orElse(null));
        }
    }

    public PollingWorker(String name, Duration idleDelay, IntSupplier pass) {
        this(name, idleDelay, DEFAULT_CLOSE_TIMEOUT, pass);
    }

    public PollingWorker(String name, Duration idleDelay, Duration closeTimeout, IntSupplier pass) {
        if (idleDelay.isNegative() || idleDelay.isZero()) {
            throw new IllegalArgumentException(name + ": idle delay must be positive, got " + idleDelay);
        }
        if (closeTimeout.isNegative() || closeTimeout.isZero()) {
            throw new IllegalArgumentException(name + ": close timeout must be positive, got " + closeTimeout);
        }
        this.name = name;
        this.idleDelay = idleDelay;
        this.closeTimeout = closeTimeout;
        this.pass = pass;
    }

    /** Starts the loop; a second start, or a start after {@link #close()}, throws {@link IllegalStateException}. */
    public synchronized PollingWorker start() {
        if (closed) {
            throw new IllegalStateException(name + " closed");
        }
        if (thread != null) {
            throw new IllegalStateException(name + " already started");
        }
        thread = Thread.ofPlatform().name(name).daemon(false).start(this::loop);
        return this;
    }

    private void loop() {
        while (!stopRequested) {
            int done;
            try {
                done = pass.getAsInt();
                lastPassOkNanos = System.nanoTime();
            } catch (RuntimeException e) {
                lastPassFailedNanos = System.nanoTime();
                lastError = e.toString();
                log.warn("{}: pass failed, will retry after {} ms: {}", name, idleDelay.toMillis(), e.toString(), e);
                done = 0;
            }
            if (done == 0 && pause()) {
                return;
            }
        }
    }

    /** Waits the idle delay or until woken; returns true when asked to stop meanwhile. */
    private boolean pause() {
        try {
            signal.tryAcquire(idleDelay.toMillis(), TimeUnit.MILLISECONDS);
            signal.drainPermits();
            return stopRequested;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Ends the idle wait now, so new work is picked up at once; harmless while a pass runs. */
    public void wake() {
        signal.release();
    }

    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    public Health health() {
        boolean started;
        boolean isClosed;
        Thread t;
        synchronized (this) {
            t = thread;
            started = t != null;
            isClosed = closed;
        }
        boolean running = started && !isClosed && t.isAlive();
        long failedAt = lastPassFailedNanos;
        long okAt = lastPassOkNanos;
        boolean failing = failedAt != 0 && failedAt - okAt > 0 && System.nanoTime() - okAt > BROKEN_AFTER.toNanos();
        boolean broken = started && !isClosed && (!running || failing);
        return new Health(started, running, broken, broken ? lastError : null);
    }

    /**
     * Stops after the pass in flight; if that pass has not finished within the close timeout, it is
     * interrupted and waited for once more as long. Idempotent; safe from the worker's own thread.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
        }
        stopRequested = true;
        signal.release();
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        try {
            if (!t.join(closeTimeout)) {
                log.warn("{}: still running after {}; interrupting", name, closeTimeout);
                t.interrupt();
                if (!t.join(closeTimeout)) {
                    log.error("{}: did not stop within {} of the interrupt; leaving it", name, closeTimeout);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
