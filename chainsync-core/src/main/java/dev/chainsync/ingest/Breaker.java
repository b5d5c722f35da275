package dev.chainsync.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The circuit breaker in front of PostgreSQL: {@code threshold} consecutive failures open it
 * for {@code openFor} (on the injected clock); then one trial batch may run (half-open), and
 * its outcome closes or re-opens it. While it is not closed, consumers read nothing new.
 */
final class Breaker {
    enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    private final int threshold;
    private final Duration openFor;
    private final Clock clock;
    private int consecutiveFailures;
    private Instant openUntil;
    private boolean trialRunning;

    Breaker(int threshold, Duration openFor, Clock clock) {
        this.threshold = threshold;
        this.openFor = openFor;
        this.clock = clock;
    }

    /** What {@link #permit()} granted. */
    enum Permit {
        DENIED,
        GRANTED,
        TRIAL
    }

    /** May a batch go to the database now? In half-open state only one caller gets the {@code TRIAL}. */
    synchronized Permit permit() {
        if (openUntil == null) {
            return Permit.GRANTED;
        }
        if (clock.instant().isBefore(openUntil) || trialRunning) {
            return Permit.DENIED;
        }
        trialRunning = true;
        return Permit.TRIAL;
    }

    /** {@link #permit()} as a yes or no. */
    synchronized boolean allow() {
        return permit() != Permit.DENIED;
    }

    synchronized void success() {
        consecutiveFailures = 0;
        openUntil = null;
        trialRunning = false;
    }

    /**
     * The trial batch ended without a verdict (an unexpected error): let another one run. Only the
     * holder of the {@code TRIAL} permit calls this.
     */
    synchronized void abandonTrial() {
        trialRunning = false;
    }

    /** Records a database failure; returns true when this one opened the breaker. */
    synchronized boolean failure() {
        consecutiveFailures++;
        boolean wasClosed = openUntil == null;
        if (trialRunning || consecutiveFailures >= threshold) {
            openUntil = clock.instant().plus(openFor);
            trialRunning = false;
            return wasClosed;
        }
        return false;
    }

    synchronized State state() {
        if (openUntil == null) {
            return State.CLOSED;
        }
        return clock.instant().isBefore(openUntil) && !trialRunning ? State.OPEN : State.HALF_OPEN;
    }

    synchronized int consecutiveFailures() {
        return consecutiveFailures;
    }
}
