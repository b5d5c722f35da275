package dev.chainsync.chain;

import java.time.Instant;
import java.util.List;

/**
 * One successful change of a ticket token on chain, as {@link ChainClient#tokenTransfers} lists it.
 * {@code from} is null for a mint, {@code to} null for a burn. {@code signer} is who signed the
 * transaction: the platform's address for a platform operation, the owner's wallet for a direct
 * transfer. {@code memos} are the transaction's memos (a platform transaction names its operation).
 */
public record TokenTransfer(
        String signature,
        long slot,
        Instant blockTime,
        String mint,
        Kind kind,
        String from,
        String to,
        String signer,
        List<String> memos) {
    /** What the change did. */
    public enum Kind {
        MINT,
        TRANSFER,
        BURN
    }

    public TokenTransfer {
        memos = List.copyOf(memos);
    }
}
