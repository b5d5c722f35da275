package dev.chainsync.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * A statement together with the transaction-local planner settings it must run under (decision 26):
 * the plan a statement gets must not depend on statistics that lag behind its table. Running and
 * explaining go through this one value, so a plan test sees exactly what production runs.
 *
 * @param settings {@code SET LOCAL ...} statements, separated by semicolons
 * @param sql the statement itself
 */
public record Planned(String settings, String sql) {
    public Planned {
        for (String setting : settings.split(";")) {
            if (!setting.strip().toUpperCase(Locale.ROOT).startsWith("SET LOCAL ")) {
                // A session-level SET would outlive the transaction on a pooled connection.
                throw new IllegalArgumentException("planner settings must all be SET LOCAL: " + settings);
            }
        }
    }

    /** Runs the query on {@code tx}, which must be in a transaction: the settings end with it. */
    public <T> List<T> query(Connection tx, Jdbc.RowMapper<T> mapper, Object... params) throws SQLException {
        apply(tx);
        return Jdbc.query(tx, sql, mapper, params);
    }

    /** The plan under the settings, one line per row (plan tests). */
    public List<String> explain(Connection tx, Object... params) throws SQLException {
        apply(tx);
        return Jdbc.query(tx, "EXPLAIN " + sql, r -> r.getString(1), params);
    }

    private void apply(Connection tx) throws SQLException {
        if (tx.getAutoCommit()) {
            throw new IllegalStateException("planner settings need a transaction; this connection is in auto-commit");
        }
        try (Statement s = tx.createStatement()) {
            s.execute(settings);
        }
    }
}
