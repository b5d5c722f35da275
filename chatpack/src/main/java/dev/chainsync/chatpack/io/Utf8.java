package dev.chainsync.chatpack.io;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The one UTF-8 decoder for export bytes, shared by the CLI and the browser page: malformed input becomes
 * U+FFFD exactly as the JDK's {@code CharsetDecoder} with {@code REPLACE} does it. TeaVM's decoder replaces bad
 * bytes differently, so with the platform's decoders a file with bad bytes gave the page another result and
 * other token counts than the CLI; {@code Utf8Test} compares this one with the JDK's on many malformed inputs.
 *
 * <p>The JDK's rules, mirrored here: a byte that cannot start a sequence (80-C1, F5-FF) is one U+FFFD; a
 * sequence cut short by a byte that cannot continue it is one U+FFFD for the bytes it had (the maximal subpart,
 * as Unicode recommends: {@code E0 A0 41} is U+FFFD then {@code A}); an overlong second byte ({@code E0 80},
 * {@code F0 80}) or one past U+10FFFF ({@code F4 90}) ends the sequence at its lead; a whole three-byte
 * surrogate ({@code ED A0 80}) is a single U+FFFD; a sequence cut short by the end of the input is one U+FFFD.
 */
public final class Utf8 {

    /** What a malformed sequence becomes. */
    public static final char REPLACEMENT = '\uFFFD';

    private Utf8() {}

    /** {@code len} bytes from {@code off}, all of the input, as text. */
    public static String decode(byte[] b, int off, int len) {
        char[] chars = new char[len];
        int n = decode(b, off, off + len, chars, 0);
        return new String(chars, 0, n);
    }

    /** All of {@code b} as text. */
    public static String decode(byte[] b) {
        return decode(b, 0, b.length);
    }

    /**
     * Decodes {@code src[from, to)}, taken as ending the input (a sequence cut short at {@code to} is one
     * U+FFFD), into {@code dst} from {@code dstOff}, which needs room for {@code to - from} chars (UTF-8 never
     * gives more chars than bytes).
     *
     * @return the number of chars written
     */
    public static int decode(byte[] src, int from, int to, char[] dst, int dstOff) {
        int i = from;
        int o = dstOff;
        while (i < to) {
            int b1 = src[i];
            if (b1 >= 0) {
                // ASCII runs are the common case: a tight loop without the branches below.
                do {
                    dst[o++] = (char) b1;
                    if (++i == to) {
                        return o - dstOff;
                    }
                    b1 = src[i];
                } while (b1 >= 0);
            }
            b1 &= 0xFF;
            int left = to - i;
            if (b1 >= 0xC2 && b1 <= 0xDF) {
                if (left < 2) {
                    dst[o++] = REPLACEMENT;
                    return o - dstOff;
                }
                int b2 = src[i + 1];
                if (notContinuation(b2)) {
                    dst[o++] = REPLACEMENT;
                    i++;
                } else {
                    dst[o++] = (char) (((b1 & 0x1F) << 6) | (b2 & 0x3F));
                    i += 2;
                }
            } else if (b1 >= 0xE0 && b1 <= 0xEF) {
                if (left < 3) {
                    // Cut short by the end: one U+FFFD, unless the second byte already rules the sequence out.
                    if (left == 2 && badSecondOfThree(b1, src[i + 1])) {
                        dst[o++] = REPLACEMENT;
                        i++;
                        continue;
                    }
                    dst[o++] = REPLACEMENT;
                    return o - dstOff;
                }
                int b2 = src[i + 1];
                int b3 = src[i + 2];
                if (badSecondOfThree(b1, b2)) {
                    dst[o++] = REPLACEMENT;
                    i++;
                } else if (notContinuation(b3)) {
                    dst[o++] = REPLACEMENT;
                    i += 2;
                } else {
                    char c = (char) (((b1 & 0x0F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F));
                    // A surrogate encoded in UTF-8 (ED A0..BF xx): the JDK replaces all three bytes at once.
                    dst[o++] = Character.isSurrogate(c) ? REPLACEMENT : c;
                    i += 3;
                }
            } else if (b1 >= 0xF0 && b1 <= 0xF4) {
                int bad = badPrefixOfFour(src, i, Math.min(left, 4));
                if (bad > 0) {
                    dst[o++] = REPLACEMENT;
                    i += bad;
                } else if (left < 4) {
                    dst[o++] = REPLACEMENT;
                    return o - dstOff;
                } else {
                    int cp = ((b1 & 0x07) << 18)
                            | ((src[i + 1] & 0x3F) << 12)
                            | ((src[i + 2] & 0x3F) << 6)
                            | (src[i + 3] & 0x3F);
                    dst[o++] = Character.highSurrogate(cp);
                    dst[o++] = Character.lowSurrogate(cp);
                    i += 4;
                }
            } else {
                // 80-BF alone, C0, C1 (always overlong), F5-FF (beyond U+10FFFF).
                dst[o++] = REPLACEMENT;
                i++;
            }
        }
        return o - dstOff;
    }

    /**
     * Where a trailing sequence that more bytes could still complete starts in {@code src[from, to)}, or
     * {@code to} when there is none: a streaming reader keeps those bytes for the next read and decodes the rest
     * with {@link #decode(byte[], int, int, char[], int)}, which then decides every byte as the JDK would.
     */
    public static int incompleteTail(byte[] src, int from, int to) {
        for (int k = 1; k <= 3 && to - k >= from; k++) {
            int p = to - k;
            int b = src[p] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue;
            }
            int need = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
            if (need <= k) {
                return to;
            }
            boolean valid = need == 2
                    || (need == 3 && (k < 2 || !badSecondOfThree(b, src[p + 1])))
                    || (need == 4 && badPrefixOfFour(src, p, k) == 0);
            return valid ? p : to;
        }
        return to;
    }

