package dev.chainsync.ticket;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** The royalty owed on one confirmed resale: {@code salePrice * royaltyBps / 10000}, exact. */
public record RoyaltyEntry(
        long id,
        UUID transferId,
        UUID ticketId,
        UUID eventId,
        String signature,
        long slot,
        BigDecimal salePrice,
        int royaltyBps,
        BigDecimal royaltyAmount,
        Instant createdAt) {
    /** The royalty on {@code price} at {@code bps} basis points, exact (no rounding). */
    public static BigDecimal amount(BigDecimal price, int bps) {
        return price.multiply(BigDecimal.valueOf(bps)).movePointLeft(4).stripTrailingZeros();
    }
}
