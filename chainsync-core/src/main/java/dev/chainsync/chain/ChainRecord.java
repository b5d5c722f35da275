package dev.chainsync.chain;

import java.time.Instant;
import java.util.List;

/**
 * One transaction written by an address, as a chain history lists it, with every memo it carries
 * in instruction order (a transaction may pack several memo instructions under one signature).
 */
public record ChainRecord(String signature, long slot, Instant blockTime, List<String> memos, String error) {
    public ChainRecord {
        memos = List.copyOf(memos);
    }

    /** A transaction carrying a single memo. */
    public ChainRecord(String signature, long slot, Instant blockTime, String memo, String error) {
        this(signature, slot, blockTime, List.of(memo), error);
    }

    /** Whether one of this transaction's memo instructions is exactly {@code memo}. */
    public boolean carries(String memo) {
        return memos.contains(memo);
    }
}
