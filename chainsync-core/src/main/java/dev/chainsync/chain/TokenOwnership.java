package dev.chainsync.chain;

/**
 * Who holds a ticket token on chain: {@code owner} is the wallet of its token account, {@code
 * amount} 1 while it exists and 0 once burned (then {@code owner} is the last holder), {@code slot}
 * the slot of the change that made it so.
 */
public record TokenOwnership(String mint, String owner, long amount, long slot) {
    /** Whether the token was burned. */
    public boolean burned() {
        return amount == 0;
    }
}
