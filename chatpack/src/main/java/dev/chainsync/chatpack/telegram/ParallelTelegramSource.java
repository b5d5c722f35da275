package dev.chainsync.chatpack.telegram;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.MessageSource;
import dev.chainsync.chatpack.OutputOptions;
import dev.chainsync.chatpack.ReadOptions;
import dev.chainsync.chatpack.Skipped;
import dev.chainsync.chatpack.io.Json;
import dev.chainsync.chatpack.io.Progress;
import dev.chainsync.chatpack.output.CsvRows;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Parses a large single-chat {@code result.json} on several cores while keeping message order and flat memory.
 *
 * <p>Telegram Desktop pretty-prints exports with a fixed layout: the messages of a single-chat export are the
 * only objects indented by exactly two spaces. A raw newline never occurs inside a JSON string (it must be
 * escaped), so the bytes {@code "},\n  {\n"} can only be the seam between two messages. The file is cut at
 * such seams into blocks of a few megabytes; worker threads parse blocks (each wrapped in {@code [ ]} to make
 * it a JSON array) while this thread hands out the messages of finished blocks in file order. A bounded number
 * of blocks is in flight, so memory does not depend on the file size.
 *
 * <p>Anything else (minified JSON, a full-account export, another indentation, stdin) is read by the
 * sequential {@link TelegramSource}. If a block fails to parse, the file is re-read sequentially up to the
 * failure so the error names the same line and column a sequential read would.
 */
final class ParallelTelegramSource implements MessageSource {

    /** Below this size, handing blocks between threads costs more than it saves. */
    static final long MIN_PARALLEL_BYTES = 16L << 20;
    /** Block size: large enough to amortise the hand-off, small enough to keep a few in flight cheaply. */
    static final int BLOCK_BYTES = 2 << 20;
    /** A seam must appear within this span; otherwise the layout is not Telegram's. */
    static final int MAX_BLOCK_BYTES = 64 << 20;

    private static final int SCAN_WINDOW = 1 << 12;
    /** The byte scanner looks for the messages array within this many bytes; Jackson reads longer headers. */
    static final int HEADER_BYTES = 1 << 16;
    /** How much of the file's end {@link #endsLikeAnExport} looks at. */
    private static final int TAIL_BYTES = 4096;

    private static final byte[] SEAM = "},\n  {\n".getBytes(StandardCharsets.US_ASCII);
    /** Bytes from the seam's start to the next message's opening brace. */
    private static final int SEAM_TO_NEXT = 5;

    private static final byte[] ARRAY_START = "[\n  {\n".getBytes(StandardCharsets.US_ASCII);
    private static final int ARRAY_START_TO_FIRST = 4;

    private final ChatInput input;
    private final ReadOptions options;
    private final ChatSelection selection;
    private final Progress progress;
    private final int threads;

    private boolean started;
    private MessageSource sequential;
    /** What the blocks handed over skipped; a block adds its counts only once it is parsed for good. */
    private final Skipped skipped = new Skipped();

    private FileChannel channel;
    private long fileSize;
    private ExecutorService pool;
    /** Each block's messages: a {@code List<Message>}, or {@link CsvRows} once {@link #rowsFor} is set. */
    private final ArrayDeque<Future<Object>> inFlight = new ArrayDeque<>();
    /** Set by the first {@link #nextCsvRows} before any {@link #next()}: the workers encode CSV rows. */
    private volatile OutputOptions rowsFor;

    private boolean messagesStarted;
    private long nextStart = -1;
    private boolean planned;
    private List<Message> current = List.of();
    private int index;
    private final ThreadLocal<byte[]> buffers = new ThreadLocal<>();

    private record Block(long start, long end) {}

    ParallelTelegramSource(
            ChatInput input, ReadOptions options, ChatSelection selection, Progress progress, int threads) {
        this.input = input;
        this.options = options;
        this.selection = selection;
        this.progress = progress;
        this.threads = threads;
    }

    @Override
    public Message next() throws IOException {
        if (rowsFor != null) {
            throw new IllegalStateException("this source hands over CSV rows");
        }
        messagesStarted = true;
        start();
        if (sequential != null) {
            return sequential.next();
        }
        while (true) {
            if (index < current.size()) {
                return current.get(index++);
            }
            fill();
            Future<Object> next = inFlight.poll();
            if (next == null) {
                return null;
            }
            @SuppressWarnings("unchecked")
            List<Message> messages = (List<Message>) await(next);
            current = messages;
            index = 0;
        }
    }

    /** Rows encoded by the workers, when the file is read in blocks; null when it is read sequentially. */
    @Override
    public CsvRows nextCsvRows(OutputOptions output) throws IOException {
        if (messagesStarted) {
            return null;
        }
        start();
        if (sequential != null) {
            return null;
        }
        if (rowsFor == null) {
            rowsFor = output;
        }
        while (true) {
            fill();
            Future<Object> next = inFlight.poll();
            if (next == null) {
                return new CsvRows(rowsFor, 0);
            }
            CsvRows rows = (CsvRows) await(next);
            if (!rows.isEmpty()) {
                return rows;
            }
        }
    }

