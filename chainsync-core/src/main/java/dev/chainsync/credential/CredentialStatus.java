package dev.chainsync.credential;

import java.util.Locale;

/** A credential's state as seen from the database. */
public enum CredentialStatus {
    PENDING,
    SUBMITTED,
    CONFIRMED,
    FINALIZED,
    FAILED,
    DEAD_LETTERED,
    RECOVERED_FROM_CHAIN;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CredentialStatus fromDb(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    /** True when the memo is known to be on chain. */
    public boolean onChain() {
        return this == CONFIRMED || this == FINALIZED || this == RECOVERED_FROM_CHAIN;
    }
}
