package dev.chainsync.outbox;

import java.util.Locale;

/** Where a chain operation is in its life. */
public enum OperationStatus {
    /** Due for (re)submission at {@code next_attempt_at}. */
    PENDING,
    /** A transaction was sent; the confirmation tracker watches it. */
    SUBMITTED,
    /** It reached the configured commitment. Terminal. */
    CONFIRMED,
    /** Out of attempts; waits for a person to retry it. */
    DEAD_LETTERED;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OperationStatus fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
