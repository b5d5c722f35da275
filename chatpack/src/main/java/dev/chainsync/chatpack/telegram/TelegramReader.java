package dev.chainsync.chatpack.telegram;

import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.MessageSource;
import dev.chainsync.chatpack.ReadOptions;
import dev.chainsync.chatpack.io.ConcatSource;
import dev.chainsync.chatpack.io.Progress;
import java.io.IOException;
import java.util.List;

/** Opens Telegram Desktop JSON exports ({@code result.json}), single-chat or full-account. */
public final class TelegramReader {

    /** Worker threads for large files: one per core, and more would only contend. */
    private static final int MAX_PARSER_THREADS = 4;

    private TelegramReader() {}

    private static MessageSource openOne(
            ChatInput input, ReadOptions options, ChatSelection selection, Progress progress)
            throws java.io.IOException {
        int cores = Runtime.getRuntime().availableProcessors();
        if (cores > 1 && input.path() != null && input.size() >= ParallelTelegramSource.MIN_PARALLEL_BYTES) {
            return new ParallelTelegramSource(input, options, selection, progress, Math.min(cores, MAX_PARSER_THREADS));
        }
        return new TelegramSource(input, options, selection, progress);
    }

    /** Opens one input of several; the parallel reader is reachable only through {@link #open}. */
    @FunctionalInterface
    private interface OneOpener {
        MessageSource open(ChatInput input, ReadOptions options, ChatSelection selection, Progress progress)
                throws IOException;
    }

    /**
     * A source over the inputs, read in the order given, large files on several threads. With
     * {@link ReadOptions#chat()} set, an input that holds no chat of that name is not an error as long as some
     * input does.
     */
    public static MessageSource open(List<ChatInput> inputs, ReadOptions options) {
        return open(inputs, options, TelegramReader::openOne);
    }

    /**
     * The same as {@link #open}, on the calling thread only: where there are no threads (the browser page,
     * compiled by TeaVM, which must never reach the parallel reader's thread pool and file channel).
     */
    public static MessageSource openSingleThreaded(List<ChatInput> inputs, ReadOptions options) {
        return open(inputs, options, TelegramSource::new);
    }

    private static MessageSource open(List<ChatInput> inputs, ReadOptions options, OneOpener opener) {
        Progress progress = new Progress(Progress.totalSize(inputs), 1);
        ChatSelection selection = new ChatSelection(options.chat());
        MessageSource all =
                new ConcatSource(inputs, progress, input -> opener.open(input, options, selection, progress));
        if (options.chat() == null) {
            return all;
        }
        String lastInput = inputs.getLast().name();
        return new MessageSource() {
            @Override
            public Message next() throws IOException {
                Message m = all.next();
                if (m == null && !selection.found()) {
                    throw new ChatpackException(lastInput, null, selection.notFoundMessage());
                }
                return m;
            }

            @Override
            public double progress() {
                return all.progress();
            }

            @Override
            public void close() throws IOException {
                all.close();
            }
        };
    }
}
