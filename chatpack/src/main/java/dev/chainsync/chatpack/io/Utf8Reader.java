package dev.chainsync.chatpack.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * A {@link Reader} of UTF-8 bytes through {@link Utf8}, in place of {@code InputStreamReader}: the text
 * readers give the CLI and the browser page the same characters for the same bytes, malformed ones included.
 */
public final class Utf8Reader extends Reader {

    private static final int BUFFER_BYTES = 1 << 16;

    private final InputStream in;
    private final byte[] bytes = new byte[BUFFER_BYTES];
    /** Bytes of an unfinished sequence kept at the start of {@link #bytes} for the next read. */
    private int held;

    private final char[] chars = new char[BUFFER_BYTES];
    private int charPos;
    private int charEnd;
    private boolean ended;

    public Utf8Reader(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (charPos == charEnd && !fill()) {
            return -1;
        }
        int n = Math.min(len, charEnd - charPos);
        System.arraycopy(chars, charPos, cbuf, off, n);
        charPos += n;
        return n;
    }

    @Override
    public int read() throws IOException {
        if (charPos == charEnd && !fill()) {
            return -1;
        }
        return chars[charPos++];
    }

    /** Decodes the next bytes; false at the end of the input with nothing left to give. */
    private boolean fill() throws IOException {
        while (!ended) {
            int n = in.read(bytes, held, bytes.length - held);
            if (n < 0) {
                ended = true;
                // The end cuts an unfinished sequence short: decode decides it (one U+FFFD).
                charEnd = Utf8.decode(bytes, 0, held, chars, 0);
                held = 0;
            } else {
                int total = held + n;
                int cut = Utf8.incompleteTail(bytes, 0, total);
                charEnd = Utf8.decode(bytes, 0, cut, chars, 0);
                held = total - cut;
                System.arraycopy(bytes, cut, bytes, 0, held);
            }
            charPos = 0;
            if (charEnd > 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
