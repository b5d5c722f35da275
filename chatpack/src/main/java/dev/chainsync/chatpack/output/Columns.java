package dev.chainsync.chatpack.output;

import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.OutputOptions;

/**
 * The columns of one output, fixed when the first message arrives: the optional ones come from the options,
 * the Chat column from whether messages carry a chat (a Telegram full-account export read whole).
 */
record Columns(boolean chat, boolean id, boolean timestamp, boolean replyTo, boolean edited) {

    static Columns of(OutputOptions options, Message first) {
        return new Columns(
                first != null && first.chat() != null,
                options.ids(),
                options.timestamps(),
                options.replies(),
                options.edited());
    }
}
