package dev.chainsync.chain;

/** Result of a chain liveness probe. */
public record ChainHealth(boolean up, long blockHeight, String detail) {}
