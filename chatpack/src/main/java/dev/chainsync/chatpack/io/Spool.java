package dev.chainsync.chatpack.io;

import dev.chainsync.chatpack.ChatInput;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An input that readers may read twice or at any position. A file input is used in place, bytes in memory (the
 * browser page's) as they are; a one-shot stream is copied to a temporary file, deleted on {@link #close()}.
 */
public abstract sealed class Spool implements AutoCloseable {

    private Spool() {}

    /** The input as re-readable bytes, copying it first when it is a stream; {@code progress} counts the copy. */
    public static Spool of(ChatInput input, Progress progress) throws IOException {
        if (input.bytes() != null) {
            return new InMemory(input.bytes());
        }
        if (input.path() != null) {
            return new OnDisk(input.path(), false);
        }
        Path tmp = Files.createTempFile("chatpack-", ".spool");
        try (InputStream in = progress.meter(input.open())) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return new OnDisk(tmp, true);
    }

    /** A new stream from the first byte. */
    public abstract InputStream open() throws IOException;

    /** Size in bytes. */
    public abstract long size() throws IOException;

    /** Reads into {@code dst} (array-backed) from {@code position} on; -1 at the end. Not for concurrent use. */
    public abstract int read(ByteBuffer dst, long position) throws IOException;

    @Override
    public abstract void close() throws IOException;

    private static final class OnDisk extends Spool {
        private final Path path;
        private final boolean temporary;
        // RandomAccessFile rather than a FileChannel: TeaVM, which compiles this for the browser, lacks channels.
        private RandomAccessFile file;

        OnDisk(Path path, boolean temporary) {
            this.path = path;
            this.temporary = temporary;
        }

        @Override
        public InputStream open() throws IOException {
            return Files.newInputStream(path);
        }

        @Override
        public long size() throws IOException {
            return file().length();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            RandomAccessFile f = file();
            f.seek(position);
            int n = f.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }

        private RandomAccessFile file() throws IOException {
            if (file == null) {
                file = new RandomAccessFile(path.toFile(), "r");
            }
            return file;
        }

        @Override
        public void close() throws IOException {
            try {
                if (file != null) {
                    file.close();
                }
            } finally {
                if (temporary) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    /** Kept apart from the file code so the browser build never reaches a file channel. */
    private static final class InMemory extends Spool {
        private final byte[] bytes;

        InMemory(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public int read(ByteBuffer dst, long position) {
            if (position >= bytes.length) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), bytes.length - position);
            dst.put(bytes, (int) position, n);
            return n;
        }

        @Override
        public void close() {
            // Nothing to release: the bytes belong to the caller.
        }
    }
}
