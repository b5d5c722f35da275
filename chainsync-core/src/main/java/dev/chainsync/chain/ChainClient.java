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
 * <p>Implementations: the in-process {@code devnet} simulator (default), Solana and EVM adapters.
 * Every network method may throw {@link ChainException}; {@link #buildMemoTransaction} and
 * {@link #buildTransaction} are pure and deterministic so a caller can know a transaction's
 * signature before it is sent.
 *
 * <p>Instructions: a transaction carries a list of {@link ChainInstruction}s. Memo-only lists work
 * on every chain (the defaults route them to the memo methods). Ticket instructions (mint, transfer,
 * burn of an NFT) need a chain that implements {@link #transactionBytes}, {@link #buildTransaction},
 * {@link #tokenOwner} and {@link #tokenTransfers}; the others throw {@link
 * UnsupportedInstructionException}. The contract an implementation must keep:
 * <ul>
 *   <li>a transaction's signature is the fee payer's ({@code signer}'s), so the relay's records and
 *       {@link #recordsByAddress} find it; extra signers (a new mint's key) only co-sign;
 *   <li>{@link ChainRecord#memos()} of a landed transaction lists its memo instructions, whatever
 *       else it carries: the relay puts the operation's memo in every transaction and searches for it
 *       before building another, so a ticket operation never lands twice;
 *   <li>an instruction that cannot execute (the token is not where the instruction says) makes the
 *       transaction land failed ({@link SignatureStatus#failed()}), never half-applied;
 *   <li>{@link #tokenOwner} and {@link #tokenTransfers} read at {@code confirmed} commitment and list
 *       transfers made directly by an owner's wallet too.
 * </ul>
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
     * The wire size of a transaction carrying {@code instructions}, in order. Pure. The default
     * handles memo-only lists through {@link #memoTransactionBytes}.
     *
     * @throws IllegalArgumentException if an instruction cannot be encoded
     * @throws UnsupportedInstructionException if this chain cannot carry one of them
     */
    default int transactionBytes(List<ChainInstruction> instructions) {
        return memoTransactionBytes(ChainInstruction.onlyMemos(instructions, name()));
    }

    /**
     * Builds and signs a transaction carrying {@code instructions} in order under {@code signer}'s
     * signature (and, for a {@link ChainInstruction.MintTicket}, the co-signature of the mint key
     * {@link TicketMints#keypair} derives). Pure and deterministic like {@link #buildMemoTransaction},
     * which a memo-only list must equal byte for byte, so that the relay's crash recovery
     * (record the signature, re-send identical bytes, search the signer's history for the memo)
     * holds for every kind of operation. {@link SignedTransaction#memos()} lists the memo
     * instructions only.
     *
     * @throws IllegalArgumentException if the list is empty, an instruction cannot be encoded, a
     *     mint address is not the derived one, or the transaction would exceed {@link #maxTransactionBytes()}
     * @throws UnsupportedInstructionException if this chain cannot carry one of them (EVM; Solana for now)
     */
    default SignedTransaction buildTransaction(
            Signer signer, List<ChainInstruction> instructions, RecentBlockhash blockhash) {
        return buildMemoTransaction(signer, ChainInstruction.onlyMemos(instructions, name()), blockhash);
    }

    /**
     * Who holds the ticket token of {@code mint} at {@code confirmed} commitment; empty when the chain
     * knows no such mint (never created, or its creation has not landed).
     *
     * @throws UnsupportedInstructionException on chains without ticket tokens
     */
    default Optional<TokenOwnership> tokenOwner(String mint) {
        throw new UnsupportedInstructionException(name(), "ticket tokens");
    }

    /** {@link #tokenOwner} for many mints; mints the chain does not know are absent. */
    default Map<String, TokenOwnership> tokenOwners(Collection<String> mints) {
        Map<String, TokenOwnership> out = new java.util.HashMap<>();
        for (String mint : mints) {
            tokenOwner(mint).ifPresent(o -> out.put(mint, o));
        }
        return out;
    }

    /**
     * The successful changes of {@code mint}'s token (mint, transfers, burn), newest first,
     * optionally only those older than {@code beforeSignature}, at most {@code limit}; failed
     * transactions are left out. Direct transfers by the owner's wallet are listed as well as the
     * platform's, told apart by {@link TokenTransfer#signer()}.
     *
     * @throws UnsupportedInstructionException on chains without ticket tokens
     */
    default List<TokenTransfer> tokenTransfers(String mint, String beforeSignature, int limit) {
        throw new UnsupportedInstructionException(name(), "ticket tokens");
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
