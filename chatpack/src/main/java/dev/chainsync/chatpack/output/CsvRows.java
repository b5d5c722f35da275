package dev.chainsync.chatpack.output;

import static dev.chainsync.chatpack.io.Swar.HIGHS;
import static dev.chainsync.chatpack.io.Swar.LONGS;
import static dev.chainsync.chatpack.io.Swar.ONES;
import static dev.chainsync.chatpack.io.Swar.QUOTES;
import static dev.chainsync.chatpack.io.Swar.SPACES;

import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.OutputOptions;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A batch of messages already encoded in {@link CsvWriter}'s dialect, so that a reader's worker threads can do
 * the encoding and the writing thread only merges runs and copies bytes ({@link CsvRowWriter}).
 *
 * <p>Each row is kept in three parts: the head (the optional ID and Timestamp cells, the Sender cell and the
 * delimiter), the body (the content with its quotes doubled but without the enclosing quotes) and the tail
 * (the optional ReplyTo and Edited cells). A run of same-sender messages is written as the first row's head, the
 * bodies joined by a newline inside one pair of quotes, and the first row's tail: byte for byte what
 * {@link CsvWriter} writes for the merged message, since the joined content contains a newline and so is
 * always quoted. There is no Chat column: only readers whose messages never carry a chat produce rows.
 */
public final class CsvRows {

    private static final int SENDER_CACHE = 64;

    private final char d;
    private final boolean quoteTimestamps;
    private final Columns columns;
    private byte[] bytes;
    private int size;
    private int count;
    /** Per row: body start, tail start, row end (the head starts at the previous row's end). */
    private int[] marks;

    private boolean[] quoted;
    private String[] senders;
    // Encoded Sender cells of recent senders.
    private final String[] cachedSenders = new String[SENDER_CACHE];
    private final byte[][] cachedCells = new byte[SENDER_CACHE][];

    /** An empty batch for {@code options}' CSV columns, sized for about {@code expectedRows} rows. */
    public CsvRows(OutputOptions options, int expectedRows) {
        this.d = options.delimiter();
        this.quoteTimestamps = options.quotesTimestamps();
        this.columns = Columns.of(options, null);
        int rows = Math.max(expectedRows, 4);
        this.bytes = new byte[rows * 64];
        this.marks = new int[rows * 3];
        this.quoted = new boolean[rows];
        this.senders = new String[rows];
    }

    /** Whether the rows have an ID column: without one, a reader need not decode message ids. */
    public boolean hasIds() {
        return columns.id();
    }

    /** Rows in this batch. */
    public int size() {
        return count;
    }

    /** Whether the batch holds no row. */
    public boolean isEmpty() {
        return count == 0;
    }

    /** Drops every row, keeping the buffers. */
    public void clear() {
        size = 0;
        count = 0;
        Arrays.fill(senders, null);
    }

    /** Appends a message, encoding its content from the String as {@link CsvWriter} does. */
    public void add(Message m) {
        head(m);
        String s = m.content();
        boolean quote = needsQuotes(s);
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int bodyStart = size;
        doubled(b, 0, b.length);
        finish(m, bodyStart, quote);
    }

    /**
     * Appends a message whose content is {@code utf8[off, off + len)}, well-formed UTF-8 (no unpaired
     * surrogates); {@code meta.content()} is ignored. Gives the same bytes as {@link #add(Message)} for that
     * content, without decoding it to UTF-16 and encoding it back.
     */
    public void addUtf8(Message meta, byte[] utf8, int off, int len) {
        if (d >= 0x80) {
            // A delimiter of several bytes: rare enough to take the String route.
            add(meta.withContent(new String(utf8, off, len, StandardCharsets.UTF_8)));
            return;
        }
        head(meta);
        boolean quote = needsQuotes(utf8, off, off + len);
        int bodyStart = size;
        if (quote) {
            doubled(utf8, off, len);
        } else {
            ensure(len);
            System.arraycopy(utf8, off, bytes, size, len);
            size += len;
        }
        finish(meta, bodyStart, quote);
    }

    private void head(Message m) {
        if (m.chat() != null) {
            throw new IllegalArgumentException("CSV rows have no Chat column");
        }
        Columns c = columns;
        if (c.id()) {
            if (m.id() != null) {
                cell(m.id());
            }
            ascii(d);
        }
        if (c.timestamp()) {
            if (m.timestamp() != null) {
                timestamp(m.timestamp().getEpochSecond());
            }
            ascii(d);
        }
        senderCell(m.sender());
        ascii(d);
    }

