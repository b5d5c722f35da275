package dev.chainsync.chain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Faults a {@link Devnet} injects, changeable at any time from any thread (tests, admin endpoint).
 * Rates are probabilities in [0, 1]; outage windows are on the devnet's clock.
 */
public final class DevnetFaults {
    public static final double DEFAULT_RPC_ERROR_RATE = 0.0;
    public static final double DEFAULT_DROP_RATE = 0.0;
    public static final double DEFAULT_FAIL_RATE = 0.0;
    public static final Duration DEFAULT_LATENCY = Duration.ZERO;

    /** A time span {@code [from, to)} during which the devnet is unreachable. */
    public record Outage(Instant from, Instant to) {
        public Outage {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            if (!to.isAfter(from)) {
                throw new IllegalArgumentException("outage must end after it starts: " + from + " .. " + to);
            }
        }

        boolean covers(Instant instant) {
            return !instant.isBefore(from) && instant.isBefore(to);
        }
    }

    // Volatile fields rather than a lock: the hot path only reads them, and each one is independent.
    private volatile double rpcErrorRate = DEFAULT_RPC_ERROR_RATE;
    private volatile double dropRate = DEFAULT_DROP_RATE;
    private volatile double failRate = DEFAULT_FAIL_RATE;
    private volatile Duration latency = DEFAULT_LATENCY;
    private final List<Outage> outages = new CopyOnWriteArrayList<>();

    /** Probability that any RPC call fails with {@link ChainException.Kind#UNAVAILABLE}. */
    public double rpcErrorRate() {
        return rpcErrorRate;
    }

    public DevnetFaults rpcErrorRate(double rate) {
        rpcErrorRate = checkRate("rpcErrorRate", rate);
        return this;
    }

    /** Probability that an accepted transaction silently never lands. */
    public double dropRate() {
        return dropRate;
    }

    public DevnetFaults dropRate(double rate) {
        dropRate = checkRate("dropRate", rate);
        return this;
    }

    /** Probability that a transaction lands with an execution error. */
    public double failRate() {
        return failRate;
    }

    public DevnetFaults failRate(double rate) {
        failRate = checkRate("failRate", rate);
        return this;
    }

    /** Real time each RPC call sleeps before answering. */
    public Duration latency() {
        return latency;
    }

    public DevnetFaults latency(Duration value) {
        Objects.requireNonNull(value, "latency");
        if (value.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + value);
        }
        latency = value;
        return this;
    }

    /** Adds an outage window {@code [from, to)} on the devnet's clock. */
    public DevnetFaults outage(Instant from, Instant to) {
        outages.add(new Outage(from, to));
        return this;
    }

    public DevnetFaults clearOutages() {
        outages.clear();
        return this;
    }

    /** The outage windows, in the order they were added. */
    public List<Outage> outages() {
        return List.copyOf(outages);
    }

    /** The outage covering {@code now}, or null. */
    Outage outageAt(Instant now) {
        for (Outage outage : outages) {
            if (outage.covers(now)) {
                return outage;
            }
        }
        return null;
    }

    /** Back to no faults at all. */
    public DevnetFaults reset() {
        rpcErrorRate = DEFAULT_RPC_ERROR_RATE;
        dropRate = DEFAULT_DROP_RATE;
        failRate = DEFAULT_FAIL_RATE;
        latency = DEFAULT_LATENCY;
        outages.clear();
        return this;
    }

    private static double checkRate(String name, double rate) {
        // The negated form also rejects NaN.
        if (!(rate >= 0.0 && rate <= 1.0)) {
            throw new IllegalArgumentException(name + " must be within [0, 1]: " + rate);
        }
        return rate;
    }

    @Override
    public String toString() {
        return "DevnetFaults[rpcErrorRate=" + rpcErrorRate + ", dropRate=" + dropRate + ", failRate=" + failRate
                + ", latency=" + latency + ", outages=" + outages + "]";
    }
}
