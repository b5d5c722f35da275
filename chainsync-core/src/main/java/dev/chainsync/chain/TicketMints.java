package dev.chainsync.chain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The key pair of a ticket's mint, derived from the platform's signing key and the ticket id, so a
 * mint address is known before anything is sent (the ticket row stores it) and a relay rebuilding a
 * creation after a crash signs it with the same key: signing stays deterministic.
 *
 * <p>Derivation: {@code seed = SHA-256(DOMAIN || signer.sign(DOMAIN || ":" || ticketId))}, the
 * Ed25519 seed of the mint's key pair. It needs only {@link Signer#sign} (deterministic for
 * Ed25519), never the platform's secret key itself; whoever cannot sign as the platform cannot
 * derive a mint key.
 */
public final class TicketMints {
    /** Domain separation of the derivation; changing it moves every future mint address. */
    static final String DOMAIN = "chainsync/ticket-mint/v1";

    private TicketMints() {}

    /** The mint key pair of ticket {@code ticketId} under the platform key {@code signer}. */
    public static Ed25519Keypair keypair(Signer signer, String ticketId) {
        byte[] proof = signer.sign((DOMAIN + ":" + ticketId).getBytes(StandardCharsets.UTF_8));
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(DOMAIN.getBytes(StandardCharsets.UTF_8));
            sha.update(proof);
            return Ed25519Keypair.fromSeed(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks SHA-256", e);
        }
    }

    /** The mint address of ticket {@code ticketId} under {@code signer}. */
    public static String address(Signer signer, String ticketId) {
        return keypair(signer, ticketId).address();
    }
}
