package dev.chainsync.credential;

import java.time.Instant;

/** A credential record; issuer, recipient and file fields are null for one recovered from the chain. */
public record Credential(
        long id,
        String hash,
        String issuerId,
        String recipientId,
        String serial,
        String fileSha256,
        Long fileSize,
        Instant issuedAt,
        String issuerAddress,
        String issuerSignature,
        String memo,
        CredentialStatus status,
        String chainSignature,
        Long chainSlot,
        Instant confirmedAt,
        Instant createdAt,
        Instant updatedAt) {

    /** This credential as stored under {@code newId}. */
    Credential withId(long newId) {
        return new Credential(
                newId,
                hash,
                issuerId,
                recipientId,
                serial,
                fileSha256,
                fileSize,
                issuedAt,
                issuerAddress,
                issuerSignature,
                memo,
                status,
                chainSignature,
                chainSlot,
                confirmedAt,
                createdAt,
                updatedAt);
    }
}
