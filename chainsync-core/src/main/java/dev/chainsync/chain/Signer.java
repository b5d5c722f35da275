package dev.chainsync.chain;

/** Something that signs with a key whose public half is {@code address()}. */
public interface Signer {
    /** Public address (base58 of the Ed25519 public key for Solana-like chains). */
    String address();

    /** Signs {@code message}; deterministic for Ed25519. */
    byte[] sign(byte[] message);
}
