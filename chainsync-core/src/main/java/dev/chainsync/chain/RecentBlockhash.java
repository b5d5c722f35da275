package dev.chainsync.chain;

/** A blockhash a transaction may reference, valid while the block height is at most {@code lastValidBlockHeight}. */
public record RecentBlockhash(String blockhash, long lastValidBlockHeight) {}
