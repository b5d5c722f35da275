package dev.chainsync.chain;

/** How settled a landed transaction is, weakest first. */
public enum Commitment {
    PROCESSED,
    CONFIRMED,
    FINALIZED;

    /** True when this level is at least as strong as {@code other}. */
    public boolean atLeast(Commitment other) {
        return compareTo(other) >= 0;
    }

    /** Lower-case wire name, as Solana spells it. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses a wire name, case-insensitive. */
    public static Commitment parse(String value) {
        return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
