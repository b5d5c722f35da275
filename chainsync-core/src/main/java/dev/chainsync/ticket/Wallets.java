package dev.chainsync.ticket;

import dev.chainsync.chain.Base58;

/** Wallet addresses as tickets take them: base58 of a 32-byte public key (Solana's form). */
public final class Wallets {
    private Wallets() {}

    /** Whether {@code address} is base58 decoding to exactly 32 bytes. */
    public static boolean valid(String address) {
        if (address == null || address.isEmpty() || address.length() > 44) {
            return false;
        }
        try {
            return Base58.decode(address).length == 32;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code address} if valid; otherwise an invalid-request refusal naming {@code field}. */
    static String require(String field, String address) {
        if (!valid(address)) {
            throw TicketRequestException.invalid(field, field + " must be a base58 wallet address of 32 bytes");
        }
        return address;
    }
}
