package dev.chainsync.chain.solana;

import dev.chainsync.chain.ChainException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * One RPC endpoint with its own circuit breaker and what was last seen of it: its block height and
 * its last failure. A breaker open on one endpoint sends traffic to the others; chainsync's outer
 * breaker opens only when every endpoint fails.
 */
final class RpcEndpoint {
    static final int SLIDING_WINDOW_CALLS = 10;
    static final int MINIMUM_CALLS = 3;

    final SolanaRpc rpc;
    private final CircuitBreaker breaker;
    private volatile long height = -1;
    private volatile String lastError;

    RpcEndpoint(SolanaRpc rpc, int failureRatePercent, Duration openDuration, Clock clock) {
        this.rpc = rpc;
        this.breaker = CircuitBreaker.of(
                "solana-rpc-" + rpc.label(),
                CircuitBreakerConfig.custom()
                        .failureRateThreshold(failureRatePercent)
                        .slidingWindowSize(SLIDING_WINDOW_CALLS)
                        .minimumNumberOfCalls(MINIMUM_CALLS)
                        .permittedNumberOfCallsInHalfOpenState(1)
                        .waitDurationInOpenState(openDuration)
                        .recordException(RpcEndpoint::nodeFailure)
                        .clock(clock)
                        .build());
    }

    /** Failures that say the node is in trouble (not answers about the request). */
    static boolean nodeFailure(Throwable e) {
        return e instanceof ChainException ce && ce.kind() == ChainException.Kind.UNAVAILABLE;
    }

    String label() {
        return rpc.label();
    }

    /** Whether the breaker lets a call through now (closed, or half-open with a trial left). */
    boolean permits() {
        return breaker.getState() != CircuitBreaker.State.OPEN
                && breaker.getState() != CircuitBreaker.State.FORCED_OPEN;
    }

    String breakerState() {
        return breaker.getState().name().toLowerCase(Locale.ROOT);
    }

    /** Runs {@code call} through this endpoint's breaker; a refusal is UNAVAILABLE, NOT_SENT. */
    <T> T call(Supplier<T> call) {
        if (!breaker.tryAcquirePermission()) {
            throw new ChainException(
                    ChainException.Kind.UNAVAILABLE,
                    ChainException.Reach.NOT_SENT,
                    rpc.label() + ": circuit breaker open",
                    null);
        }
        long start = breaker.getCurrentTimestamp();
        try {
            T result = call.get();
            breaker.onResult(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), result);
            lastError = null;
            return result;
        } catch (RuntimeException e) {
            breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), e);
            if (nodeFailure(e)) {
                lastError = e.getMessage();
            }
            throw e;
        }
    }

    long height() {
        return height;
    }

    void height(long seen) {
        this.height = seen;
    }

    String lastError() {
        return lastError;
    }
}
