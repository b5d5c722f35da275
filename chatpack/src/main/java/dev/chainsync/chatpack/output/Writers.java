package dev.chainsync.chatpack.output;

import dev.chainsync.chatpack.MessageWriter;
import dev.chainsync.chatpack.OutputOptions;
import java.io.OutputStream;

/** Creates the writer for an {@link OutputOptions#format()}. */
public final class Writers {

    private Writers() {}

    /** A writer encoding UTF-8 onto {@code out}; the caller closes {@code out} after {@code finish()}. */
    public static MessageWriter open(OutputOptions options, OutputStream out) {
        Utf8Sink sink = new Utf8Sink(out);
        return switch (options.format()) {
            case CSV -> new CsvWriter(options, sink);
            case JSONL -> new JsonWriter(options, sink, false);
            case JSON -> new JsonWriter(options, sink, true);
        };
    }
}
