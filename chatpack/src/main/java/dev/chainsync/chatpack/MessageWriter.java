package dev.chainsync.chatpack;

import java.io.IOException;

/**
 * Writes messages one at a time in one of the {@link OutputFormat}s. Nothing is buffered beyond a fixed-size
 * byte buffer; {@link #finish()} writes any trailer and flushes.
 */
public interface MessageWriter {

    /** Appends one message. */
    void write(Message message) throws IOException;

    /**
     * Starts a merged run: one row or object carrying {@code first}'s metadata and the texts of every
     * message of the run, joined by newlines. Texts are written as they come ({@link #appendRun}), so a
     * run as long as the whole chat (a channel's export: one sender) needs no more memory than a message.
     */
    void beginRun(Message first, String secondContent) throws IOException;

    /** Adds the next message's text to the run begun last. */
    void appendRun(String content) throws IOException;

    /** Ends the run begun last. */
    void endRun() throws IOException;

    /** Writes the header if no message came, then the trailer (the JSON array's closing bracket), and flushes. */
    void finish() throws IOException;

    /** Bytes written so far, header included. */
    long bytesWritten();
}
