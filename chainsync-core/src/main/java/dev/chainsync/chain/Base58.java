package dev.chainsync.chain;

import java.util.Arrays;

/** Base58 with the Bitcoin/Solana alphabet; each leading zero byte maps to a leading '1'. */
public final class Base58 {
    private static final char[] ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();
    private static final char ZERO_DIGIT = ALPHABET[0];
    private static final int[] INDEXES = new int[128];
    private static final int CHUNK_DIGITS = 5;
    private static final long CHUNK_DIVISOR = 58L * 58 * 58 * 58 * 58;

    static {
        Arrays.fill(INDEXES, -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            INDEXES[ALPHABET[i]] = i;
        }
    }

    private Base58() {}

    /** Encodes {@code input}; an empty array gives an empty string. */
    public static String encode(byte[] input) {
        if (input.length == 0) {
            return "";
        }
        int zeros = 0;
        while (zeros < input.length && input[zeros] == 0) {
            zeros++;
        }
        // Base-256 to base-58 by repeated division, five digits per pass (58^5 fits a long-based
        // divmod) since this runs for every transaction signature.
        byte[] number = Arrays.copyOf(input, input.length);
        char[] out = new char[input.length * 2 + CHUNK_DIGITS];
        int outStart = out.length;
        int start = zeros;
        while (start < number.length) {
            int remainder = (int) divmod(number, start, 256, CHUNK_DIVISOR);
            for (int k = 0; k < CHUNK_DIGITS; k++) {
                out[--outStart] = ALPHABET[remainder % 58];
                remainder /= 58;
            }
            while (start < number.length && number[start] == 0) {
                start++;
            }
        }
        // Division may emit zero digits for the high part that the leading-zero rule already covers.
        while (outStart < out.length && out[outStart] == ZERO_DIGIT) {
            outStart++;
        }
        while (--zeros >= 0) {
            out[--outStart] = ZERO_DIGIT;
        }
        return new String(out, outStart, out.length - outStart);
    }

    /**
     * Decodes {@code input}.
     *
     * @throws IllegalArgumentException if it contains a character outside the Base58 alphabet
     */
    public static byte[] decode(String input) {
        if (input.isEmpty()) {
            return new byte[0];
        }
        byte[] digits = new byte[input.length()];
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            int digit = c < 128 ? INDEXES[c] : -1;
            if (digit < 0) {
                throw new IllegalArgumentException("invalid Base58 character '" + c + "' at position " + i);
            }
            digits[i] = (byte) digit;
        }
        int zeros = 0;
        while (zeros < digits.length && digits[zeros] == 0) {
            zeros++;
        }
        byte[] out = new byte[input.length()];
        int outStart = out.length;
        int start = zeros;
        while (start < digits.length) {
            out[--outStart] = (byte) divmod(digits, start, 58, 256);
            while (start < digits.length && digits[start] == 0) {
                start++;
            }
        }
        while (outStart < out.length && out[outStart] == 0) {
            outStart++;
        }
        return Arrays.copyOfRange(out, outStart - zeros, out.length);
    }

    /** Divides the big number {@code number[first..]} (digits in {@code base}) in place; returns the remainder. */
    private static long divmod(byte[] number, int first, int base, long divisor) {
        long remainder = 0;
        for (int i = first; i < number.length; i++) {
            long temp = remainder * base + (number[i] & 0xFF);
            number[i] = (byte) (temp / divisor);
            remainder = temp % divisor;
        }
        return remainder;
    }
}