    /**
     * {@code s} in UTF-8 as {@code s.getBytes(UTF_8)} gives it on the JVM, a lone surrogate (from a JSON escape
     * such as {@code \\ud83d}) as {@code ?}: TeaVM's encoder also swallows the character after a lone low
     * surrogate, so the page wrote {@code ?low} where the CLI writes {@code ? low}. Only a string holding a
     * lone surrogate takes the slow path.
     */
    public static byte[] encode(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return encodeWithLoneSurrogates(s);
                }
            }
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] encodeWithLoneSurrogates(String s) {
        int n = s.length();
        byte[] b = new byte[n * 3];
        int p = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xF0 | (cp >> 18));
                b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                b[p++] = '?';
            } else {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return Arrays.copyOf(b, p);
    }

    private static boolean notContinuation(int b) {
        return (b & 0xC0) != 0x80;
    }

    /** E0 needs A0-BF (shorter would be overlong), E1-EF any continuation (ED A0-BF is decided later). */
    private static boolean badSecondOfThree(int b1, int b2) {
        return notContinuation(b2) || (b1 == 0xE0 && (b2 & 0xE0) == 0x80);
    }

    /**
     * For a lead F0-F4 at {@code i} and the {@code n} (at most 4) bytes from it: how many bytes the U+FFFD for a
     * malformed sequence covers (1 or 2 or 3), or 0 when those bytes are a valid (maybe unfinished) sequence.
     */
    private static int badPrefixOfFour(byte[] src, int i, int n) {
        int b1 = src[i] & 0xFF;
        if (n < 2) {
            return 0;
        }
        int b2 = src[i + 1] & 0xFF;
        if (notContinuation(b2) || (b1 == 0xF0 && b2 < 0x90) || (b1 == 0xF4 && b2 > 0x8F)) {
            return 1;
        }
        if (n < 3) {
            return 0;
        }
        if (notContinuation(src[i + 2])) {
            return 2;
        }
        if (n < 4) {
            return 0;
        }
        return notContinuation(src[i + 3]) ? 3 : 0;
    }
}