    private void finish(Message m, int bodyStart, boolean quote) {
        int tailStart = size;
        Columns c = columns;
        if (c.replyTo()) {
            ascii(d);
            if (m.replyTo() != null) {
                cell(m.replyTo());
            }
        }
        if (c.edited()) {
            ascii(d);
            if (m.edited() != null) {
                timestamp(m.edited().getEpochSecond());
            }
        }
        if (count == senders.length) {
            int rows = count * 2;
            marks = Arrays.copyOf(marks, rows * 3);
            quoted = Arrays.copyOf(quoted, rows);
            senders = Arrays.copyOf(senders, rows);
        }
        int k = count * 3;
        marks[k] = bodyStart;
        marks[k + 1] = tailStart;
        marks[k + 2] = size;
        quoted[count] = quote;
        senders[count] = m.sender();
        count++;
    }

    private void senderCell(String sender) {
        // Two-way by hash code (cached in the String): a chat's few senders all stay in the cache.
        int slot = sender.hashCode() & (SENDER_CACHE - 1);
        for (int way = 0; way < 2; way++) {
            String cached = cachedSenders[slot ^ way];
            if (cached == sender || sender.equals(cached)) {
                byte[] cell = cachedCells[slot ^ way];
                ensure(cell.length);
                System.arraycopy(cell, 0, bytes, size, cell.length);
                size += cell.length;
                return;
            }
        }
        if (cachedSenders[slot] != null && cachedSenders[slot ^ 1] == null) {
            slot ^= 1;
        }
        int start = size;
        cell(sender);
        cachedSenders[slot] = sender;
        cachedCells[slot] = Arrays.copyOfRange(bytes, start, size);
    }

    /** A whole cell, quoted when needed: {@link Utf8Sink#csvField}. */
    private void cell(String s) {
        boolean quote = needsQuotes(s);
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (quote) {
            ascii('"');
            doubled(b, 0, b.length);
            ascii('"');
        } else {
            ensure(b.length);
            System.arraycopy(b, 0, bytes, size, b.length);
            size += b.length;
        }
    }

    /** The same test on UTF-8 bytes, for an ASCII delimiter: eight bytes at a time up to a candidate. */
    private boolean needsQuotes(byte[] b, int from, int to) {
        long delimiters = ONES * d;
        int i = from;
        while (i <= to - Long.BYTES) {
            long v = (long) LONGS.get(b, i);
            long x = v ^ delimiters;
            long q = v ^ QUOTES;
            // A delimiter or quote byte (zero after the xor), or a byte below 0x20 (a control, maybe CR or LF).
            if (((((x - ONES) & ~x) | ((q - ONES) & ~q) | ((v - SPACES) & ~v)) & HIGHS) != 0) {
                break;
            }
            i += Long.BYTES;
        }
        byte delimiter = (byte) d;
        for (; i < to; i++) {
            byte c = b[i];
            if (c == delimiter || c == '"' || c == '\n' || c == '\r') {
                return true;
            }
        }
        return false;
    }

    /** The test {@link Utf8Sink#csvField} makes, on the characters. */
    private boolean needsQuotes(String s) {
        return s.indexOf(d) >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
    }

    /** Copies bytes, doubling every quote (one byte in UTF-8, so the encoded form can be searched). */
    private void doubled(byte[] b, int off, int len) {
        ensure(len * 2);
        byte[] out = bytes;
        int p = size;
        for (int i = off, end = off + len; i < end; i++) {
            byte c = b[i];
            out[p++] = c;
            if (c == '"') {
                out[p++] = '"';
            }
        }
        size = p;
    }

    private void timestamp(long epochSecond) {
        if (quoteTimestamps) {
            ascii('"');
            plainTimestamp(epochSecond);
            ascii('"');
        } else {
            plainTimestamp(epochSecond);
        }
    }

    private void plainTimestamp(long epochSecond) {
        ensure(Utf8Sink.MAX_TIMESTAMP_BYTES);
        int end = Utf8Sink.timestamp(bytes, size, epochSecond, false);
        if (end >= 0) {
            size = end;
            return;
        }
        byte[] text = java.time.Instant.ofEpochSecond(epochSecond).toString().getBytes(StandardCharsets.UTF_8);
        ensure(text.length);
        System.arraycopy(text, 0, bytes, size, text.length);
        size += text.length;
    }

    private void ascii(char c) {
        ensure(1);
        bytes[size++] = (byte) c;
    }

    private void ensure(int more) {
        if (bytes.length - size < more) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    // ---- Read by CsvRowWriter ----

    String sender(int row) {
        return senders[row];
    }

    boolean quoted(int row) {
        return quoted[row];
    }

    byte[] bytes() {
        return bytes;
    }

    int headStart(int row) {
        return row == 0 ? 0 : marks[row * 3 - 1];
    }

    int bodyStart(int row) {
        return marks[row * 3];
    }

    int tailStart(int row) {
        return marks[row * 3 + 1];
    }

    int end(int row) {
        return marks[row * 3 + 2];
    }
}
