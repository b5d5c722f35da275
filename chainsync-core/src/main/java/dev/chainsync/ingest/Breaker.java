package dev.chainsync.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The circuit breaker in front of PostgreSQL: {@code threshold} consecutive failures open it;
 * every {@link #PROBE_INTERVAL} (or {@code timeout}, if shorter; on the injected clock) one caller
 * gets a trial (half-open), a probe of the database whose outcome closes or re-opens it. So it
 * closes within a probe interval of the database answering again, not after a fixed timeout.
 * While it is not closed, consumers read nothing new.
 */
final class Breaker {
    enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    /** How often an open breaker lets a probe through. */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

    private final int threshold;
    private final Duration probeEvery;
    private final Clock clock;
    private int consecutiveFailures;
    private Instant openUntil;
    private boolean trialRunning;

    Breaker(int threshold, Duration timeout, Clock clock) {
        this.threshold = threshold;
        this.probeEvery = timeout.compareTo(PROBE_INTERVAL) < 0 ? timeout : PROBE_INTERVAL;
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

    /** Records a database failure; returns true when this one opened the breaker. */
    synchronized boolean failure() {
        consecutiveFailures++;
        boolean wasClosed = openUntil == null;
        if (trialRunning || consecutiveFailures >= threshold) {
            openUntil = clock.instant().plus(probeEvery);
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
