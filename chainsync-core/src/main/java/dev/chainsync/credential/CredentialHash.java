package dev.chainsync.credential;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The credential hash: SHA-256 over a canonical, line-oriented text layout that anyone can rebuild
 * (see docs/credential-hash.md):
 *
 * <pre>
 * chainsync-credential-v1\n
 * file-sha256:&lt;lower-case hex SHA-256 of the file bytes&gt;\n
 * issuer:&lt;issuer_id&gt;\n
 * recipient:&lt;recipient_id&gt;\n
 * issued-at:&lt;UTC instant, ISO-8601, millisecond precision, e.g. 2026-11-22T10:15:30.123Z&gt;\n
 * serial:&lt;serial or empty&gt;\n
 * </pre>
 *
 * Ids are restricted to {@link #ID_PATTERN}, which has no separator or newline, so the layout is
 * unambiguous.
 */
public final class CredentialHash {
    public static final String LAYOUT_VERSION = "chainsync-credential-v1";
    /** Allowed characters of issuer, recipient and serial: printable, no spaces, no separators. */
    public static final Pattern ID_PATTERN = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    public static final Pattern HASH_PATTERN = Pattern.compile("[0-9a-f]{64}");
    private static final DateTimeFormatter ISSUED_AT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private CredentialHash() {}

    /** The canonical text that is hashed. */
    public static String canonical(
            String fileSha256, String issuerId, String recipientId, Instant issuedAt, String serial) {
        return LAYOUT_VERSION + "\n"
                + "file-sha256:" + fileSha256 + "\n"
                + "issuer:" + issuerId + "\n"
                + "recipient:" + recipientId + "\n"
                + "issued-at:" + formatIssuedAt(issuedAt) + "\n"
                + "serial:" + (serial == null ? "" : serial) + "\n";
    }

    /** Lower-case hex SHA-256 of the canonical text. */
    public static String compute(
            String fileSha256, String issuerId, String recipientId, Instant issuedAt, String serial) {
        return sha256Hex(
                canonical(fileSha256, issuerId, recipientId, issuedAt, serial).getBytes(StandardCharsets.UTF_8));
    }

    /** Issued-at truncated to the millisecond the layout keeps. */
    public static Instant truncate(Instant issuedAt) {
        return issuedAt.truncatedTo(ChronoUnit.MILLIS);
    }

    public static String formatIssuedAt(Instant issuedAt) {
        return ISSUED_AT.format(truncate(issuedAt));
    }

    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    /** The memo written on chain for a credential. */
    public static String memo(String hash) {
        return "chainsync:credential:v1:" + hash;
    }

    /** The hash inside a credential memo, or null when the memo is not one. */
    public static String hashFromMemo(String memo) {
        String prefix = "chainsync:credential:v1:";
        if (memo == null || !memo.startsWith(prefix)) {
            return null;
        }
        String hash = memo.substring(prefix.length());
        return HASH_PATTERN.matcher(hash).matches() ? hash : null;
    }
}
