package dev.chainsync.chatpack.discord;

import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.MessageSource;
import dev.chainsync.chatpack.ReadOptions;
import dev.chainsync.chatpack.io.ConcatSource;
import dev.chainsync.chatpack.io.Progress;
import dev.chainsync.chatpack.io.Utf8;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Opens DiscordChatExporter exports: JSON (preferred, complete), and the TXT and CSV formats. */
public final class DiscordReader {

    /** Enough of the start to tell the three formats apart. */
    private static final int SNIFF_BYTES = 256;

    private static final int BUFFER_BYTES = 1 << 16;

    private DiscordReader() {}

    /** Whether a line is a TXT export's message header, {@code [1/15/2024 10:30 AM] alice}. */
    public static boolean isMessageHeader(String line) {
        int close = line.indexOf("] ");
        if (!line.startsWith("[") || close < 0) {
            return false;
        }
        try {
            DiscordDates.parse(line.substring(1, close));
            return true;
        } catch (java.time.DateTimeException e) {
            return false;
        }
    }

    /** A source over the inputs in the order given; each input's format is recognised from its content. */
    public static MessageSource open(List<ChatInput> inputs, ReadOptions options) {
        Progress progress = new Progress(Progress.totalSize(inputs), 1);
        return new ConcatSource(inputs, progress, input -> openOne(input, options, progress));
    }

    private static MessageSource openOne(ChatInput input, ReadOptions options, Progress progress) throws IOException {
        InputStream in = new BufferedInputStream(progress.meter(input.open()), BUFFER_BYTES);
        try {
            in.mark(SNIFF_BYTES);
            byte[] head = in.readNBytes(SNIFF_BYTES);
            in.reset();
            String start = Utf8.decode(head).replace("\uFEFF", "").stripLeading();
            if (start.startsWith("{")) {
                return new DiscordJsonSource(input.name(), in, options);
            }
            if (start.startsWith("\"AuthorID\"") || start.startsWith("AuthorID,") || start.startsWith("AuthorID;")) {
                return new DiscordCsvSource(input.name(), in, options);
            }
            // The TXT layout's Guild/Channel block, a message header when that block is missing, or nothing.
            if (start.startsWith("==========") || start.startsWith("[") || start.isEmpty()) {
                return new DiscordTextSource(input.name(), in, options);
            }
            throw new ChatpackException(
                    input.name(),
                    "line 1",
                    "not a DiscordChatExporter export " + "(expected JSON, or the TXT or CSV layout)");
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }
}
