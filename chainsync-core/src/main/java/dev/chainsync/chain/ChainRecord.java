package dev.chainsync.chain;

import java.time.Instant;
import java.util.List;

/**
 * One transaction written by an address, as a chain history lists it, with every memo it carries
 * in instruction order (a transaction may pack several memo instructions under one signature), and
 * its signer (the fee payer, first account key): who wrote it, which a memo alone cannot prove.
 */
public record ChainRecord(
        String signature, String signer, long slot, Instant blockTime, List<String> memos, String error) {
    public ChainRecord {
        java.util.Objects.requireNonNull(signer, "signer");
        memos = List.copyOf(memos);
    }

    /** A transaction carrying a single memo. */
    public ChainRecord(String signature, String signer, long slot, Instant blockTime, String memo, String error) {
        this(signature, signer, slot, blockTime, List.of(memo), error);
    }

    /** Whether one of this transaction's memo instructions is exactly {@code memo}. */
    public boolean carries(String memo) {
        return memos.contains(memo);
    }
}
