package dev.chainsync.db;

import java.sql.SQLException;

/** A database call failed; wraps the {@link SQLException} so callers above the JDBC edge stay unchecked. */
public class DataAccessException extends RuntimeException {
    private final String sqlState;

    public DataAccessException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage(), cause);
        this.sqlState = cause.getSQLState();
    }

    /** The five-character SQLSTATE, or null. */
    public String sqlState() {
        return sqlState;
    }
}
