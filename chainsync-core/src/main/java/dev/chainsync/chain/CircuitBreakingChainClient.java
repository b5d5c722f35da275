package dev.chainsync.chain;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Puts a circuit breaker in front of a chain: after too many {@link ChainException.Kind#UNAVAILABLE}
 * failures every call fails fast (UNAVAILABLE, {@link ChainException.Reach#NOT_SENT}) until
 * the open period on the injected clock has passed. Rejections by the chain itself (expired
 * blockhash, invalid transaction) do not count: the node answered.
 */
public final class CircuitBreakingChainClient implements ChainClient {
    public static final int SLIDING_WINDOW_CALLS = 20;
    public static final int MINIMUM_CALLS = 10;
    public static final int HALF_OPEN_CALLS = 3;

    private final ChainClient delegate;
    private final CircuitBreaker breaker;

    public CircuitBreakingChainClient(
            ChainClient delegate, int failureRatePercent, Duration openDuration, Clock clock) {
        this.delegate = delegate;
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .failureRateThreshold(failureRatePercent)
                .slidingWindowSize(SLIDING_WINDOW_CALLS)
                .minimumNumberOfCalls(MINIMUM_CALLS)
                .permittedNumberOfCallsInHalfOpenState(HALF_OPEN_CALLS)
                .waitDurationInOpenState(openDuration)
                .recordException(e -> e instanceof ChainException ce && ce.kind() == ChainException.Kind.UNAVAILABLE)
                .clock(clock)
                .build();
        this.breaker = CircuitBreaker.of("chain-" + delegate.name(), config);
    }

    /** The breaker's state in lower case: {@code closed}, {@code open}, {@code half_open}, ... */
    public String breakerState() {
        return breaker.getState().name().toLowerCase(Locale.ROOT);
    }

    /** True while calls are refused without reaching the chain. */
    public boolean isOpen() {
        return breaker.getState() == CircuitBreaker.State.OPEN
                || breaker.getState() == CircuitBreaker.State.FORCED_OPEN;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public java.util.Optional<String> chainId() {
        return delegate.chainId();
    }

    @Override
    public long blockHeight() {
        return call(delegate::blockHeight);
    }

    @Override
    public RecentBlockhash latestBlockhash() {
        return call(delegate::latestBlockhash);
    }

    @Override
    public Duration expectedTimeTo(Commitment commitment) {
        return delegate.expectedTimeTo(commitment);
    }

    @Override
    public long blockhashValidityBlocks() {
        return delegate.blockhashValidityBlocks();
    }

    @Override
    public int maxTransactionBytes() {
        return delegate.maxTransactionBytes();
    }

    @Override
    public int maxMemosPerTransaction() {
        return delegate.maxMemosPerTransaction();
    }

    @Override
    public RecentBlockhash reserve(
            java.sql.Connection c, String signer, RecentBlockhash latest, List<RecentBlockhash> previous)
            throws java.sql.SQLException {
        // Database work only, so not through the breaker.
        return delegate.reserve(c, signer, latest, previous);
    }

    @Override
    public int memoTransactionBytes(List<String> memos) {
        return delegate.memoTransactionBytes(memos);
    }

    @Override
    public SignedTransaction buildMemoTransaction(Signer signer, List<String> memos, RecentBlockhash blockhash) {
        return delegate.buildMemoTransaction(signer, memos, blockhash);
    }

    @Override
    public int transactionBytes(List<ChainInstruction> instructions) {
        return delegate.transactionBytes(instructions);
    }

    @Override
    public SignedTransaction buildTransaction(
            Signer signer, List<ChainInstruction> instructions, RecentBlockhash blockhash) {
        return delegate.buildTransaction(signer, instructions, blockhash);
    }

    @Override
    public java.util.Optional<TokenOwnership> tokenOwner(String mint) {
        return call(() -> delegate.tokenOwner(mint));
    }

    @Override
    public Map<String, TokenOwnership> tokenOwners(Collection<String> mints) {
        return call(() -> delegate.tokenOwners(mints));
    }

    @Override
    public List<TokenTransfer> tokenTransfers(String mint, String beforeSignature, int limit) {
        return call(() -> delegate.tokenTransfers(mint, beforeSignature, limit));
    }

    @Override
    public String submit(SignedTransaction transaction) {
        return call(() -> delegate.submit(transaction));
    }

    @Override
    public Map<String, SignatureStatus> signatureStatuses(Collection<String> signatures) {
        return call(() -> delegate.signatureStatuses(signatures));
    }

    @Override
    public List<ChainRecord> recordsByAddress(String address, String beforeSignature, int limit) {
        return call(() -> delegate.recordsByAddress(address, beforeSignature, limit));
    }

    @Override
    public java.util.Optional<ChainRecord> transaction(String signature) {
        return call(() -> delegate.transaction(signature));
    }

    @Override
    public ChainHealth health() {
        ChainHealth h = delegate.health();
        if (isOpen()) {
            return new ChainHealth(
                    false, h.blockHeight(), "circuit breaker open; chain says: " + h.detail(), h.endpoints());
        }
        return h;
    }

    @Override
    public void close() {
        delegate.close();
    }

    private <T> T call(Supplier<T> call) {
        try {
            return breaker.executeSupplier(call);
        } catch (CallNotPermittedException e) {
            throw new ChainException(
                    ChainException.Kind.UNAVAILABLE,
                    ChainException.Reach.NOT_SENT,
                    "circuit breaker open: chain calls paused",
                    e);
        }
    }
}
