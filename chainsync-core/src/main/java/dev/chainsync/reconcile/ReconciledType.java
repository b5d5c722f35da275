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

    /** Whether {@link #healDatabase} can correct {@code d}; otherwise a chain-wins finding is reported. */
    default boolean canHeal(Discrepancy d) {
        return true;
    }

    /**
     * Makes the database agree with the chain for one discrepancy, inside the engine's transaction
     * {@code tx}; returns the database state after, for the audit row. Called only when the chain wins
     * (by policy or by a review's {@code accept_chain}).
     */
    String healDatabase(Connection tx, Discrepancy d, long runId, Instant now) throws SQLException;

    /**
     * The operation that re-writes the chain from the database for one discrepancy, or empty when
     * the chain cannot be changed for it (a type with nothing to write reports the finding instead).
     * Its idempotency key must name the item and the value, so a repeated run enqueues it once.
     */
    Optional<NewOperation> rewriteChain(Discrepancy d);
}
