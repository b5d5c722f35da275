package dev.chainsync.reconcile;

import dev.chainsync.outbox.NewOperation;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A data type the {@link ReconcileEngine} keeps consistent: how to read each side (I/O, outside any
 * transaction), how to compare them (pure), which side wins, how urgent it is, and the two
 * corrections a policy may call for. See docs/architecture.md, "how to add a reconciled data type".
 *
 * @param <C> what the chain side reads
 * @param <D> what the database side reads
 */
public interface ReconciledType<C, D> {
    /** What {@link #healDatabase} returns when it found nothing to change. */
    String UNCHANGED = "(unchanged: the database no longer holds what the run read)";

    /** The stable name: {@code reconciliation_runs.kind}, the schedule's key, the audit rows' data type. */
    String name();

    SourceOfTruth sourceOfTruth();

    Severity severity();

    /** Reads the chain side for a run covering {@code from} to {@code to}. */
    C readChain(Instant from, Instant to);

    /** Reads the database side; it may look only at the keys the chain side found. */
    D readDatabase(Instant from, Instant to, C chain);

    /** Pure: the discrepancies between the two sides, in a stable order. */
    List<Discrepancy> compare(C chain, D database, Instant now);

    /**
     * Where a run's window starts, given the engine's ({@code now} less the window) and where the last
     * successful run of this type ended. By default the engine's; a type whose runs must join up
     * (nothing between two runs unchecked, whatever the downtime) reaches back further.
     */
    default Instant windowStart(Instant from, Optional<Instant> lastSuccessEnd) {
        return from;
    }

    /**
     * A second look at the chain once the database side is known (I/O, outside any transaction): for
     * items the database has that the first read did not list. By default, nothing more to read.
     */
    default C recheckChain(C chain, D database) {
        return chain;
    }

    /** What a run looked at, stored with it (the credential type counts memos, credentials and matches). */
    default Tally tally(C chain, D database, List<Discrepancy> found) {
        return Tally.NONE;
    }

    /** Sizes of a run's two sides and how many items agreed. */
    record Tally(int chainRecords, int dbRecords, int matched) {
        public static final Tally NONE = new Tally(0, 0, 0);
    }

    /** Whether {@link #healDatabase} can correct {@code d}; otherwise a chain-wins finding is reported. */
    default boolean canHeal(Discrepancy d) {
        return true;
    }

    /**
     * Makes the database agree with the chain for one discrepancy, inside the engine's transaction
     * {@code tx}; returns the database state after, for the audit row (null when the item is gone), or
     * {@link #UNCHANGED} when the database no longer holds what the run read (changed since, or healed
     * by another run already): nothing is recorded then.
     * Called only when the chain wins (by policy or by a review's {@code accept_chain}).
     */
    String healDatabase(Connection tx, Discrepancy d, long runId, Instant now) throws SQLException;

    /**
     * The operation that re-writes the chain from the database for one discrepancy, or empty when
     * the chain cannot be changed for it (a type with nothing to write reports the finding instead).
     * Its idempotency key must name the item and the value, so a repeated run enqueues it once.
     */
    Optional<NewOperation> rewriteChain(Discrepancy d);

    /**
     * Carries out what reporting {@code d} means for this type beyond the finding (the credential type
     * writes a {@code flagged} history entry), inside {@code tx}; false when it was reported already
     * (by another run at the same moment), so nothing is recorded twice.
     */
    default boolean report(Connection tx, Discrepancy d, long runId, Instant now) throws SQLException {
        return true;
    }
}
