package dev.chainsync.queue;

import dev.chainsync.db.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The lease/version SQL of one leased queue table: a table whose rows carry {@code id},
 * {@code lease_owner}, {@code lease_until} and {@code version}. Every queue in the engine (chain
 * operations, webhook messages, and what comes next) claims and settles through this class, so the
 * pattern is written once:
 *
 * <ul>
 *   <li>a claim is one statement that leases the rows a caller's due-rows select names and bumps
 *       their version, the select skipping (not waiting on) rows another worker has locked;
 *   <li>a settle is one statement that sets new values on many rows from parallel arrays
 *       ({@code unnest}), clears their lease and bumps their version, and touches only rows whose
 *       version is still the one their claim left: a row another worker took over after this
 *       worker's lease ran out is left alone, and the ids returned say which rows changed.
 * </ul>
 */
public final class LeaseTable {
    private final String table;
    private final String alias;

    /** {@code alias} names the table in statements; callers' fragments qualify columns with it. */
    public LeaseTable(String table, String alias) {
        this.table = table;
        this.alias = alias;
    }

    /**
     * The claim statement. Parameters, in order: the owner, the lease end, those of
     * {@code extraAssignments}, those of {@code dueIds}.
     *
     * @param extraAssignments further {@code SET} items (such as {@code updated_at = ?}), or empty
     * @param from further tables the {@code RETURNING} list reads, joined by {@code joinCondition}, or empty
     * @param dueIds a select of the ids to claim, ending in {@code FOR UPDATE SKIP LOCKED}
     */
    public String claim(String extraAssignments, String from, String dueIds, String joinCondition, String returning) {
        // "= ANY (ARRAY(...))" rather than "IN (SELECT ...)": PostgreSQL plans the IN form as a hash
        // semi-join that scans the whole table, settled history included, on every claim.
        return "UPDATE " + table + " " + alias + "\n   SET lease_owner = ?, lease_until = ?, version = " + alias
                + ".version + 1" + (extraAssignments.isEmpty() ? "" : ", " + extraAssignments)
                + (from.isEmpty() ? "" : "\n  FROM " + from)
                + "\n WHERE " + alias + ".id = ANY (ARRAY(" + dueIds + "))"
                + (joinCondition.isEmpty() ? "" : " AND " + joinCondition)
                + "\nRETURNING " + returning;
    }

    /**
     * A versioned set statement: for each row, {@code assignments} (which read the per-row values
     * as {@code u.<column name>}), the lease cleared and the version bumped, where the version still
     * matches. Parameters of {@code assignments} are passed to {@link Settle#apply}.
     */
    @SafeVarargs
    public final <T extends Leased> Settle<T> settle(String assignments, Column<? super T>... columns) {
        StringBuilder arrays = new StringBuilder("?::bigint[], ?::bigint[]");
        StringBuilder names = new StringBuilder("id, version");
        for (Column<? super T> column : columns) {
            arrays.append(", ?::").append(column.sqlType()).append("[]");
            names.append(", ").append(column.name());
        }
        String sql = "UPDATE " + table + " " + alias + "\n   SET "
                + (assignments.isEmpty() ? "" : assignments + ", ")
                + "lease_owner = NULL, lease_until = NULL, version = " + alias + ".version + 1"
                + "\n  FROM unnest(" + arrays + ") AS u(" + names + ")"
                + "\n WHERE " + alias + ".id = u.id AND " + alias + ".version = u.version"
                + "\nRETURNING " + alias + ".id";
        return new Settle<T>(sql, List.<Column<? super T>>of(columns));
    }

    /** A prepared versioned set statement; see {@link LeaseTable#settle}. */
    public static final class Settle<T extends Leased> {
        private final String sql;
        private final List<Column<? super T>> columns;

        private Settle(String sql, List<Column<? super T>> columns) {
            this.sql = sql;
            this.columns = columns;
        }

        /** Applies the statement to {@code rows}; returns the ids of the rows still at their claimed version. */
        public Set<Long> apply(Connection c, List<? extends T> rows, Object... params) throws SQLException {
            if (rows.isEmpty()) {
                return Set.of();
            }
            List<Object> all = new ArrayList<>(List.of(params));
            all.add(Jdbc.array(c, "bigint", rows.stream().map(Leased::id).toArray(Long[]::new)));
            all.add(Jdbc.array(c, "bigint", rows.stream().map(Leased::version).toArray(Long[]::new)));
            for (Column<? super T> column : columns) {
                // Instants travel as ISO-8601 text with their offset (see Jdbc.instants).
                all.add(Jdbc.array(
                        c,
                        column.sqlType().equals("timestamptz") ? "text" : column.sqlType(),
                        rows.stream()
                                .map(column.value())
                                .map(v -> v instanceof Instant i ? i.toString() : v)
                                .toArray()));
            }
            return Jdbc.updatedIds(c, sql, all.toArray());
        }

        /** The statement's text, for plan tests. */
        public String sql() {
            return sql;
        }
    }

    /**
     * Locks the rows of {@code rows} still at their claimed version, so nothing moves between this
     * check and the caller's writes in the same transaction; returns their ids.
     */
    public Set<Long> lockHeld(Connection c, List<? extends Leased> rows) throws SQLException {
        if (rows.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(Jdbc.query(
                c,
                "SELECT " + alias + ".id FROM " + table + " " + alias
                        + "\n  JOIN unnest(?::bigint[], ?::bigint[]) AS u(id, version) ON " + alias + ".id = u.id AND "
                        + alias + ".version = u.version\n   FOR UPDATE OF " + alias,
                r -> r.getLong(1),
                Jdbc.array(c, "bigint", rows.stream().map(Leased::id).toArray(Long[]::new)),
                Jdbc.array(c, "bigint", rows.stream().map(Leased::version).toArray(Long[]::new))));
    }

    /**
     * Gives back every claim {@code owner} holds on rows matching {@code condition}, with
     * {@code assignments} applied too. Keyed on the owner, not the version: after a pass failed
     * half-way the worker no longer knows which versions its own updates left, but only it can hold
     * its lease. Parameters: those of {@code assignments}, then those of {@code condition}.
     */
    public int releaseOwned(Connection c, String owner, String assignments, String condition, Object... params)
            throws SQLException {
        int split = count(assignments);
        List<Object> all = new ArrayList<>(List.of(params).subList(0, split));
        all.add(owner);
        all.addAll(List.of(params).subList(split, params.length));
        return Jdbc.update(
                c,
                "UPDATE " + table + " " + alias + "\n   SET "
                        + (assignments.isEmpty() ? "" : assignments + ", ")
                        + "lease_owner = NULL, lease_until = NULL, version = " + alias + ".version + 1"
                        + "\n WHERE " + alias + ".lease_owner = ? AND " + condition,
                all.toArray());
    }

    private static int count(String fragment) {
        return (int) fragment.chars().filter(ch -> ch == '?').count();
    }
}
