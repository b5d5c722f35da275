package dev.chainsync.chatpack.whatsapp;

import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.MessageSource;
import dev.chainsync.chatpack.ReadOptions;
import dev.chainsync.chatpack.io.ConcatSource;
import dev.chainsync.chatpack.io.Progress;
import java.util.List;

/** Opens WhatsApp {@code .txt} exports from iOS and Android. */
public final class WhatsAppReader {

    /** The date-order scan usually stops within the first lines, so progress counts the conversion pass only. */
    private static final int PASSES = 1;

    private WhatsAppReader() {}

    /** A source over the inputs in the order given; each file's date order is inferred on its own. */
    public static MessageSource open(List<ChatInput> inputs, ReadOptions options) {
        Progress progress = new Progress(Progress.totalSize(inputs), PASSES);
        return new ConcatSource(inputs, progress, input -> new WhatsAppSource(input, options, progress));
    }

    /** Whether a line starts with a WhatsApp message header (iOS or Android, any supported date shape). */
    public static boolean isMessageLine(String line) {
        return new Header().parse(line);
    }
}
