package dev.chainsync.chain;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RPC endpoints of one chain in order of preference, each with its own circuit breaker, its
 * last seen block height and last failure: what every JSON-RPC adapter (Solana, EVM) does alike.
 *
 * <p>Reads go to the first endpoint, in the configured order, that is not more than
 * {@code maxLagBlocks} behind the best one and whose breaker lets the call through; a request that
 * fails on the node (UNAVAILABLE: transport error, timeout, HTTP 429/5xx, a node-side JSON-RPC
 * error) moves on to the next and counts a failover. An answer about the request itself is final.
 * An open breaker refuses without a request, so a call refused everywhere was sent nowhere
 * ({@link ChainException.Reach#NOT_SENT}). chainsync's outer breaker opens only when every endpoint fails.
 *
 * <p>Exports {@code chainsync_chain_rpc_failovers_total{endpoint,role}} and
 * {@code chainsync_chain_rpc_height_lag_blocks{endpoint,role}}; {@link #close} removes them again.
 * The role ({@value #ROLE_WRITE} for a write adapter, {@value #ROLE_INGEST} for the EVM ingest
 * source) keeps two readers of the same node apart: each has its own breakers and meters.
 *
 * @param <R> one endpoint's JSON-RPC client
 */
public final class RpcEndpoints<R> implements AutoCloseable {
    /** Calls each endpoint's breaker judges its failure rate over. */
    public static final int SLIDING_WINDOW_CALLS = 10;
    /** Calls an endpoint's breaker needs before it may open. */
    public static final int MINIMUM_CALLS = 3;
    /** The {@code role} tag of a write adapter's endpoints. */
    public static final String ROLE_WRITE = "write";
    /** The {@code role} tag of the native EVM ingest source's endpoints. */
    public static final String ROLE_INGEST = "ingest";

    private static final Logger log = LoggerFactory.getLogger(RpcEndpoints.class);

    private final String chain;
    private final List<Endpoint<R>> endpoints;
    private final long maxLagBlocks;
    private final MeterRegistry registry;
    private final String role;
    private final ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * @param chain names the chain in messages ("Solana", "EVM")
     * @param rpcs one client per endpoint, most preferred first
     * @param label names an endpoint in logs, metrics and /health (without secrets)
     * @param maxLagBlocks an endpoint further than this behind the best one is not read from
     * @param failureRatePercent failure rate that opens one endpoint's breaker
     * @param openDuration how long an endpoint's breaker stays open
     */
    public RpcEndpoints(
            String chain,
            List<R> rpcs,
            Function<R, String> label,
            long maxLagBlocks,
            int failureRatePercent,
            Duration openDuration,
            Clock clock,
            MeterRegistry registry) {
        this(chain, ROLE_WRITE, rpcs, label, maxLagBlocks, failureRatePercent, openDuration, clock, registry);
    }

    /**
     * As {@link #RpcEndpoints(String, List, Function, long, int, Duration, Clock, MeterRegistry)},
     * with {@code role} ({@link #ROLE_WRITE}, {@link #ROLE_INGEST}) tagging the meters.
     */
    public RpcEndpoints(
            String chain,
            String role,
            List<R> rpcs,
            Function<R, String> label,
            long maxLagBlocks,
            int failureRatePercent,
            Duration openDuration,
            Clock clock,
            MeterRegistry registry) {
        if (rpcs.isEmpty()) {
            throw new IllegalArgumentException("at least one " + chain + " RPC endpoint is needed");
        }
        this.chain = chain;
        this.maxLagBlocks = maxLagBlocks;
        this.registry = registry;
        this.role = role;
        List<Endpoint<R>> list = new ArrayList<>();
        for (R rpc : rpcs) {
            Endpoint<R> e = new Endpoint<>(
                    rpc, label.apply(rpc), chain, role, failureRatePercent, openDuration, clock, registry);
            list.add(e);
            Gauge.builder("chainsync_chain_rpc_height_lag_blocks", () -> lagOf(e))
                    .tag("endpoint", e.label)
                    .tag("role", role)
                    .description("Blocks this endpoint is behind the best one (NaN until seen)")
                    .register(registry);
        }
        this.endpoints = List.copyOf(list);
    }

    /** Failures that say the node is in trouble (not answers about the request). */
    public static boolean nodeFailure(Throwable e) {
        return e instanceof ChainException ce && ce.kind() == ChainException.Kind.UNAVAILABLE;
    }

    /** How many endpoints there are. */
    public int size() {
        return endpoints.size();
    }

    /** Runs {@code call} on the first readable endpoint that answers; node failures move on to the next. */
    public <T> T read(String what, Function<R, T> call) {
        ChainException failed = null;
        for (Endpoint<R> e : readable()) {
            try {
                return e.call(() -> call.apply(e.rpc));
            } catch (ChainException ex) {
                if (ex.reach() == ChainException.Reach.NOT_SENT) {
                    continue; // breaker open: nothing was asked, so no failover either
                }
                if (!nodeFailure(ex) || ex.reach() == ChainException.Reach.UNKNOWN) {
                    throw ex; // an answer about the request, or an interruption with an unknown outcome
                }
                failed = ex;
                e.failovers.increment();
                log.debug("{} failed on {}, trying the next endpoint: {}", what, e.label, ex.getMessage());
            }
        }
        if (failed != null) {
            throw new ChainException(
                    failed.kind(),
                    failed.reach(),
                    what + ": no " + chain + " RPC endpoint answered; last: " + failed.getMessage(),
                    failed);
        }
        // Nothing was sent anywhere, so the caller may count this as no attempt at all.
        throw new ChainException(
                ChainException.Kind.UNAVAILABLE,
                ChainException.Reach.NOT_SENT,
                what + ": every " + chain + " RPC endpoint is paused (breaker open) or lagging" + lastErrors(),
                null);
    }

    /**
     * Asks every endpoint for its height (in parallel, each through its breaker) and answers the
     * lowest among those not too far behind the best: a conclusion drawn from a height ("the
     * blockhash expired", "this receipt is deep enough") then holds on every endpoint read from.
     */
    public long agreedHeight(String what, ToLongFunction<R> height) {
        Map<Endpoint<R>, Future<Long>> asked = new LinkedHashMap<>();
        for (Endpoint<R> e : endpoints) {
            // An open breaker refuses at once, without a request; one whose open period is over lets a trial through.
            asked.put(e, probes.submit(() -> e.call(() -> height.applyAsLong(e.rpc))));
        }
        List<Long> answered = new ArrayList<>();
        for (Map.Entry<Endpoint<R>, Future<Long>> a : asked.entrySet()) {
            try {
                long h = a.getValue().get();
                a.getKey().height = h;
                answered.add(h);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new ChainException(
                        ChainException.Kind.UNAVAILABLE, ChainException.Reach.UNKNOWN, "interrupted", ex);
            } catch (ExecutionException ex) {
                log.debug(
                        "{} probe failed on {}: {}",
                        what,
                        a.getKey().label,
                        ex.getCause().getMessage());
            }
        }
        if (answered.isEmpty()) {
            throw new ChainException(
                    ChainException.Kind.UNAVAILABLE, "no " + chain + " RPC endpoint answered " + what + lastErrors());
        }
        long best = answered.stream().mapToLong(Long::longValue).max().orElseThrow();
        return answered.stream()
                .mapToLong(Long::longValue)
                .filter(h -> best - h <= maxLagBlocks)
                .min()
                .orElse(best);
    }

    /** The highest block height seen on any endpoint, or -1 before any was seen. */
    public long bestHeight() {
        return endpoints.stream().mapToLong(e -> e.height).max().orElse(-1);
    }

    /** One entry per endpoint, in the configured order: up, down (breaker open) or lagging. */
    public List<ChainHealth.Endpoint> health() {
        long best = bestHeight();
        List<ChainHealth.Endpoint> out = new ArrayList<>();
        for (Endpoint<R> e : endpoints) {
            long lag = e.height < 0 || best < 0 ? -1 : best - e.height;
            String status = !e.permits() ? "down" : lag > maxLagBlocks ? "lagging" : "up";
            out.add(new ChainHealth.Endpoint(e.label, status, e.height, lag, e.breakerState(), e.lastError));
        }
        return out;
    }

    /** "n of m RPC endpoints up", for a health detail. */
    public String upSummary(List<ChainHealth.Endpoint> health) {
        return health.stream().filter(e -> e.status().equals("up")).count() + " of " + endpoints.size()
                + " RPC endpoints up";
    }

    /** The endpoints' last failures as " (label: error; ...)", or nothing. */
    public String lastErrors() {
        StringBuilder s = new StringBuilder();
        for (Endpoint<R> e : endpoints) {
            if (e.lastError != null) {
                s.append(s.isEmpty() ? " (" : "; ").append(e.lastError);
            }
        }
        return s.isEmpty() ? "" : s.append(')').toString();
    }

    private List<Endpoint<R>> readable() {
        long best = bestHeight();
        return endpoints.stream()
                .filter(e -> e.height < 0 || best - e.height <= maxLagBlocks)
                .toList();
    }

    private double lagOf(Endpoint<R> e) {
        long best = bestHeight();
        return e.height < 0 || best < 0 ? Double.NaN : best - e.height;
    }

    /** Stops the probes and removes this chain's endpoint meters. */
    @Override
    public void close() {
        probes.shutdownNow();
        for (Endpoint<R> e : endpoints) {
            registry.find("chainsync_chain_rpc_height_lag_blocks")
                    .tag("endpoint", e.label)
                    .tag("role", role)
                    .meters()
                    .forEach(registry::remove);
            registry.remove(e.failovers);
        }
    }

    /** One endpoint: its client, breaker, failover counter and what was last seen of it. */
    private static final class Endpoint<R> {
        final R rpc;
        final String label;
        final Counter failovers;
        private final CircuitBreaker breaker;
        volatile long height = -1;
        volatile String lastError;

        Endpoint(
                R rpc,
                String label,
                String chain,
                String role,
                int failureRatePercent,
                Duration openDuration,
                Clock clock,
                MeterRegistry registry) {
            this.rpc = rpc;
            this.label = label;
            this.failovers = Counter.builder("chainsync_chain_rpc_failovers_total")
                    .tag("endpoint", label)
                    .tag("role", role)
                    .description("Requests that failed on this endpoint and went to the next")
                    .register(registry);
            this.breaker = CircuitBreaker.of(
                    chain.toLowerCase(Locale.ROOT) + "-" + role + "-rpc-" + label,
                    CircuitBreakerConfig.custom()
                            .failureRateThreshold(failureRatePercent)
                            .slidingWindowSize(SLIDING_WINDOW_CALLS)
                            .minimumNumberOfCalls(MINIMUM_CALLS)
                            .permittedNumberOfCallsInHalfOpenState(1)
                            .waitDurationInOpenState(openDuration)
                            .recordException(RpcEndpoints::nodeFailure)
                            .clock(clock)
                            .build());
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
                        label + ": circuit breaker open",
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
    }
}
