package dev.chainsync.worker;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pass of work over and over on a thread it owns: straight again when the pass found
 * work, after {@code idleDelay} when it did not. A pass that throws is logged and followed by a
 * pause; it never kills the worker. {@link #close()} lets the pass in flight finish, then returns.
 */
public final class PollingWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PollingWorker.class);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final Duration idleDelay;
    private final IntSupplier pass;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private Thread thread;
    private volatile boolean closed;

    public PollingWorker(String name, Duration idleDelay, IntSupplier pass) {
        if (idleDelay.isNegative() || idleDelay.isZero()) {
            throw new IllegalArgumentException(name + ": idle delay must be positive, got " + idleDelay);
        }
        this.name = name;
        this.idleDelay = idleDelay;
        this.pass = pass;
    }

    public synchronized PollingWorker start() {
        if (thread != null) {
            throw new IllegalStateException(name + " already started");
        }
        thread = Thread.ofPlatform().name(name).daemon(false).start(this::loop);
        return this;
    }

    private void loop() {
        while (stopRequested.getCount() > 0) {
            int done;
            try {
                done = pass.getAsInt();
            } catch (RuntimeException e) {
                log.warn("{}: pass failed, will retry after {} ms: {}", name, idleDelay.toMillis(), e.toString(), e);
                done = 0;
            }
            if (done == 0 && pause()) {
                return;
            }
        }
    }

    /** Waits the idle delay; returns true when asked to stop meanwhile. */
    private boolean pause() {
        try {
            return stopRequested.await(idleDelay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** Stops after the pass in flight; idempotent. */
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
        stopRequested.countDown();
        if (t != null && t != Thread.currentThread()) {
            try {
                if (!t.join(JOIN_TIMEOUT)) {
                    log.warn("{}: still running after {}; interrupting", name, JOIN_TIMEOUT);
                    t.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
