package dev.chainsync.chain;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A memo's bytes as the Memo program takes them: strict UTF-8, bounded. */
public final class MemoText {
    /** Largest memo in UTF-8 bytes chainsync sends in one instruction. */
    public static final int MAX_BYTES = 566;

    private MemoText() {}

    /**
     * The UTF-8 bytes of {@code memo}.
     *
     * @throws IllegalArgumentException if it holds a lone surrogate or exceeds {@link #MAX_BYTES}
     */
    public static byte[] utf8(String memo) {
        ByteBuffer encoded;
        try {
            // Strict: String.getBytes would turn a lone surrogate into '?', silently changing the memo.
            encoded = StandardCharsets.UTF_8
                    .newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(memo));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("memo is not valid Unicode (lone surrogate)");
        }
        if (encoded.remaining() > MAX_BYTES) {
            throw new IllegalArgumentException(
                    "memo is " + encoded.remaining() + " UTF-8 bytes, the limit is " + MAX_BYTES);
        }
        return Arrays.copyOfRange(encoded.array(), encoded.position(), encoded.limit());
    }
}
