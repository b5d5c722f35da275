package dev.chainsync.chatpack;

import dev.chainsync.chatpack.detect.SourceDetector;
import dev.chainsync.chatpack.discord.DiscordReader;
import dev.chainsync.chatpack.instagram.InstagramReader;
import dev.chainsync.chatpack.output.Writers;
import dev.chainsync.chatpack.telegram.TelegramReader;
import dev.chainsync.chatpack.whatsapp.WhatsAppReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Gatherer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The library's entry point: read an export as a stream, filter, merge, write. Every step holds one message
 * at a time, so memory stays flat however large the export.
 *
 * <pre>{@code
 * ConversionResult r = ChatPack.convert(Platform.TELEGRAM, List.of(ChatInput.of(Path.of("result.json"))),
 *         ConvertOptions.DEFAULTS, Path.of("chat.csv"));
 * }</pre>
 */
public final class ChatPack {

    private ChatPack() {}

    /**
     * Opens a pull-based source over one conversation. Several inputs are read in the order given, except
     * Instagram parts, which are merged by time.
     */
    public static MessageSource open(Platform platform, List<ChatInput> inputs, ReadOptions options) {
        return open(platform, inputs, options, TelegramReader::open);
    }

    /**
     * The same as {@link #open} on the calling thread alone, for a runtime without threads or files (the browser
     * page): a large Telegram file is then read by one thread.
     */
    public static MessageSource openSingleThreaded(Platform platform, List<ChatInput> inputs, ReadOptions options) {
        return open(platform, inputs, options, TelegramReader::openSingleThreaded);
    }

    /** Only the Telegram reader has a parallel path; {@code telegram} picks it or not. */
    private static MessageSource open(
            Platform platform,
            List<ChatInput> inputs,
            ReadOptions options,
            BiFunction<List<ChatInput>, ReadOptions, MessageSource> telegram) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no input");
        }
        return switch (platform) {
            case TELEGRAM -> telegram.apply(inputs, options);
            case WHATSAPP -> WhatsAppReader.open(inputs, options);
            case INSTAGRAM -> InstagramReader.open(inputs, options);
            case DISCORD -> DiscordReader.open(inputs, options);
        };
    }

    /**
     * The same as {@link #open} as a sequential, lazily read {@link Stream}; close it (try-with-resources) to
     * release the files. I/O failures surface as {@link UncheckedIOException}, bad input as
     * {@link ChatpackException}.
     */
    public static Stream<Message> read(Platform platform, List<ChatInput> inputs, ReadOptions options) {
        MessageSource source = open(platform, inputs, options);
        Spliterator<Message> split =
                new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL) {
                    @Override
                    public boolean tryAdvance(Consumer<? super Message> action) {
                        Message m;
                        try {
                            m = source.next();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        if (m == null) {
                            return false;
                        }
                        action.accept(m);
                        return true;
                    }
                };
        return StreamSupport.stream(split, false).onClose(() -> {
            try {
                source.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A predicate applying the date and sender filters. */
    public static Predicate<Message> filter(FilterOptions options) {
        return new MessageFilter(options);
    }

    /** A gatherer joining consecutive messages of the same sender with a newline; apply after filtering. */
    public static Gatherer<Message, ?, Message> mergeConsecutive() {
        return MergeConsecutive.INSTANCE;
    }

    /** A writer in the given format onto {@code out}; call {@link MessageWriter#finish()} when done. */
    public static MessageWriter writer(OutputOptions options, OutputStream out) {
        return Writers.open(options, out);
    }

    /** Guesses the platform from the input's first bytes; the input must be a file. */
    public static Platform detect(ChatInput input) throws IOException {
        return SourceDetector.detect(input);
    }

    /** Reads, filters, merges and writes to {@code out} (left open). */
    public static ConversionResult convert(
            Platform platform, List<ChatInput> inputs, ConvertOptions options, OutputStream out) throws IOException {
        return new Conversion(platform, inputs, options).writeTo(out);
    }

    /** Reads, filters, merges and writes to a file that appears only if the whole conversion succeeds. */
    public static ConversionResult convert(
            Platform platform, List<ChatInput> inputs, ConvertOptions options, Path output) throws IOException {
        return new Conversion(platform, inputs, options).writeTo(output);
    }
}
