package dev.chainsync.chain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devnet's append-only JSON-lines file: a header line (genesis, seed, slot time), then one line
 * per landed transaction. A line counts only once its newline is written, so a crash mid-append
 * leaves an unterminated tail that the next open discards.
 */
final class DevnetLedger implements AutoCloseable {
    static final int FORMAT_VERSION = 1;

    private static final Logger LOG = LoggerFactory.getLogger(DevnetLedger.class);
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final int READ_BUFFER_BYTES = 1 << 16;

    /** First line of the file. {@code genesis} is an ISO-8601 instant, {@code seed} base58. */
    record Header(int version, String genesis, String seed, long slotTimeNanos) {}

    /**
     * One ticket-token change a transaction carries: {@code op} is {@code mint}, {@code transfer} or
     * {@code burn}; {@code from} is null for a mint, {@code to} null for a burn.
     */
    record TokenOp(String op, String mint, String from, String to, String ticketId, String metadata) {}

    /**
     * One landed transaction; {@code seq} is its arrival order, {@code error} null on success,
     * {@code tokens} its ticket-token changes (absent from the line when none).
     */
    record Entry(
            String signature,
            String signer,
            long slot,
            long seq,
            List<String> memos,
            String error,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TokenOp> tokens) {
        Entry {
            memos = List.copyOf(memos);
            tokens = tokens == null ? List.of() : List.copyOf(tokens);
        }

        Entry(String signature, String signer, long slot, long seq, List<String> memos, String error) {
            this(signature, signer, slot, seq, memos, error, List.of());
        }

        /** Reads lines written before transactions carried several memos ({@code "memo"}) as well as current ones. */
        @JsonCreator
        static Entry read(
                @JsonProperty("signature") String signature,
                @JsonProperty("signer") String signer,
                @JsonProperty("slot") long slot,
                @JsonProperty("seq") long seq,
                @JsonProperty("memos") List<String> memos,
                @JsonProperty("memo") String memo,
                @JsonProperty("error") String error,
                @JsonProperty("tokens") List<TokenOp> tokens) {
            List<String> all = memos != null ? memos : memo != null ? List.of(memo) : null;
            if (signature == null || signer == null || all == null) {
                throw new IllegalArgumentException("ledger entry lacks signature, signer or memos");
            }
            return new Entry(signature, signer, slot, seq, all, error, tokens);
        }
    }

    private final Path file;
    private final RandomAccessFile raf;
    private final FileLock lock;
    private final boolean sync;
    private final Header header;
    private final List<Entry> entries;
    private boolean closed;

    private DevnetLedger(
            Path file, RandomAccessFile raf, FileLock lock, boolean sync, Header header, List<Entry> entries) {
        this.file = file;
        this.raf = raf;
        this.lock = lock;
        this.sync = sync;
        this.header = header;
        this.entries = entries;
    }

