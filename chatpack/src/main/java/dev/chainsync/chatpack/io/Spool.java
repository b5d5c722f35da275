package dev.chainsync.chatpack.io;

import dev.chainsync.chatpack.ChatInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Copies a one-shot stream to a temporary file for readers that must read twice or seek; the copy is deleted
 * on {@link #close()}. A file input is used in place.
 */
public final class Spool implements AutoCloseable {

    private final Path path;
    private final boolean temporary;

    private Spool(Path path, boolean temporary) {
        this.path = path;
        this.temporary = temporary;
    }

    /** The input as a file, copying it first when it is a stream; {@code progress} counts the copy. */
    public static Spool of(ChatInput input, Progress progress) throws IOException {
        if (input.reopenable()) {
            return new Spool(input.path(), false);
        }
        Path tmp = Files.createTempFile("chatpack-", ".spool");
        try (InputStream in = progress.meter(input.open())) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return new Spool(tmp, true);
    }

    /** The file to read. */
    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        if (temporary) {
            Files.deleteIfExists(path);
        }
    }
}
