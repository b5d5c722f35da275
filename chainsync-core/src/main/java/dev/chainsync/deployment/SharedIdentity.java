package dev.chainsync.deployment;

import java.util.Objects;

/**
 * What every instance on one database must share, as this instance is configured: the issuer's
 * public key, the webhook encryption key's fingerprint (never the key), the chain's name and id.
 *
 * @param chainId the genesis hash (Solana) or the devnet's id; null when the chain could not be
 *     asked at start (then it is not checked)
 */
public record SharedIdentity(String issuerPublicKey, String webhookKeyFingerprint, String chain, String chainId) {
    /** The chain name of the in-process devnet, which lives inside one process. */
    public static final String DEVNET = "devnet";

    public SharedIdentity {
        Objects.requireNonNull(issuerPublicKey, "issuerPublicKey");
        Objects.requireNonNull(webhookKeyFingerprint, "webhookKeyFingerprint");
        Objects.requireNonNull(chain, "chain");
        if (DEVNET.equals(chain) && chainId == null) {
            throw new IllegalArgumentException("a devnet always knows its id");
        }
    }

    boolean devnet() {
        return DEVNET.equals(chain);
    }
}
