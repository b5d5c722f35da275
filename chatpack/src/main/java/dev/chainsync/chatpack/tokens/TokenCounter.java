package dev.chainsync.chatpack.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Counts {@code cl100k_base} tokens (GPT-4's encoding, via jtokkit, vocabulary loaded from the jar) of a byte
 * or text stream in bounded memory, on a background thread so counting overlaps conversion. The stream is
 * tokenized in chunks cut only where the cl100k pre-tokenizer would end a piece anyway (between an ASCII
 * letter or digit and ASCII punctuation), so the total equals counting the whole text at once.
 */
public final class TokenCounter implements AutoCloseable {

    /** The encoding's name, for reports. */
    public static final String ENCODING_NAME = "cl100k_base";

    /** Chunk size handed to the tokenizer; large enough to amortise, small enough to bound memory. */
    private static final int CHUNK_CHARS = 1 << 20;
    /** Beyond this, cut even without a clean boundary (text with no ASCII punctuation for megabytes). */
    private static final int HARD_LIMIT_CHARS = 8 << 20;

    private static final int QUEUED_CHUNKS = 2;
    private static final String END = new String(new char[0]);
    private static final long POLL_MILLIS = 100;

    private static final class Holder {
        static final Encoding CL100K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    }

    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final CharBuffer decoded = CharBuffer.allocate(1 << 16);
    private ByteBuffer leftover = ByteBuffer.allocate(0);
    private final StringBuilder pending = new StringBuilder(CHUNK_CHARS + (1 << 16));
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
    private final Thread worker;
    private volatile long total;
    private volatile Throwable failure;
    private boolean finished;

    public TokenCounter() {
        worker = Thread.ofPlatform().daemon().name("chatpack-tokens").start(this::work);
    }

    /** Tokens in one string, counted right away. */
    public static long count(String text) {
        return Holder.CL100K.countTokensOrdinary(text);
    }

    private void work() {
        try {
            Encoding enc = Holder.CL100K;
            long sum = 0;
            for (String chunk = queue.take(); chunk != END; chunk = queue.take()) {
                sum += enc.countTokensOrdinary(chunk);
                total = sum;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
            queue.clear();
        }
    }

    /** Adds UTF-8 bytes; a character split across calls is handled. */
    public void accept(byte[] bytes, int off, int len) {
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
        maybeSubmit();
    }

    /** Adds text. */
    public void accept(CharSequence text) {
        pending.append(text);
        maybeSubmit();
    }

    private void maybeSubmit() {
        if (pending.length() < CHUNK_CHARS) {
            return;
        }
        int cut = safeCut(pending, pending.length() >= HARD_LIMIT_CHARS);
        if (cut <= 0) {
            return;
        }
        submit(pending.substring(0, cut));
        pending.delete(0, cut);
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

    private void submit(String chunk) {
        try {
            // Poll so a worker that died cannot leave this thread blocked on a full queue.
            while (!queue.offer(chunk, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                rethrow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while counting tokens", e);
        }
    }

    private void rethrow() {
        Throwable t = failure;
        if (t != null) {
            throw new IllegalStateException("token counting failed: " + t.getMessage(), t);
        }
    }

    /** Counts what is left and returns the total. */
    public long finish() {
        if (!finished) {
            finished = true;
            decoded.clear();
            decoder.decode(leftover, decoded, true);
            decoder.flush(decoded);
            decoded.flip();
            pending.append(decoded);
            if (!pending.isEmpty()) {
                submit(pending.toString());
                pending.setLength(0);
            }
            submit(END);
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while counting tokens", e);
            }
            rethrow();
        }
        return total;
    }

    @Override
    public void close() {
        if (!finished) {
            finished = true;
            worker.interrupt();
        }
    }
}
