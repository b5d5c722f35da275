package dev.chainsync.db;

/**
 * The database's schema is older than this build's migrations, and the command asking is one that
 * never changes the schema (a read-only command must not migrate a production database as a side effect).
 */
public final class SchemaOutdatedException extends RuntimeException {
    public SchemaOutdatedException(String message) {
        super(message);
    }
}
