package dev.chainsync.chatpack;

/**
 * Counts from one conversion.
 *
 * @param messagesRead    messages the reader produced
 * @param messagesKept    messages left after filtering
 * @param messagesWritten rows written, after merging
 * @param bytesWritten    size of the output
 */
public record ConversionResult(long messagesRead, long messagesKept, long messagesWritten, long bytesWritten) {

    /** Rows written per message kept; 1.0 when merging changed nothing (or nothing was kept). */
    public double mergeRatio() {
        return messagesKept == 0 ? 1.0 : (double) messagesWritten / messagesKept;
    }
}
