package dev.chainsync.reconcile;

/** Which side a data type trusts when they disagree (seed 001 section 1.6). */
public enum SourceOfTruth {
    /** Ownership and history: the database is healed to match the chain. */
    CHAIN_WINS,
    /** Mutable metadata anchored on chain: the chain is re-written through the outbox. */
    DATABASE_WINS,
    /** Financial data: a person decides in the review queue. */
    MANUAL_REVIEW;

    /** The name stored in the audit rows. */
    public String dbName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