    private void start() throws IOException {
        if (!started) {
            started = true;
            if (!setUp()) {
                sequential = new TelegramSource(input, options, selection, progress);
            }
        }
    }

    /**
     * Reads the root object up to the messages array (with the byte scanner, or Jackson when it gives up) and
     * checks the layout. Returns false when blocks cannot be cut safely.
     */
    private boolean setUp() throws IOException {
        BlockScanner.Header header = scanHeader();
        if (header == null) {
            try (InputStream in = input.open()) {
                header = jacksonHeader(in);
            }
        }
        if (header == null) {
            return false;
        }
        String name = header.name();
        String type = header.type();
        String id = header.id();
        long arrayStart = header.arrayStart();
        // Positional reads, not a memory mapping: mapped pages would count towards the process's RSS.
        channel = FileChannel.open(input.path(), StandardOpenOption.READ);
        fileSize = channel.size();
        byte[] head = new byte[ARRAY_START.length];
        if (read(arrayStart, head, 0, head.length) != head.length
                || !Arrays.equals(head, ARRAY_START)
                || !endsLikeAnExport()) {
            channel.close();
            channel = null;
            return false;
        }
        // Everything before the first message counts as read.
        progress.add(arrayStart);
        if (!selection.matches(TelegramSource.chatLabel(name, type, id), id)) {
            planned = true;
            return true;
        }
        nextStart = arrayStart + ARRAY_START_TO_FIRST;
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "chatpack-telegram-parser");
            t.setDaemon(true);
            return t;
        });
        return true;
    }

    /**
     * Whether the file ends as Telegram Desktop ends one: the messages array's {@code ]} alone on its line
     * at the root's indent, then the root object's {@code }}, then only whitespace. Blocks are cut at message seams, so a file cut short right
     * after a message would otherwise read as a complete, shorter chat; the sequential reader, which
     * sees the whole structure, then reports it (or reads a valid file of another layout).
     */
    private boolean endsLikeAnExport() throws IOException {
        int n = (int) Math.min(TAIL_BYTES, fileSize);
        byte[] tail = new byte[n];
        if (read(fileSize - n, tail, 0, n) != n) {
            return false;
        }
        int i = n - 1;
        while (i >= 0 && isJsonSpace(tail[i])) {
            i--;
        }
        if (i < 0 || tail[i] != '}') {
            return false;
        }
        i--;
        while (i >= 0 && isJsonSpace(tail[i])) {
            i--;
        }
        // The array's own bracket, on a line of its own at the root's indent: a message's last field can
        // end in "]" too (its text_entities), but never at this indent.
        return i >= 2 && tail[i] == ']' && tail[i - 1] == ' ' && tail[i - 2] == '\n';
    }

    private static boolean isJsonSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /** The header as the byte scanner reads it from the file's first bytes, or null when it gives up. */
    private BlockScanner.Header scanHeader() throws IOException {
        byte[] head;
        try (InputStream in = input.open()) {
            head = in.readNBytes(HEADER_BYTES);
        }
        try {
            return new BlockScanner(new MessageParser(input.name(), options)).header(head, head.length);
        } catch (RuntimeException e) {
            if (e != BlockScanner.ABANDON) {
                throw e;
            }
            return null;
        }
    }

    /** The header as Jackson reads it; null for anything but a single chat's root object with a messages array. */
    static BlockScanner.Header jacksonHeader(InputStream in) throws IOException {
        String name = null;
        String type = null;
        String id = null;
        long arrayStart = -1;
        try (JsonParser p = Json.parser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (arrayStart < 0 && p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "name" -> name = Json.textOrNull(p);
                    case "type" -> type = Json.textOrNull(p);
                    case "id" -> id = Json.textOrNull(p);
                    case "messages" -> {
                        if (v != JsonToken.START_ARRAY) {
                            return null;
                        }
                        arrayStart = p.currentTokenLocation().getByteOffset();
                    }
                    // A full-account export: the sequential walker handles its nesting.
                    case "chats", "left_chats" -> {
                        return null;
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (StreamReadException e) {
            return null;
        }
        return arrayStart < 0 ? null : new BlockScanner.Header(name, type, id, arrayStart);
    }

    /** Keeps a worker-count-plus-two blocks queued: workers never idle while this thread writes. */
    private void fill() throws IOException {
        while (!planned && inFlight.size() < threads + 2) {
            Block b = plan();
            inFlight.add(pool.submit(() -> parse(b)));
        }
    }

    private Block plan() throws IOException {
        long start = nextStart;
        long seam = findSeam(start + Math.min(BLOCK_BYTES, fileSize - start));
        if (seam < 0) {
            planned = true;
            return new Block(start, fileSize);
        }
        if (seam + 1 - start > MAX_BLOCK_BYTES) {
            throw new ChatpackException(
                    input.name(), "byte " + start, "a message larger than " + (MAX_BLOCK_BYTES >> 20) + " MB");
        }
        nextStart = seam + SEAM_TO_NEXT;
        return new Block(start, seam + 1);
    }

    /** Position of the first seam at or after {@code from}, or -1 if the file ends first. */
    private long findSeam(long from) throws IOException {
        byte[] window = new byte[SCAN_WINDOW];
        long pos = from;
        while (pos < fileSize) {
            int n = read(pos, window, 0, window.length);
            if (n <= 0) {
                return -1;
            }
            int limit = n - SEAM.length;
            for (int i = 0; i <= limit; i++) {
                if (window[i] == '}' && window[i + 1] == ',' && window[i + 2] == '\n' && matchesSeam(window, i)) {
                    return pos + i;
                }
            }
            if (pos + n >= fileSize) {
                return -1;
            }
            // Overlap windows so a seam across the edge is seen.
            pos += Math.max(1, n - SEAM.length + 1);
            if (pos - from > MAX_BLOCK_BYTES) {
                throw new ChatpackException(
                        input.name(), "byte " + from, "a message larger than " + (MAX_BLOCK_BYTES >> 20) + " MB");
            }
        }
        return -1;
    }

    private static boolean matchesSeam(byte[] b, int i) {
        for (int k = 3; k < SEAM.length; k++) {
            if (b[i + k] != SEAM[k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs on a worker: one block wrapped in brackets, parsed to messages by the {@link BlockScanner}, or by
     * Jackson when the scanner gives the block up.
     */
    private Object parse(Block block) throws IOException {
        int len = (int) (block.end() - block.start());
        byte[] buf = buffers.get();
        if (buf == null || buf.length < len + 2) {
            buf = new byte[Math.max(len + 2, BLOCK_BYTES + (1 << 16))];
            buffers.set(buf);
        }
        buf[0] = '[';
        if (read(block.start(), buf, 1, len) != len) {
            throw new ChatpackException(input.name(), "byte " + block.start(), "the file changed while being read");
        }
        buf[len + 1] = ']';
        progress.add(len);
        OutputOptions encode = rowsFor;
        CsvRows rows = encode == null ? null : new CsvRows(encode, len / 256 + 16);
        List<Message> out = encode == null ? new ArrayList<>(len / 256 + 16) : null;
        try {
            Skipped blockSkipped = new Skipped();
            BlockScanner scanner = new BlockScanner(new MessageParser(input.name(), options, blockSkipped));
            if (rows != null) {
                scanner.scan(buf, 0, len + 2, rows);
            } else {
                scanner.scan(buf, 0, len + 2, out);
            }
            // Not before: a block the scanner gives up is read again, and would count twice.
            skipped.add(blockSkipped.counts());
            return rows != null ? rows : out;
        } catch (RuntimeException abandoned) {
            if (abandoned != BlockScanner.ABANDON) {
                throw abandoned;
            }
            if (rows != null) {
                rows.clear();
            } else {
                out.clear();
            }
        }
        // Something the byte scanner does not take: Jackson reads the block, with a parser in a fresh state.
        Skipped blockSkipped = new Skipped();
        MessageParser parser = new MessageParser(input.name(), options, blockSkipped);
        try (JsonParser p = Json.FACTORY.createParser(buf, 0, len + 2)) {
            p.nextToken();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
                Message m = parser.read(p, null);
                if (m == null) {
                    continue;
                }
                if (rows != null) {
                    rows.add(m);
                } else {
                    out.add(m);
                }
            }
            if (t != JsonToken.END_ARRAY) {
                throw new ChatpackException(input.name(), "byte " + block.start(), "unexpected layout");
            }
        }
        skipped.add(blockSkipped.counts());
        return rows != null ? rows : out;
    }

    private int read(long position, byte[] into, int offset, int length) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(into, offset, length);
        long pos = position;
        while (bb.hasRemaining()) {
            int n = channel.read(bb, pos);
            if (n < 0) {
                break;
            }
            pos += n;
        }
        return bb.position() - offset;
    }

    private Object await(Future<Object> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw locate(e.getCause());
        }
    }

    /**
     * A block failed: re-read the file sequentially to report the first problem exactly where a sequential
     * read finds it (blocks know only byte offsets).
     */
    private RuntimeException locate(Throwable blockFailure) throws IOException {
        shutDown();
        try (TelegramSource seq = new TelegramSource(input, options, new ChatSelection(null), new Progress(-1, 1))) {
            while (seq.next() != null) {
                // Only the error matters.
            }
        } catch (ChatpackException e) {
            return e;
        }
        if (blockFailure instanceof RuntimeException r) {
            return r;
        }
        if (blockFailure instanceof IOException io) {
            throw io;
        }
        return new IllegalStateException(blockFailure);
    }

    private void shutDown() {
        for (Future<?> f : inFlight) {
            f.cancel(true);
        }
        inFlight.clear();
        if (pool != null) {
            pool.shutdownNow();
            pool = null;
        }
    }

    @Override
    public Skipped.Counts skipped() {
        return sequential != null ? sequential.skipped() : skipped.counts();
    }

    @Override
    public double progress() {
        return progress.fraction();
    }

    @Override
    public void close() throws IOException {
        shutDown();
        try {
            if (sequential != null) {
                sequential.close();
            }
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
    }
}
