package dev.chainsync.chatpack;

import dev.chainsync.chatpack.io.Text;

/**
 * What the platform readers keep.
 *
 * @param media           keep media-only messages as placeholders such as {@code [Photo]}; when false they are
 *                        dropped and captions lose their placeholder
 * @param serviceMessages keep notices (joins, pins, calls, reactions), on every platform, as
 *                        {@code [Service: action]} or {@code [Service] text}
 * @param chat            Telegram full-account export: the one chat to read (name, ASCII case-insensitive, or id);
 *                        null reads all chats and fills {@link Message#chat()}
 */
public record ReadOptions(boolean media, boolean serviceMessages, String chat) {

    /** Media placeholders on, service messages off, all chats. */
    public static final ReadOptions DEFAULTS = new ReadOptions(true, false, null);

    public ReadOptions {
        if (chat != null && Text.isBlank(chat)) {
            throw new IllegalArgumentException("chat name must not be blank");
        }
    }
}
