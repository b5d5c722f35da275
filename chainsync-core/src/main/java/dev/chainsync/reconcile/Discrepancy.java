package dev.chainsync.reconcile;

import java.util.Objects;

/**
 * One item on which the chain and the database disagree, with each side's view (null where absent)
 * and, optionally, what the type's comparison learnt about it ({@code context}: a value of the type's
 * own, for its heal or its finding; never stored, so a review rebuilt from its row has none).
 */
public record Discrepancy(String key, DiscrepancyKind kind, Observed chain, Observed database, Object context) {
    public Discrepancy {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
    }

    /** A discrepancy without context. */
    public Discrepancy(String key, DiscrepancyKind kind, Observed chain, Observed database) {
        this(key, kind, chain, database, null);
    }

    /** Whether the chain side has something a correction could copy into the database. */
    boolean chainHasValue() {
        return chain != null;
    }
}
