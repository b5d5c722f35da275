package dev.chainsync.chatpack.output;

import dev.chainsync.chatpack.io.Times;
import dev.chainsync.chatpack.io.Utf8;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A byte buffer that encodes UTF-8 itself, quoting for CSV or escaping for JSON in the same pass. Replaces
 * BufferedWriter + OutputStreamWriter, whose per-call locking and CharsetEncoder indirection cost more than
 * the parsing on the fast path.
 */
final class Utf8Sink {

    private static final int BUFFER_BYTES = 1 << 16;
    /** Worst case bytes per UTF-16 char, plus room for JSON's six-byte escapes. */
    private static final int MAX_BYTES_PER_CHAR = 6;

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final byte[] buf = new byte[BUFFER_BYTES];
    private int pos;
    private long drained;

    Utf8Sink(OutputStream out) {
        this.out = out;
    }

    long bytesWritten() {
        return drained + pos;
    }

    void ascii(char c) throws IOException {
        if (pos == buf.length) {
            drain();
        }
        buf[pos++] = (byte) c;
    }

    void ascii(String s) throws IOException {
        for (int i = 0; i < s.length(); i++) {
            ascii(s.charAt(i));
        }
    }

    /** Writes text as UTF-8, unchanged. */
    void text(String s) throws IOException {
        encode(s, false);
    }

    /** Writes text as the body of a JSON string (without the quotes), escaping as serde_json does. */
    void jsonText(String s) throws IOException {
        encode(s, true);
    }

    /**
     * Writes a CSV field, quoted only when it holds the delimiter, a quote, CR or LF; quotes doubled inside.
     * The JDK's own UTF-8 encoder and {@code indexOf} are vectorised, and twice as fast as a char loop on
     * ASCII text; a quote is one byte in UTF-8, so doubling can work on the encoded bytes.
     */
    void csvField(String s, char delimiter) throws IOException {
        boolean quote =
                s.indexOf(delimiter) >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
        if (!quote) {
            byte[] b = Utf8.encode(s);
            bytes(b, 0, b.length);
            return;
        }
        ascii('"');
        csvQuotedBody(s);
        ascii('"');
    }

    /** Writes text as the inside of a quoted CSV field (quotes doubled), for a cell written in pieces. */
    void csvQuotedBody(String s) throws IOException {
        byte[] b = Utf8.encode(s);
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '"') {
                bytes(b, start, i + 1 - start);
                ascii('"');
                start = i + 1;
            }
        }
        bytes(b, start, b.length - start);
    }

    /** Writes bytes as they are. */
    void bytes(byte[] b, int off, int len) throws IOException {
        if (len > buf.length - pos) {
            drain();
            if (len > buf.length) {
                out.write(b, off, len);
                drained += len;
                return;
            }
        }
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    /** {@code 2024-01-15 10:30:00} (CSV) or {@code 2024-01-15T10:30:00Z} (JSON), UTC. */
    void timestamp(long epochSecond, boolean iso) throws IOException {
        if (buf.length - pos < MAX_TIMESTAMP_BYTES) {
            drain();
        }
        int end = timestamp(buf, pos, epochSecond, iso);
        if (end < 0) {
            ascii(java.time.Instant.ofEpochSecond(epochSecond).toString());
            return;
        }
        pos = end;
    }

    /** Room {@link #timestamp(byte[], int, long, boolean)} needs. */
    static final int MAX_TIMESTAMP_BYTES = 24;

    /**
     * Formats a timestamp into {@code b} at {@code p} and returns the index after it, or -1 (nothing written) for
     * a year outside 0 to 9999, which the caller writes as {@link java.time.Instant#toString()} does.
     */
    static int timestamp(byte[] b, int p, long epochSecond, boolean iso) {
        long days = Math.floorDiv(epochSecond, 86_400L);
        int secs = (int) Math.floorMod(epochSecond, 86_400L);
        long date = Times.civilFromDays(days);
        long year = Math.floorDiv(date, 10_000L);
        if (year < 0 || year > 9999) {
            return -1;
        }
        p = digits(b, p, (int) year, 4);
        b[p++] = '-';
        p = digits(b, p, (int) (date / 100 % 100), 2);
        b[p++] = '-';
        p = digits(b, p, (int) (date % 100), 2);
        b[p++] = (byte) (iso ? 'T' : ' ');
        p = digits(b, p, secs / 3600, 2);
        b[p++] = ':';
        p = digits(b, p, secs / 60 % 60, 2);
        b[p++] = ':';
        p = digits(b, p, secs % 60, 2);
        if (iso) {
            b[p++] = 'Z';
        }
        return p;
    }

    private static int digits(byte[] b, int p, int value, int width) {
        for (int i = width - 1; i >= 0; i--) {
            b[p + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return p + width;
    }

    private void encode(String s, boolean json) throws IOException {
        encodeRange(s, 0, s.length(), json);
    }

    private void encodeRange(String s, int from, int to, boolean json) throws IOException {
        int i = from;
        while (i < to) {
            // Encode in slices that are sure to fit, so the inner loop needs no bounds check per byte.
            if (buf.length - pos < MAX_BYTES_PER_CHAR * 2) {
                drain();
            }
            int limit = Math.min(to, i + (buf.length - pos) / MAX_BYTES_PER_CHAR - 1);
            byte[] b = buf;
            int p = pos;
            for (; i < limit; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    if (json && (c < 0x20 || c == '"' || c == '\\')) {
                        p = escape(b, p, c);
                    } else {
                        b[p++] = (byte) c;
                    }
                } else if (c < 0x800) {
                    b[p++] = (byte) (0xC0 | (c >> 6));
                    b[p++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    b[p++] = (byte) (0xF0 | (cp >> 18));
                    b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    b[p++] = (byte) (0x80 | (cp & 0x3F));
                } else if (Character.isSurrogate(c)) {
                    // A lone surrogate cannot be encoded; U+FFFD keeps the output valid UTF-8.
                    b[p++] = (byte) 0xEF;
                    b[p++] = (byte) 0xBF;
                    b[p++] = (byte) 0xBD;
                } else {
                    b[p++] = (byte) (0xE0 | (c >> 12));
                    b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    b[p++] = (byte) (0x80 | (c & 0x3F));
                }
            }
            pos = p;
        }
    }

    private static int escape(byte[] b, int p, char c) {
        b[p++] = '\\';
        switch (c) {
            case '"' -> b[p++] = '"';
            case '\\' -> b[p++] = '\\';
            case '\n' -> b[p++] = 'n';
            case '\r' -> b[p++] = 'r';
            case '\t' -> b[p++] = 't';
            case '\b' -> b[p++] = 'b';
            case '\f' -> b[p++] = 'f';
            default -> {
                b[p++] = 'u';
                b[p++] = '0';
                b[p++] = '0';
                b[p++] = HEX[c >> 4];
                b[p++] = HEX[c & 0xF];
            }
        }
        return p;
    }

    private void drain() throws IOException {
        out.write(buf, 0, pos);
        drained += pos;
        pos = 0;
    }

    void flush() throws IOException {
        drain();
        out.flush();
    }
}
