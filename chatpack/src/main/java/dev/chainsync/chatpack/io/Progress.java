package dev.chainsync.chatpack.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts bytes read from the inputs so another thread can draw a progress bar. A reader that reads its input
 * twice (WhatsApp infers the date order first, Instagram indexes before sorting) declares two passes.
 */
public final class Progress {

    private final long totalBytes;
    private final int passes;
    private volatile long readBytes;

    /**
     * @param totalBytes summed input sizes, or a negative value when unknown (stdin)
     * @param passes     how many times the reader reads every byte
     */
    public Progress(long totalBytes, int passes) {
        this.totalBytes = totalBytes;
        this.passes = Math.max(1, passes);
    }

    /** Fraction done, 0 to 1, or NaN when the total is unknown. */
    public double fraction() {
        if (totalBytes <= 0) {
            return totalBytes == 0 ? 1.0 : Double.NaN;
        }
        return Math.min(1.0, (double) readBytes / ((double) totalBytes * passes));
    }

    /** Counts {@code n} more bytes, for readers that do their own I/O. */
    public void add(long n) {
        // One writer thread, so the non-atomic increment is safe; volatile only publishes it.
        readBytes = readBytes + n;
    }

    /** Wraps a stream so every byte read from it is counted. */
    public InputStream meter(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    add(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    add(n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long s = super.skip(n);
                add(s);
                return s;
            }
        };
    }

    /** Summed sizes of the inputs, or -1 if any is unknown. */
    public static long totalSize(java.util.List<dev.chainsync.chatpack.ChatInput> inputs) {
        long sum = 0;
        for (var in : inputs) {
            long s = in.size();
            if (s < 0) {
                return -1;
            }
            sum += s;
        }
        return sum;
    }
}
