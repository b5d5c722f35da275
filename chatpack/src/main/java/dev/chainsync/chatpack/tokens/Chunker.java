package dev.chainsync.chatpack.tokens;

import dev.chainsync.chatpack.io.Utf8;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a UTF-8 byte or text stream into chunks whose token counts add up to the count of the whole text: a
 * cut falls only where the cl100k pre-tokenizer ends a piece anyway (between an ASCII letter or digit and ASCII
 * punctuation). The CLI's background counter and the page's inline count both cut here, so they agree.
 */
final class Chunker {

    /** Chunk size handed to the tokenizer; large enough to amortise, small enough to bound memory. */
    static final int CHUNK_CHARS = 1 << 20;
    /** Beyond this, cut even without a clean boundary (text with no ASCII punctuation for megabytes). */
    static final int HARD_LIMIT_CHARS = 8 << 20;

    private final StringBuilder pending = new StringBuilder(CHUNK_CHARS + (1 << 16));
    private final Consumer<String> sink;
    /** The start of a character cut off by the end of the last bytes given (at most three bytes). */
    private byte[] leftover = new byte[0];

    private final char[] decoded = new char[1 << 16];

    Chunker(Consumer<String> sink) {
        this.sink = sink;
    }

    /** Adds UTF-8 bytes; a character split across calls is handled, bad bytes replaced as {@link Utf8} does. */
    void accept(byte[] bytes, int off, int len) {
        byte[] in = bytes;
        int from = off;
        int to = off + len;
        if (leftover.length > 0) {
            in = new byte[leftover.length + len];
            System.arraycopy(leftover, 0, in, 0, leftover.length);
            System.arraycopy(bytes, off, in, leftover.length, len);
            from = 0;
            to = in.length;
        }
        int cut = Utf8.incompleteTail(in, from, to);
        append(in, from, cut);
        leftover = Arrays.copyOfRange(in, cut, to);
        maybeCut();
    }

    /** Decodes {@code in[from, to)}, whole characters only, in slices of at most {@link #decoded}'s size. */
    private void append(byte[] in, int from, int to) {
        int start = from;
        while (to - start > decoded.length) {
            int end = Utf8.incompleteTail(in, start, start + decoded.length);
            pending.append(decoded, 0, Utf8.decode(in, start, end, decoded, 0));
            start = end;
        }
        pending.append(decoded, 0, Utf8.decode(in, start, to, decoded, 0));
    }

    /** Adds text. */
    void accept(CharSequence text) {
        pending.append(text);
        maybeCut();
    }

    private void maybeCut() {
        if (pending.length() < CHUNK_CHARS) {
            return;
        }
        int cut = safeCut(pending, pending.length() >= HARD_LIMIT_CHARS);
        if (cut <= 0) {
            return;
        }
        sink.accept(pending.substring(0, cut));
        pending.delete(0, cut);
    }

    /** Hands over what is left, the end of a character cut short included (as a replacement character). */
    void finish() {
        append(leftover, 0, leftover.length);
        leftover = new byte[0];
        if (!pending.isEmpty()) {
            sink.accept(pending.toString());
            pending.setLength(0);
        }
    }

    /** The last index where a cut leaves every pre-tokenizer piece whole, or -1. */
    static int safeCut(CharSequence s, boolean force) {
        for (int i = s.length() - 1; i > 0; i--) {
            if (isAsciiWord(s.charAt(i - 1)) && isAsciiPunct(s.charAt(i))) {
                return i;
            }
        }
        if (!force) {
            return -1;
        }
        // No clean boundary in megabytes of text: accept a tiny miscount rather than unbounded memory,
        // but never split a surrogate pair.
        int i = s.length() - 1;
        return Character.isLowSurrogate(s.charAt(i)) ? i - 1 : i;
    }

    private static boolean isAsciiWord(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean isAsciiPunct(char c) {
        return switch (c) {
            case '"', ',', ';', ':', '{', '}', '[', ']', '(', ')', '.', '!', '?' -> true;
            default -> false;
        };
    }
}
