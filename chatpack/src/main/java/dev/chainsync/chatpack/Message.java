package dev.chainsync.chatpack;

import java.time.Instant;
import java.util.Objects;

/**
 * One normalised chat message.
 *
 * @param chat      chat name when the input holds several chats (Telegram full-account export), else null
 * @param sender    display name of the author, never null
 * @param content   text, may contain newlines; media appear as placeholders such as {@code [Photo]}
 * @param timestamp when it was sent (UTC), or null if the export does not say
 * @param id        message id exactly as the export wrote it (Discord snowflakes exceed 2^53), or null
 * @param replyTo   id of the message replied to, or null
 * @param edited    when it was last edited (UTC), or null
 */
public record Message(
        String chat, String sender, String content, Instant timestamp, String id, String replyTo, Instant edited) {

    public Message {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(content, "content");
    }

    /** A message with only a sender and content, as in the simplest CSV output. */
    public static Message of(String sender, String content) {
        return new Message(null, sender, content, null, null, null, null);
    }

    /** The same message with other content; merging uses it to keep the first message's metadata. */
    public Message withContent(String newContent) {
        return new Message(chat, sender, newContent, timestamp, id, replyTo, edited);
    }
}
