package dev.chainsync.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Field decoding for rindexer payloads. Every numeric field is accepted as a JSON number, a
 * decimal string or a 0x hex string, because rindexer has sent each of those for the same field
 * across versions. Addresses and bytes32 ids come out as lower-case 0x hex.
 */
final class Decode {
    static final BigInteger UINT256_MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
    /** Decimal digits of UINT256_MAX: a JSON number with more integer digits is out of range before it is expanded. */
    static final int UINT256_DIGITS = 78;
    /**
     * Latest block time accepted, 9999-12-31T23:59:59Z: beyond it an Instant still works but
     * PostgreSQL's timestamptz and ISO-8601 renderings do not, so the entry could never commit.
     */
    static final long MAX_TIMESTAMP_SECONDS = 253_402_300_799L;

    private static final HexFormat HEX = HexFormat.of();

    private Decode() {}

    /** A field is missing or malformed; the entry cannot be parsed. */
    static final class BadField extends RuntimeException {
        BadField(String message) {
            super(message);
        }
    }

    static JsonNode field(JsonNode object, String name) {
        JsonNode n = object.get(name);
        if (n == null || n.isNull()) {
            throw new BadField("missing field '" + name + "'");
        }
        return n;
    }

    /** An unsigned integer up to uint256 from a number, a decimal string or a 0x hex string. */
    static BigInteger uint(JsonNode object, String name) {
        return uintValue(field(object, name), name);
    }

    static BigInteger uintValue(JsonNode n, String name) {
        BigInteger v;
        if (n.isIntegralNumber()) {
            v = n.bigIntegerValue();
        } else if (n.isNumber()) {
            BigDecimal d;
            try {
                d = n.decimalValue().stripTrailingZeros();
            } catch (NumberFormatException | ArithmeticException e) {
                throw new BadField("'" + name + "' is not a finite number: " + n);
            }
            if (d.scale() > 0) {
                throw new BadField("'" + name + "' is not an integer: " + n);
            }
            // 1e999999999 is an integer too; expanding it would take minutes and gigabytes.
            if (d.signum() != 0 && d.precision() - d.scale() > UINT256_DIGITS) {
                throw new BadField("'" + name + "' is outside uint256: " + n);
            }
            v = d.toBigIntegerExact();
        } else if (n.isTextual()) {
            v = parseUint(n.asText(), name);
        } else {
            throw new BadField("'" + name + "' is not a number: " + n);
        }
        if (v.signum() < 0 || v.compareTo(UINT256_MAX) > 0) {
            throw new BadField("'" + name + "' is outside uint256: " + v);
        }
        return v;
    }

