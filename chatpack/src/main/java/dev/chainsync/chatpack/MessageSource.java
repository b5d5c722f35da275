package dev.chainsync.chatpack;

import java.io.IOException;

/**
 * A pull-based stream of messages read from one conversation; every platform reader produces one. Memory use
 * does not grow with the input (Instagram keeps 16 bytes per message to restore chronological order).
 */
public interface MessageSource extends AutoCloseable {

    /**
     * Returns the next message in chronological order, or null when the input is exhausted.
     *
     * @throws ChatpackException when the input is not a valid export of the platform
     * @throws IOException       when reading fails
     */
    Message next() throws IOException;

    /**
     * Fraction of the input consumed so far, from 0 to 1, or NaN when the size is unknown. Safe to call from
     * another thread; progress bars poll it.
     */
    default double progress() {
        return Double.NaN;
    }

    @Override
    void close() throws IOException;
}
