package dev.chainsync.chatpack.tokens;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Counts {@code cl100k_base} tokens (see {@link Tokens}) of a byte or text stream in bounded memory, on a
 * background thread so counting overlaps conversion. The stream is tokenized in the chunks {@link Chunker} cuts,
 * so the total equals counting the whole text at once, and equals {@link Tokens#count(byte[])} on the same bytes.
 */
public final class TokenCounter implements AutoCloseable {

    /** The encoding's name, for reports. */
    public static final String ENCODING_NAME = Tokens.ENCODING_NAME;

    private static final int QUEUED_CHUNKS = 2;
    private static final String END = new String(new char[0]);
    private static final long POLL_MILLIS = 100;

    private final Chunker chunker = new Chunker(this::submit);
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
        return Tokens.count(text);
    }

    private void work() {
        try {
            long sum = 0;
            for (String chunk = queue.take(); chunk != END; chunk = queue.take()) {
                sum += Tokens.count(chunk);
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
        chunker.accept(bytes, off, len);
    }

    /** Adds text. */
    public void accept(CharSequence text) {
        chunker.accept(text);
    }

    /** The last index where a cut leaves every pre-tokenizer piece whole, or -1. */
    static int safeCut(CharSequence s, boolean force) {
        return Chunker.safeCut(s, force);
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
            chunker.finish();
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
