package dev.chainsync.chain;

import java.util.List;

/**
 * A signed transaction ready to send. {@code signature} is its id on chain (base58 for Solana-like
 * chains); {@code wire} is the exact bytes to submit; {@code memos} are its memo instructions in
 * order, all under the one signature (a transaction with other instructions lists only its memos).
 */
public record SignedTransaction(
        String signature, byte[] wire, String signer, List<String> memos, RecentBlockhash blockhash) {
    public SignedTransaction {
        memos = List.copyOf(memos);
    }
}
