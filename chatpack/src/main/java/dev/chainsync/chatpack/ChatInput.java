package dev.chainsync.chatpack;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One export to read: a file, which readers may open more than once, or a one-shot stream such as stdin.
 *
 * @param name   what error messages call it (the path as given, or {@code <stdin>})
 * @param path   the file, or null for a stream
 * @param stream the stream, or null for a file
 */
public record ChatInput(String name, Path path, InputStream stream) {

    /** The name error messages use for standard input. */
    public static final String STDIN_NAME = "<stdin>";

    public ChatInput {
        Objects.requireNonNull(name, "name");
        if ((path == null) == (stream == null)) {
            throw new IllegalArgumentException("exactly one of path and stream must be given");
        }
    }

    /** A file input, named by its path. */
    public static ChatInput of(Path path) {
        return new ChatInput(path.toString(), path, null);
    }

    /** A one-shot stream input; readers that need two passes copy it to a temporary file first. */
    public static ChatInput of(String name, InputStream stream) {
        return new ChatInput(name, null, stream);
    }

    /** Standard input. */
    public static ChatInput stdin() {
        return of(STDIN_NAME, System.in);
    }

    /** Whether this input can be opened again (true for files). */
    public boolean reopenable() {
        return path != null;
    }

    /** Size in bytes, or -1 when unknown. */
    public long size() {
        if (path == null) {
            return -1;
        }
        try {
            return Files.size(path);
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Opens the input. A file can be opened any number of times; a stream is meant to be read once, and closing
     * what this returns leaves the underlying stream open, because the caller owns it (stdin above all).
     */
    public InputStream open() throws IOException {
        if (path != null) {
            return Files.newInputStream(path);
        }
        return new FilterInputStream(stream) {
            @Override
            public void close() {
                // The caller owns the stream.
            }
        };
    }
}
