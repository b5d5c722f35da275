package dev.chainsync.chatpack;

/**
 * Counts from one conversion.
 *
 * @param messagesRead    messages the reader produced
 * @param messagesKept    messages left after filtering
 * @param messagesWritten rows written, after merging
 * @param bytesWritten    size of the output
 * @param skipped         entries of the export that became no message, by reason
 */
public record ConversionResult(
        long messagesRead, long messagesKept, long messagesWritten, long bytesWritten, Skipped.Counts skipped) {

    public ConversionResult {
        skipped = skipped == null ? Skipped.Counts.NONE : skipped;
    }

    /** A result with nothing skipped. */
    public ConversionResult(long messagesRead, long messagesKept, long messagesWritten, long bytesWritten) {
        this(messagesRead, messagesKept, messagesWritten, bytesWritten, Skipped.Counts.NONE);
    }

    /** Rows written per message kept; 1.0 when merging changed nothing (or nothing was kept). */
    public double mergeRatio() {
        return messagesKept == 0 ? 1.0 : (double) messagesWritten / messagesKept;
    }
}
