package dev.chainsync.chatpack;

import dev.chainsync.chatpack.output.CsvRows;
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
     * Optionally hands over the next messages already encoded as CSV rows for {@code options}, encoded on the
     * source's own threads. A source that does not (the default) returns null, and so does one asked after
     * {@link #next()} has been called; a source that does returns only batches from then on (never null), empty
     * when the input is exhausted, and must not be read with {@link #next()} any more.
     *
     * @throws ChatpackException when the input is not a valid export of the platform
     * @throws IOException       when reading fails
     */
    default CsvRows nextCsvRows(OutputOptions options) throws IOException {
        return null;
    }

    /**
     * Fraction of the input consumed so far, from 0 to 1, or NaN when the size is unknown. Safe to call from
     * another thread; progress bars poll it.
     */
    default double progress() {
        return Double.NaN;
    }

    /**
     * Entries read so far that became no message (notices not asked for, empty messages, entries of other
     * kinds). Complete once the source is exhausted.
     */
    default Skipped.Counts skipped() {
        return Skipped.Counts.NONE;
    }

    @Override
    void close() throws IOException;
}
