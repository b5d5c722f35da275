package dev.chainsync.reconcile;

import java.util.Objects;

/** One item on which the chain and the database disagree, with each side's view (null where absent). */
public record Discrepancy(String key, DiscrepancyKind kind, Observed chain, Observed database) {
    public Discrepancy {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
    }

    /** Whether the chain side has something a correction could copy into the database. */
    boolean chainHasValue() {
        return chain != null;
    }
}
