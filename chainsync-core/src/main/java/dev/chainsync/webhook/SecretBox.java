package dev.chainsync.webhook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts endpoint signing secrets at rest with AES-256-GCM. Secrets sign with HMAC, so they
 * cannot be hashed like API keys; the database holds only ciphertext, bound to its endpoint.
 */
public final class SecretBox {
    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);
    static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte FORMAT_VERSION = 1;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final SecretKeySpec key;
    private final String keyId;
    private final SecureRandom random = new SecureRandom();

    private SecretBox(byte[] keyBytes) {
        if (keyBytes.length != KEY_BYTES) {
            throw new IllegalArgumentException("the webhook encryption key must be " + KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(keyBytes, "AES");
        this.keyId = fingerprint(keyBytes);
    }

    /** A box with the given raw key (tests, benchmarks). */
    public static SecretBox of(byte[] keyBytes) {
        return new SecretBox(keyBytes.clone());
    }

    /**
     * The configured key ({@code CHAINSYNC_WEBHOOK_ENCRYPTION_KEY}), or the one in the key file,
     * generated there on first start like the issuer keypair.
     */
    public static SecretBox load(WebhookConfig config) {
        if (config.encryptionKey() != null) {
            return new SecretBox(Base64.getDecoder().decode(config.encryptionKey()));
        }
        return loadOrGenerate(config.encryptionKeyFile());
    }

    static SecretBox loadOrGenerate(Path file) {
        try {
            if (Files.exists(file)) {
                return read(file);
            }
            byte[] fresh = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(fresh);
            Path target = file.toAbsolutePath();
            Files.createDirectories(target.getParent());
            boolean posix = Files.getFileStore(target.getParent()).supportsFileAttributeView("posix");
            FileAttribute<?>[] attrs = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                    : new FileAttribute<?>[0];
            try {
                // CREATE_NEW: of two instances starting at once on one data directory, one key wins.
                Files.write(
                        Files.createFile(target, attrs),
                        (Base64.getEncoder().encodeToString(fresh) + "\n").getBytes(StandardCharsets.US_ASCII),
                        StandardOpenOption.WRITE,
                        StandardOpenOption.SYNC);
            } catch (FileAlreadyExistsException e) {
                return read(file);
            }
            SecretBox box = new SecretBox(fresh);
            log.info(
                    "generated the webhook secret encryption key {} in {}; back it up, or set "
                            + "CHAINSYNC_WEBHOOK_ENCRYPTION_KEY (required when several instances share the database)",
                    box.keyId,
                    target);
            return box;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the webhook encryption key file " + file, e);
        }
    }

    private static SecretBox read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            return new SecretBox(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "the webhook encryption key file " + file + " does not hold 32 bytes in base64", e);
        }
    }

    /** A short public fingerprint of the key, stored next to each ciphertext to explain a key mismatch. */
    public String keyId() {
        return keyId;
    }

    /**
     * Encrypts {@code plaintext}; {@code context} (what the ciphertext belongs to, e.g. the endpoint)
     * must be given again to decrypt, so a ciphertext moved elsewhere does not open.
     */
    public byte[] seal(byte[] plaintext, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(plaintext);
            return ByteBuffer.allocate(1 + NONCE_BYTES + ct.length)
                    .put(FORMAT_VERSION)
                    .put(nonce)
                    .put(ct)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Decrypts what {@link #seal} produced for the same {@code context}. */
    public byte[] open(byte[] sealed, String context, String storedKeyId) {
        if (!keyId.equals(storedKeyId)) {
            throw new IllegalStateException(
                    "a webhook secret was encrypted with key " + storedKeyId + " but the configured key is " + keyId
                            + "; set CHAINSYNC_WEBHOOK_ENCRYPTION_KEY to the original key");
        }
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != FORMAT_VERSION) {
            throw new IllegalStateException("unknown webhook secret format");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "a webhook secret failed authentication: tampered, or moved between endpoints", e);
        }
    }

    private static String fingerprint(byte[] keyBytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(keyBytes);
            return HexFormat.of().formatHex(Arrays.copyOf(d, 8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "SecretBox[keyId=" + keyId + "]";
    }
}
