package dev.chainsync.chain;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The port between chainsync's write path and a blockchain: everything the relay, the confirmation
 * tracker and reconciliation need, and nothing else.
 *
 * <p>Implementations: the in-process {@code devnet} simulator (default), later Solana and EVM
 * adapters. Every network method may throw {@link ChainException}; {@link #buildMemoTransaction}
 * is pure and deterministic so a caller can know a transaction's signature before it is sent.
 */
public interface ChainClient extends AutoCloseable {

    /** Short identifier of the chain, e.g. {@code devnet}, {@code solana}, {@code evm}. */
    String name();

    /**
     * What tells this chain apart from another of the same name (Solana's genesis hash, the devnet's
     * id), shared by every instance on one database; empty when it cannot be read now.
     */
    default java.util.Optional<String> chainId() {
        return java.util.Optional.empty();
    }

    /** Current block height at {@code confirmed} commitment. */
    long blockHeight();

    /** How many blocks a blockhash stays usable (150 on Solana). */
    default long blockhashValidityBlocks() {
        return 150;
    }

    /**
     * How long a transaction typically takes from submission to {@code commitment}. The
     * confirmation tracker does not ask about a transaction sooner: every earlier look is a wasted
     * claim and row write per operation. Zero when unknown.
     */
    default Duration expectedTimeTo(Commitment commitment) {
        return Duration.ZERO;
    }

    /** A recent blockhash and the last block height at which a transaction using it can land. */
    RecentBlockhash latestBlockhash();

    /**
     * What a new transaction of {@code signer} references, decided inside the database transaction
     * that records its attempts (so whatever it reserves there is recorded with them, or rolled back
     * with them). {@code latest} is what {@link #latestBlockhash()} returned before that transaction;
     * {@code previous} holds what the operations packed into it were last sent with (empty on a
     * first try, and for an operation whose last transaction landed failed). No network calls here. Solana-like chains use {@code latest} as it is; an EVM
     * chain takes the signer's next nonce from a row in {@code c}, or reuses {@code previous}'s
     * nonce for a replacement, so that at most one of them can land.
     */
    default RecentBlockhash reserve(
            java.sql.Connection c, String signer, RecentBlockhash latest, List<RecentBlockhash> previous)
            throws java.sql.SQLException {
        return latest;
    }

    /** Solana's limit on a serialized transaction (the IPv6 MTU minus headers). */
    int SOLANA_MAX_TRANSACTION_BYTES = 1232;

    /** Most memo instructions one transaction may carry, whatever their size. */
    default int maxMemosPerTransaction() {
        return 255;
    }

    /** The largest transaction, in wire bytes, this chain accepts. */
    default int maxTransactionBytes() {
        return SOLANA_MAX_TRANSACTION_BYTES;
    }

    /**
     * The wire size of a transaction carrying {@code memos}, one memo instruction each. Pure; lets
     * a caller pack as many memos as fit {@link #maxTransactionBytes()} before signing anything.
     */
    int memoTransactionBytes(List<String> memos);

    /**
     * Builds and signs a transaction with one memo instruction per element of {@code memos}, in
     * order, under one signature. Pure: no network, and the same inputs give the same signature
     * (Ed25519 is deterministic), which lets the relay record the signature before it submits and
     * re-send identical bytes after a crash.
     *
     * @throws IllegalArgumentException if {@code memos} is empty, a memo cannot be encoded, or the
     *     transaction would exceed {@link #maxTransactionBytes()}
     */
    SignedTransaction buildMemoTransaction(Signer signer, List<String> memos, RecentBlockhash blockhash);

    /** A transaction carrying the single memo {@code memo}. */
    default SignedTransaction buildMemoTransaction(Signer signer, String memo, RecentBlockhash blockhash) {
        return buildMemoTransaction(signer, List.of(memo), blockhash);
    }

    /**
     * Sends a signed transaction. Returns its signature once the node accepted it (which does not
     * mean it will land). Re-sending identical bytes is harmless: the chain deduplicates by signature.
     */
    String submit(SignedTransaction transaction);

    /**
     * Status of each signature the chain knows; signatures it does not know (not landed, dropped,
     * or never sent) are absent from the map.
     */
    Map<String, SignatureStatus> signatureStatuses(Collection<String> signatures);

    /**
     * Transactions written by {@code address}, newest first, optionally only those older than
     * {@code beforeSignature}, at most {@code limit}, each with all its memos. Like Solana's
     * getSignaturesForAddress (whose memo field joins every memo of the transaction).
     */
    List<ChainRecord> recordsByAddress(String address, String beforeSignature, int limit);

    /** One transaction by signature, if it landed (like Solana's getTransaction, reduced to its memos). */
    Optional<ChainRecord> transaction(String signature);

    /** A cheap liveness probe; never throws. */
    ChainHealth health();

    @Override
    default void close() {}
}
