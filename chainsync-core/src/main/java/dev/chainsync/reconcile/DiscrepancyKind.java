package dev.chainsync.reconcile;

/** How the chain side and the database side of one item disagree (seed 001 section 4.2, plus value and staleness). */
public enum DiscrepancyKind {
    MISSING_ON_CHAIN,
    MISSING_IN_DB,
    OWNER_MISMATCH,
    VALUE_MISMATCH,
    STALE;

    /** The name stored in {@code reconciliation_findings.finding}. */
    public String dbName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
