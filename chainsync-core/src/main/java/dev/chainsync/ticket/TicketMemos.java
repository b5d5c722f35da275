package dev.chainsync.ticket;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads the memos the platform puts in its ticket transactions, for ownership sync and royalty
 * reconciliation looking at {@link dev.chainsync.chain.TokenTransfer#memos()}:
 * {@code chainsync:ticket.mint:<ticket id>}, {@code chainsync:ticket.transfer:<transfer id>} with
 * {@code " price=<decimal>"} appended for a sale, and {@code chainsync:ticket.burn:<ticket id>}. A
 * transfer without such a memo was not sent by the platform (a direct transfer by the owner's wallet).
 */
public final class TicketMemos {
    private static final String TRANSFER = TicketOps.MEMO_PREFIX + TicketOps.TRANSFER + ":";
    private static final String PRICE = " price=";

    private TicketMemos() {}

    /** The pending transfer a platform transfer transaction carried out, if these memos name one. */
    public static Optional<UUID> transferId(List<String> memos) {
        return transferMemo(memos).map(m -> {
            int end = m.indexOf(' ', TRANSFER.length());
            return UUID.fromString(m.substring(TRANSFER.length(), end < 0 ? m.length() : end));
        });
    }

    /** The sale price a platform transfer put on chain; empty for a gift or a transaction not the platform's. */
    public static Optional<BigDecimal> price(List<String> memos) {
        return transferMemo(memos).flatMap(m -> {
            int at = m.indexOf(PRICE);
            return at < 0 ? Optional.empty() : Optional.of(new BigDecimal(m.substring(at + PRICE.length())));
        });
    }

    private static Optional<String> transferMemo(List<String> memos) {
        for (String m : memos) {
            if (m.startsWith(TRANSFER)) {
                try {
                    int end = m.indexOf(' ', TRANSFER.length());
                    UUID.fromString(m.substring(TRANSFER.length(), end < 0 ? m.length() : end));
                    return Optional.of(m);
                } catch (IllegalArgumentException e) {
                    // Someone else's memo that merely looks like ours.
                }
            }
        }
        return Optional.empty();
    }
}
