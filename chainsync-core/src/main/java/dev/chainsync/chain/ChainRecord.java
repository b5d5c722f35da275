package dev.chainsync.chain;

import java.time.Instant;

/** One transaction written by an address, as a chain history lists it. */
public record ChainRecord(String signature, long slot, Instant blockTime, String memo, String error) {}
