package dev.chainsync.chatpack.output;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes to a temporary file beside the target and renames it into place on {@link #commit()}, so a failed or
 * interrupted conversion never leaves a partial output, nor clobbers an existing file with one. Closing
 * without committing deletes the temporary file; a JVM shutdown (Ctrl-C) does too.
 */
public final class AtomicOutput implements AutoCloseable {

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final Path target;
    private final Path temp;
    private final OutputStream stream;
    private final Thread cleanup;
    private boolean done;

    private AtomicOutput(Path target, Path temp, OutputStream stream) {
        this.target = target;
        this.temp = temp;
        this.stream = stream;
        this.cleanup = new Thread(this::deleteTemp, "chatpack-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Creates the temporary file in the target's directory (a rename across file systems is not atomic). */
    public static AtomicOutput create(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(dir.toString(), null, "output directory does not exist");
        }
        // createFile, not createTempFile: the result should get the usual umask permissions, not 0600.
        Path temp =
                Files.createFile(dir.resolve("." + absolute.getFileName() + "." + RANDOM.nextLong(1L << 40) + ".tmp"));
        try {
            return new AtomicOutput(absolute, temp, new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** Where to write; do not close it, {@link #commit()} does. */
    public OutputStream stream() {
        return stream;
    }

    /** Flushes, closes and moves the file into place. */
    public void commit() throws IOException {
        stream.close();
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        done = true;
        removeHook();
    }

    @Override
    public void close() throws IOException {
        if (done) {
            return;
        }
        done = true;
        try {
            stream.close();
        } finally {
            deleteTemp();
            removeHook();
        }
    }

    private void deleteTemp() {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // Best effort: at shutdown there is nobody left to tell.
        }
    }

    private void removeHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to; it only deletes a file that is already gone.
        }
    }
}
