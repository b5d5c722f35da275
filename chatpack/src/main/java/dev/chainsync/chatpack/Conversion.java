package dev.chainsync.chatpack;

import dev.chainsync.chatpack.output.AtomicOutput;
import dev.chainsync.chatpack.output.CsvRowWriter;
import dev.chainsync.chatpack.output.CsvRows;
import dev.chainsync.chatpack.output.Writers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One conversion, parse -> filter -> merge -> write, with live counters another thread may poll to draw a
 * progress bar. Use once.
 */
public final class Conversion {

    /** How often the live message count is published to other threads; a volatile write per message is waste. */
    private static final int PUBLISH_EVERY = 1 << 12;

    private final Platform platform;
    private final List<ChatInput> inputs;
    private final ConvertOptions options;
    private final Opener opener;
    private volatile MessageSource source;
    private volatile long liveRead;
    private Listener listener = (fraction, read) -> {};

    /** Told of progress on the converting thread itself, for a caller with no other thread (the browser page). */
    @FunctionalInterface
    public interface Listener {
        /** {@code fraction} of the input read (NaN when unknown), {@code messagesRead} so far. */
        void progress(double fraction, long messagesRead);
    }

    /** How a conversion opens its source: {@link ChatPack#open}, or {@link ChatPack#openSingleThreaded}. */
    @FunctionalInterface
    public interface Opener {
        MessageSource open(Platform platform, List<ChatInput> inputs, ReadOptions options);
    }

    public Conversion(Platform platform, List<ChatInput> inputs, ConvertOptions options) {
        this(platform, inputs, options, ChatPack::open);
    }

    /** A conversion whose source {@code opener} opens (the browser's has no threads). */
    public Conversion(Platform platform, List<ChatInput> inputs, ConvertOptions options, Opener opener) {
        this.opener = Objects.requireNonNull(opener, "opener");
        this.platform = Objects.requireNonNull(platform, "platform");
        this.inputs = List.copyOf(inputs);
        this.options = Objects.requireNonNull(options, "options");
        if (this.inputs.isEmpty()) {
            throw new IllegalArgumentException("no input");
        }
    }

    /** Calls {@code listener} every few thousand messages while converting; returns this. */
    public Conversion onProgress(Listener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Writes to a file atomically: on any failure the target is left as it was. */
    public ConversionResult writeTo(Path output) throws IOException {
        try (AtomicOutput out = AtomicOutput.create(output)) {
            ConversionResult result = writeTo(out.stream());
            out.commit();
            return result;
        }
    }

    /** Writes to {@code out}, which stays open (flushed). */
    public ConversionResult writeTo(OutputStream out) throws IOException {
        Predicate<Message> filter = options.filter().isActive() ? new MessageFilter(options.filter()) : null;
        long read = 0;
        try (MessageSource src = opener.open(platform, inputs, options.read())) {
            source = src;
            // Unfiltered CSV is the common case, and the one a reader can encode on its worker threads.
            CsvRows rows = filter == null && options.output().format() == OutputFormat.CSV
                    ? src.nextCsvRows(options.output())
                    : null;
            if (rows != null) {
                CsvRowWriter writer = new CsvRowWriter(options.output(), out, options.merge());
                while (!rows.isEmpty()) {
                    writer.write(rows);
                    read += rows.size();
                    publish(src, read);
                    rows = src.nextCsvRows(options.output());
                }
                writer.finish();
                return new ConversionResult(read, read, writer.rowsWritten(), writer.bytesWritten(), src.skipped());
            }
            MessageWriter writer = Writers.open(options.output(), out);
            boolean merge = options.merge();
            long kept = 0;
            long written = 0;
            // Merging streams: a message waits only until the next one says whether a run begins, and a
            // run's texts go to the writer as they come (see MessageWriter.beginRun).
            Message waiting = null;
            boolean inRun = false;
            Message m;
            SenderSample seen = options.filter().from() != null ? new SenderSample() : null;
            while ((m = src.next()) != null) {
                if ((++read & (PUBLISH_EVERY - 1)) == 0) {
                    publish(src, read);
                }
                if (seen != null) {
                    seen.add(m.sender());
                }
                if (filter != null && !filter.test(m)) {
                    continue;
                }
                kept++;
                if (!merge) {
                    writer.write(m);
                    written++;
                } else if (waiting != null && Merger.sameRun(waiting, m)) {
                    if (inRun) {
                        writer.appendRun(m.content());
                    } else {
                        writer.beginRun(waiting, m.content());
                        inRun = true;
                    }
                } else {
                    if (waiting != null) {
                        end(writer, waiting, inRun);
                        written++;
                    }
                    waiting = m;
                    inRun = false;
                }
            }
            if (waiting != null) {
                end(writer, waiting, inRun);
                written++;
            }
            if (seen != null && kept == 0 && read > 0) {
                // Before finish(): a file target is then never replaced by a header-only file.
                throw new ChatpackException(
                        inputs.getFirst().name(),
                        null,
                        "--from '" + options.filter().from() + "' matches none of the " + read
                                + " messages read, so nothing was written; senders seen: " + seen);
            }
            writer.finish();
            return new ConversionResult(read, kept, written, writer.bytesWritten(), src.skipped());
        } finally {
            liveRead = read;
        }
    }

    private void publish(MessageSource src, long read) {
        liveRead = read;
        listener.progress(src.progress(), read);
    }

    /** The distinct senders met, the first few by name, for a --from that matched nobody. */
    private static final class SenderSample {
        private static final int NAMED = 20;
        private final Set<String> names = new LinkedHashSet<>();
        private boolean more;

        void add(String sender) {
            if (names.size() < NAMED) {
                names.add(sender);
            } else if (!more && !names.contains(sender)) {
                more = true;
            }
        }

        @Override
        public String toString() {
            return names.stream().map(n -> n.isEmpty() ? "(no name)" : n).collect(Collectors.joining(", "))
                    + (more ? ", ..." : "");
        }
    }

    private static void end(MessageWriter writer, Message first, boolean inRun) throws IOException {
        if (inRun) {
            writer.endRun();
        } else {
            writer.write(first);
        }
    }

    /** Fraction of the input read, 0 to 1, or NaN when unknown (stdin) or not started. */
    public double progress() {
        MessageSource s = source;
        return s == null ? 0.0 : s.progress();
    }

    /** Messages read so far, published every few thousand. */
    public long messagesRead() {
        return liveRead;
    }
}
