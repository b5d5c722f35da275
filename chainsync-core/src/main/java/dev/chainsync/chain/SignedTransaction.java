package dev.chainsync.chain;

/**
 * A signed memo transaction ready to send. {@code signature} is its id on chain (base58 for
 * Solana-like chains); {@code wire} is the exact bytes to submit.
 */
public record SignedTransaction(
        String signature, byte[] wire, String signer, String memo, RecentBlockhash blockhash) {}
