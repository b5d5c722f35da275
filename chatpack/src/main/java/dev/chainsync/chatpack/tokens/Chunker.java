package dev.chainsync.chatpack.tokens;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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

    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final CharBuffer decoded = CharBuffer.allocate(1 << 16);
    private final StringBuilder pending = new StringBuilder(CHUNK_CHARS + (1 << 16));
    private final Consumer<String> sink;
    private ByteBuffer leftover = ByteBuffer.allocate(0);

    Chunker(Consumer<String> sink) {
        this.sink = sink;
    }

    /** Adds UTF-8 bytes; a character split across calls is handled. */
    void accept(byte[] bytes, int off, int len) {
        ByteBuffer in;
        if (leftover.hasRemaining()) {
            in = ByteBuffer.allocate(leftover.remaining() + len);
            in.put(leftover).put(bytes, off, len).flip();
        } else {
            in = ByteBuffer.wrap(bytes, off, len);
        }
        while (true) {
            decoded.clear();
            var result = decoder.decode(in, decoded, false);
            decoded.flip();
            pending.append(decoded);
            if (!result.isOverflow()) {
                break;
            }
        }
        leftover =
                in.hasRemaining() ? ByteBuffer.allocate(in.remaining()).put(in).flip() : ByteBuffer.allocate(0);
        maybeCut();
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
        decoded.clear();
        decoder.decode(leftover, decoded, true);
        decoder.flush(decoded);
        decoded.flip();
        pending.append(decoded);
        leftover = ByteBuffer.allocate(0);
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