    /**
     * Opens {@code file}, creating it with {@code fresh} as header when it has none, and replays it.
     * Holds an exclusive lock until {@link #close()} so that two devnets never share one ledger.
     */
    static DevnetLedger open(Path file, Header fresh, boolean sync) {
        RandomAccessFile raf = null;
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            // RandomAccessFile rather than a FileChannel: an interrupted caller thread must not close
            // the ledger for everyone, and channel I/O is interruptible.
            raf = new RandomAccessFile(file.toFile(), "rw");
            FileLock lock;
            try {
                lock = raf.getChannel().tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new DevnetLedgerException("devnet ledger " + file + " is in use by another process (a chainsync"
                        + " serve or demo on the same data directory?); stop it, or set CHAINSYNC_DATA_DIR to another"
                        + " directory");
            }
            Replay replay = replay(file, raf);
            Header header = replay.header;
            if (header == null) {
                // No complete header line: a new file, or a crash while creating it.
                if (replay.tailBytes > 0) {
                    LOG.warn(
                            "devnet ledger {}: no complete header (crash while creating it), starting a new chain",
                            file);
                }
                raf.setLength(0);
                raf.write(line(fresh));
                raf.getFD().sync();
                header = fresh;
            } else {
                if (replay.tailBytes > 0) {
                    LOG.warn(
                            "devnet ledger {}: discarding an unterminated last line of {} bytes (crash mid-write)",
                            file,
                            replay.tailBytes);
                    raf.setLength(replay.validLength);
                }
                raf.seek(replay.validLength);
            }
            if (header.version() != FORMAT_VERSION) {
                throw new IllegalStateException("devnet ledger " + file + " has format version " + header.version()
                        + ", expected " + FORMAT_VERSION);
            }
            LOG.info(
                    "devnet ledger {}: genesis {}, {} transactions replayed",
                    file,
                    header.genesis(),
                    replay.entries.size());
            return new DevnetLedger(file, raf, lock, sync, header, replay.entries);
        } catch (IOException e) {
            closeQuietly(raf);
            throw new UncheckedIOException("cannot open devnet ledger " + file, e);
        } catch (RuntimeException e) {
            closeQuietly(raf);
            throw e;
        }
    }

    private record Replay(Header header, List<Entry> entries, long validLength, int tailBytes) {}

    private static Replay replay(Path file, RandomAccessFile raf) throws IOException {
        Header header = null;
        List<Entry> entries = new ArrayList<>();
        long validLength = 0;
        long lineNumber = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[READ_BUFFER_BYTES];
        raf.seek(0);
        int read;
        while ((read = raf.read(buffer)) > 0) {
            int from = 0;
            for (int i = 0; i < read; i++) {
                if (buffer[i] != '\n') {
                    continue;
                }
                line.write(buffer, from, i - from);
                from = i + 1;
                lineNumber++;
                validLength += line.size() + 1;
                byte[] bytes = line.toByteArray();
                line.reset();
                if (lineNumber == 1) {
                    header = parse(file, lineNumber, bytes, Header.class);
                } else if (!isBlank(bytes)) {
                    entries.add(parse(file, lineNumber, bytes, Entry.class));
                }
            }
            line.write(buffer, from, read - from);
        }
        return new Replay(header, entries, validLength, line.size());
    }

    private static <T> T parse(Path file, long lineNumber, byte[] bytes, Class<T> type) {
        try {
            T value = JSON.readValue(bytes, type);
            if (value == null) {
                throw new IOException("null");
            }
            return value;
        } catch (IOException e) {
            // A terminated line was written whole, so failing to parse it means real corruption.
            throw new IllegalStateException("devnet ledger " + file + " line " + lineNumber + " is corrupt", e);
        }
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    Header header() {
        return header;
    }

    /** The transactions read at open, in file order. */
    List<Entry> entries() {
        return entries;
    }

    /** Appends one line and hands it to the OS (and the disk, when syncing) before returning. */
    void append(Entry entry) throws IOException {
        byte[] bytes = line(entry);
        synchronized (this) {
            if (closed) {
                throw new IOException("devnet ledger " + file + " is closed");
            }
            long end = raf.getFilePointer();
            try {
                raf.write(bytes);
                if (sync) {
                    raf.getFD().sync();
                }
            } catch (IOException e) {
                // A partial line (the disk filled up, say) would be glued to the next one into a corrupt
                // line the next start refuses: take it back, so the file ends where it did.
                try {
                    raf.setLength(end);
                    raf.seek(end);
                } catch (IOException undo) {
                    e.addSuppressed(undo);
                }
                throw e;
            }
        }
    }

    private static byte[] line(Object value) throws IOException {
        byte[] json = JSON.writeValueAsBytes(value);
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        return line;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lock.release();
        } catch (IOException e) {
            LOG.warn("devnet ledger {}: cannot release lock", file, e);
        }
        closeQuietly(raf);
    }

    private static void closeQuietly(RandomAccessFile raf) {
        if (raf == null) {
            return;
        }
        try {
            raf.close();
        } catch (IOException e) {
            LOG.warn("cannot close devnet ledger", e);
        }
    }
}
