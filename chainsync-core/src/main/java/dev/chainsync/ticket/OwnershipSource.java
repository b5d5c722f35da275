package dev.chainsync.ticket;

import java.util.Locale;

/** What made an owner change, as the ownership audit trail records it. */
public enum OwnershipSource {
    /** The ticket's mint confirmed: its first owner. */
    MINT,
    /** A transfer the platform sent, confirmed. */
    PLATFORM_TRANSFER,
    /** A transfer the owner's wallet made on chain directly, seen by ownership sync. */
    DIRECT_TRANSFER,
    /** Reconciliation found the database owner wrong and set it to the chain's. */
    RECONCILIATION_CORRECTION,
    /** The ticket's burn confirmed: no owner any more. */
    BURN;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OwnershipSource fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
