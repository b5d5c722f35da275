package dev.chainsync.ticket;

import java.util.Locale;

/** Where a ticket stands: being minted, active (its token exists), burned, or its mint failed for good. */
public enum TicketStatus {
    MINTING,
    ACTIVE,
    BURNED,
    MINT_FAILED;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TicketStatus fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
