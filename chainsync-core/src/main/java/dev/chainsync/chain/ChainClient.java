package dev.chainsync.chain;

import java.util.Collection;
import java.util.Map;

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

    /** Current block height at {@code confirmed} commitment. */
    long blockHeight();

    /** How many blocks a blockhash stays usable (150 on Solana). */
    default long blockhashValidityBlocks() {
        return 150;
    }

    /** A recent blockhash and the last block height at which a transaction using it can land. */
    RecentBlockhash latestBlockhash();

    /**
     * Builds and signs a memo-style transaction. Pure: no network, and the same inputs give the
     * same signature (Ed25519 is deterministic), which lets the relay record the signature before
     * it submits and re-send identical bytes after a crash.
     */
    SignedTransaction buildMemoTransaction(Signer signer, String memo, RecentBlockhash blockhash);

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
     * Records written by {@code address}, newest first, optionally only those older than
     * {@code beforeSignature}, at most {@code limit}. Like Solana's getSignaturesForAddress with memos.
     */
    java.util.List<ChainRecord> recordsByAddress(String address, String beforeSignature, int limit);

    /** One transaction by signature, if it landed (like Solana's getTransaction, reduced to the memo). */
    java.util.Optional<ChainRecord> transaction(String signature);

    /** A cheap liveness probe; never throws. */
    ChainHealth health();

    @Override
    default void close() {}
}
