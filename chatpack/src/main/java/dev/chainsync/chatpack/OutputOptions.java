package dev.chainsync.chatpack;

import java.util.Objects;

/**
 * How messages are written. Optional columns appear only when enabled, in the original's order
 * {@code ID;Timestamp;Sender;Content;ReplyTo;Edited} (a {@code Chat} column leads when messages carry a chat).
 *
 * @param format     CSV, JSONL or JSON
 * @param delimiter  CSV field separator
 * @param ids        write message ids
 * @param timestamps write send times
 * @param replies    write the id of the message replied to
 * @param edited     write edit times
 */
public record OutputOptions(
        OutputFormat format, char delimiter, boolean ids, boolean timestamps, boolean replies, boolean edited) {

    /** The original's separator: one character, rarely inside chat text, one token. */
    public static final char DEFAULT_DELIMITER = ';';

    /** CSV with only Sender and Content. */
    public static final OutputOptions DEFAULTS =
            new OutputOptions(OutputFormat.CSV, DEFAULT_DELIMITER, false, false, false, false);

    public OutputOptions {
        Objects.requireNonNull(format, "format");
        if (delimiter == '"' || delimiter == '\r' || delimiter == '\n') {
            throw new IllegalArgumentException("the delimiter cannot be a quote or a line break");
        }
    }

    /** Every character a timestamp cell can hold ("2024-01-15 10:30:00", or ISO-8601 outside years 0-9999). */
    private static final String TIMESTAMP_CHARS = "0123456789-:+. TZ";

    /** Whether timestamp cells must be quoted because the delimiter can occur in them (a space, say). */
    public boolean quotesTimestamps() {
        return TIMESTAMP_CHARS.indexOf(delimiter) >= 0;
    }
}
