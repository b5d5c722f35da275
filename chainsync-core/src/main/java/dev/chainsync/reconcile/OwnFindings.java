package dev.chainsync.reconcile;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * A data type whose findings keep a shape subscribers and the API already know (the credential
 * type: its finding names, actions, columns and event payload, and its counters), instead of the
 * engine's generic finding row.
 */
interface OwnFindings {
    /** Records the finding of {@code d} and its event inside {@code tx}, the transaction of the correction. */
    void finding(Connection tx, long runId, Discrepancy d, ReconcileStore.Applied applied, Instant now)
            throws SQLException;

    /** Counts what a committed correction did. */
    void counted(Discrepancy d, ReconcileStore.Applied applied);
}
