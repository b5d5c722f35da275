package dev.chainsync.chatpack.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.function.DoubleConsumer;

/**
 * Exact {@code cl100k_base} token counts (GPT-4's encoding, jtokkit with its vocabulary from the jar) on the
 * calling thread: what the browser page runs, where there are no threads. It cuts the text as
 * {@link TokenCounter} does, so both give the same count for the same bytes.
 */
public final class Tokens {

    /** The encoding's name, for reports. */
    public static final String ENCODING_NAME = "cl100k_base";

    /** Bytes decoded and tokenized between two progress reports. */
    private static final int STEP_BYTES = 1 << 20;

    private Tokens() {}

    private static final class Holder {
        static final Encoding CL100K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    }

    /** Loads the vocabulary now rather than at the first count. */
    public static void load() {
        count("");
    }

    /** Tokens in one string, special-token text counted as ordinary text. */
    public static long count(String text) {
        return Holder.CL100K.countTokensOrdinary(text);
    }

    /** Tokens in UTF-8 bytes (malformed bytes count as replacement characters). */
    public static long count(byte[] utf8) {
        return count(utf8, fraction -> {});
    }

    /**
     * Tokens in UTF-8 bytes, telling {@code progress} the fraction of bytes counted every megabyte or so.
     */
    public static long count(byte[] utf8, DoubleConsumer progress) {
        long[] total = {0};
        Chunker chunker = new Chunker(chunk -> total[0] += count(chunk));
        for (int off = 0; off < utf8.length; off += STEP_BYTES) {
            chunker.accept(utf8, off, Math.min(STEP_BYTES, utf8.length - off));
            progress.accept(Math.min(1.0, (double) (off + STEP_BYTES) / utf8.length));
        }
        chunker.finish();
        return total[0];
    }
}
