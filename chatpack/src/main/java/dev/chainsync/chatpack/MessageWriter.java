package dev.chainsync.chatpack;

import java.io.IOException;

/**
 * Writes messages one at a time in one of the {@link OutputFormat}s. Nothing is buffered beyond a fixed-size
 * byte buffer; {@link #finish()} writes any trailer and flushes.
 */
public interface MessageWriter {

    /** Appends one message. */
    void write(Message message) throws IOException;

    /** Writes the header if no message came, then the trailer (the JSON array's closing bracket), and flushes. */
    void finish() throws IOException;

    /** Bytes written so far, header included. */
    long bytesWritten();
}
