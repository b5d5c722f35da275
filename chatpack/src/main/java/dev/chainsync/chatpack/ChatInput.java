package dev.chainsync.chatpack;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One export to read: a file or bytes in memory (the browser page's), which readers may open more than once, or
 * a one-shot stream such as stdin.
 *
 * @param name   what error messages call it (the path as given, or {@code <stdin>})
 * @param path   the file, or null
 * @param stream the stream, or null
 * @param bytes  the whole export in memory, or null; never copied, so the caller must not change it
 */
public record ChatInput(String name, Path path, InputStream stream, byte[] bytes) {

    /** The name error messages use for standard input. */
    public static final String STDIN_NAME = "<stdin>";

    public ChatInput {
        Objects.requireNonNull(name, "name");
        if ((path != null ? 1 : 0) + (stream != null ? 1 : 0) + (bytes != null ? 1 : 0) != 1) {
            throw new IllegalArgumentException("exactly one of path, stream and bytes must be given");
        }
    }

    /** A file or a stream. */
    public ChatInput(String name, Path path, InputStream stream) {
        this(name, path, stream, null);
    }

    /** A file input, named by its path. */
    public static ChatInput of(Path path) {
        return new ChatInput(path.toString(), path, null);
    }

    /** A one-shot stream input; readers that need two passes copy it to a temporary file first. */
    public static ChatInput of(String name, InputStream stream) {
        return new ChatInput(name, null, stream);
    }

    /** An export already in memory, as the browser page holds it; readable any number of times. */
    public static ChatInput of(String name, byte[] bytes) {
        return new ChatInput(name, null, null, bytes);
    }

    /** Standard input. */
    public static ChatInput stdin() {
        return of(STDIN_NAME, System.in);
    }

    /** Whether this input can be opened again (true for files and bytes). */
    public boolean reopenable() {
        return stream == null;
    }

    /** Size in bytes, or -1 when unknown. */
    public long size() {
        if (bytes != null) {
            return bytes.length;
        }
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
     * Opens the input. A file or bytes can be opened any number of times; a stream is meant to be read once, and closing
     * what this returns leaves the underlying stream open, because the caller owns it (stdin above all).
     */
    public InputStream open() throws IOException {
        if (path != null) {
            return Files.newInputStream(path);
        }
        if (bytes != null) {
            return new ByteArrayInputStream(bytes);
        }
        return new FilterInputStream(stream) {
            @Override
            public void close() {
                // The caller owns the stream.
            }
        };
    }
}
