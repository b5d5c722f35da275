package dev.chainsync.testing;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.ChainHealth;
import dev.chainsync.chain.ChainRecord;
import dev.chainsync.chain.Commitment;
import dev.chainsync.chain.RecentBlockhash;
import dev.chainsync.chain.SignatureStatus;
import dev.chainsync.chain.SignedTransaction;
import dev.chainsync.chain.Signer;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A chain client that forwards every call, the interface's defaults included, to {@code delegate};
 * tests override the calls they intercept. It does not close the delegate: that chain belongs to
 * whoever made it.
 */
public class ForwardingChainClient implements ChainClient {
    protected final ChainClient delegate;

    public ForwardingChainClient(ChainClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public long blockHeight() {
        return delegate.blockHeight();
    }

    @Override
    public long blockhashValidityBlocks() {
        return delegate.blockhashValidityBlocks();
    }

    @Override
    public Duration expectedTimeTo(Commitment commitment) {
        return delegate.expectedTimeTo(commitment);
    }

    @Override
    public RecentBlockhash latestBlockhash() {
        return delegate.latestBlockhash();
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
    public int maxTransactionBytes() {
        return delegate.maxTransactionBytes();
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
    public int transactionBytes(List<dev.chainsync.chain.ChainInstruction> instructions) {
        return delegate.transactionBytes(instructions);
    }

    @Override
    public SignedTransaction buildTransaction(
            Signer signer, List<dev.chainsync.chain.ChainInstruction> instructions, RecentBlockhash blockhash) {
        return delegate.buildTransaction(signer, instructions, blockhash);
    }

    @Override
    public Optional<dev.chainsync.chain.TokenOwnership> tokenOwner(String mint) {
        return delegate.tokenOwner(mint);
    }

    @Override
    public Map<String, dev.chainsync.chain.TokenOwnership> tokenOwners(Collection<String> mints) {
        return delegate.tokenOwners(mints);
    }

    @Override
    public List<dev.chainsync.chain.TokenTransfer> tokenTransfers(String mint, String beforeSignature, int limit) {
        return delegate.tokenTransfers(mint, beforeSignature, limit);
    }

    @Override
    public String submit(SignedTransaction transaction) {
        return delegate.submit(transaction);
    }

    @Override
    public Map<String, SignatureStatus> signatureStatuses(Collection<String> signatures) {
        return delegate.signatureStatuses(signatures);
    }

    @Override
    public List<ChainRecord> recordsByAddress(String address, String beforeSignature, int limit) {
        return delegate.recordsByAddress(address, beforeSignature, limit);
    }

    @Override
    public Optional<ChainRecord> transaction(String signature) {
        return delegate.transaction(signature);
    }

    @Override
    public ChainHealth health() {
        return delegate.health();
    }
}
