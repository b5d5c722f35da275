package dev.chainsync.chatpack.instagram;

import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.MessageSource;
import dev.chainsync.chatpack.ReadOptions;
import java.util.List;

/** Opens Instagram {@code message_N.json} files; several parts form one conversation, merged by time. */
public final class InstagramReader {

    private InstagramReader() {}

    /** A source over all parts in chronological order (Instagram writes newest first). */
    public static MessageSource open(List<ChatInput> inputs, ReadOptions options) {
        return new InstagramSource(inputs, options);
    }
}