    static BigInteger parseUint(String s, String name) {
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                String digits = s.substring(2);
                if (digits.isEmpty() || digits.length() > 64 || !digits.chars().allMatch(Decode::isHex)) {
                    throw new BadField("'" + name + "' is not 0x hex: '" + s + "'");
                }
                return new BigInteger(digits, 16);
            }
            if (s.isEmpty() || s.length() > 78 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new BadField("'" + name + "' is not a decimal or 0x hex integer: '" + s + "'");
            }
            return new BigInteger(s);
        } catch (NumberFormatException e) {
            throw new BadField("'" + name + "' is not an integer: '" + s + "'");
        }
    }

    /** A non-negative integer that fits a BIGINT (block numbers, log indexes, chain ids). */
    static long uint64(JsonNode object, String name) {
        BigInteger v = uint(object, name);
        if (v.bitLength() > 63) {
            throw new BadField("'" + name + "' does not fit 63 bits: " + v);
        }
        return v.longValueExact();
    }

    static Long optionalUint64(JsonNode object, String name) {
        JsonNode n = object.get(name);
        return n == null || n.isNull() ? null : uint64(object, name);
    }

    static int uint8(JsonNode object, String name) {
        BigInteger v = uint(object, name);
        if (v.bitLength() > 8) {
            throw new BadField("'" + name + "' is not a uint8: " + v);
        }
        return v.intValue();
    }

    /** Unix seconds (number, decimal or hex) as an instant; absent is null. */
    static Instant optionalTimestamp(JsonNode object, String name) {
        JsonNode n = object.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        long seconds = uint64(object, name);
        if (seconds > MAX_TIMESTAMP_SECONDS) {
            throw new BadField("'" + name + "' is after the year 9999: " + seconds + " s");
        }
        return Instant.ofEpochSecond(seconds);
    }

    /** A 20-byte address, with or without 0x, any case, as lower-case 0x hex. */
    static String address(JsonNode object, String name) {
        return fixedHex(field(object, name), name, 20);
    }

    /** A bytes32 value, with or without 0x, as lower-case 0x hex. */
    static String bytes32(JsonNode object, String name) {
        return fixedHex(field(object, name), name, 32);
    }

    private static String fixedHex(JsonNode n, String name, int bytes) {
        if (!n.isTextual()) {
            throw new BadField("'" + name + "' is not a hex string: " + n);
        }
        String s = strip0x(n.asText());
        if (s.length() != bytes * 2 || !s.chars().allMatch(Decode::isHex)) {
            throw new BadField("'" + name + "' is not " + bytes + " bytes of hex: '" + n.asText() + "'");
        }
        return "0x" + s.toLowerCase(Locale.ROOT);
    }

    /** Dynamic bytes: rindexer sends them as hex without 0x; with 0x is accepted too. */
    static byte[] bytes(JsonNode object, String name) {
        JsonNode n = field(object, name);
        if (!n.isTextual()) {
            throw new BadField("'" + name + "' is not a hex string: " + n);
        }
        String s = strip0x(n.asText());
        if (s.length() % 2 != 0 || !s.chars().allMatch(Decode::isHex)) {
            throw new BadField("'" + name + "' is not hex bytes");
        }
        return HEX.parseHex(s);
    }

    static String text(JsonNode object, String name) {
        JsonNode n = field(object, name);
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new BadField("'" + name + "' is not a non-empty string: " + n);
        }
        return storable(n.asText(), name);
    }

    /** Absent or null is null; present, it must be a non-empty string like {@link #text}. */
    static String optionalText(JsonNode object, String name) {
        JsonNode n = object.get(name);
        return n == null || n.isNull() ? null : text(object, name);
    }

    /**
     * PostgreSQL's text and jsonb cannot hold NUL, and a lone UTF-16 surrogate (a JSON escape like
     * {@code \ud800}) has no UTF-8 form: the driver would store {@code ?} in its place. An entry
     * carrying either could never be stored as sent.
     */
    private static String storable(String s, String name) {
        if (s.indexOf('\0') >= 0) {
            throw new BadField("'" + name + "' contains a NUL character");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new BadField("'" + name + "' contains a lone UTF-16 surrogate");
            }
        }
        return s;
    }

    /** Every field name and string value of {@code n}, at any depth, is free of NUL (see storable). */
    static void requireStorable(JsonNode n, String name) {
        if (n.isTextual()) {
            storable(n.asText(), name);
        } else if (n.isArray()) {
            n.forEach(child -> requireStorable(child, name));
        } else if (n.isObject()) {
            n.properties().forEach(e -> {
                storable(e.getKey(), name);
                requireStorable(e.getValue(), name + "." + e.getKey());
            });
        }
    }

    /**
     * A transaction or block hash: exactly 32 bytes, as lower-case 0x hex. It is (part of) the
     * event's identity, so any other length would store an event no chain can have.
     */
    static String hash(JsonNode object, String name) {
        return bytes32(object, name);
    }

    /** Absent or null is null; present, it must be a bytes32 like {@link #bytes32}. */
    static String optionalBytes32(JsonNode object, String name) {
        JsonNode n = object.get(name);
        return n == null || n.isNull() ? null : bytes32(object, name);
    }

    static String strip0x(String s) {
        return s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
