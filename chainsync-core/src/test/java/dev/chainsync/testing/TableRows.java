package dev.chainsync.testing;

import dev.chainsync.db.Jdbc;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Query results as sorted, comparable text rows, for tests that check two tables hold the same. */
public final class TableRows {
    private TableRows() {}

    /**
     * Every row of {@code sql} as {@code column=value ...}, sorted; numbers without trailing zeros
     * (so 1.50 equals 1.5) and bytes as hex.
     */
    public static List<String> sorted(Jdbc jdbc, String sql) {
        List<String> rows = new ArrayList<>(jdbc.query(sql, TableRows::row));
        rows.sort(null);
        return rows;
    }

    private static String row(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            Object v = rs.getObject(i);
            if (v instanceof BigDecimal d) {
                v = d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
            } else if (v instanceof byte[] b) {
                v = HexFormat.of().formatHex(b);
            }
            sb.append(md.getColumnName(i)).append('=').append(v).append(' ');
        }
        return sb.toString();
    }
}
