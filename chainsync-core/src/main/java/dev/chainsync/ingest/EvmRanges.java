package dev.chainsync.ingest;

/**
 * Pure planning for the EVM source: which blocks the next {@code eth_getLogs} covers, and how the
 * range adapts to what the node accepts (halved when refused as too large, doubled after a success,
 * never above the configured maximum).
 */
final class EvmRanges {
    private EvmRanges() {}

    /** What the next pass does. */
    sealed interface Plan {}

    /** Nothing new: the checkpoint is at the head. Its block's hash is checked (a reorg may replace the tip). */
    record AtHead(long checkpoint) implements Plan {}

    /**
     * Read blocks {@code from} to {@code to}. {@code everyHeader}: the range is above the node's
     * finalized block, so every header is fetched and linked to its parent (a reorg can strike
     * there); below it only the first and last are.
     */
    record Read(long from, long to, boolean everyHeader) implements Plan {}

    /**
     * The next range after {@code checkpoint}: at most {@code span} blocks, up to {@code head}, and
     * ending at {@code finalized} when it would straddle it (so unfinalized blocks are read apart).
     */
    static Plan next(long checkpoint, long head, long finalized, int span) {
        if (checkpoint >= head) {
            return new AtHead(checkpoint);
        }
        long from = checkpoint + 1;
        long to = Math.min(head, from + span - 1);
        if (from <= finalized && to > finalized) {
            to = finalized;
        }
        return new Read(from, to, to > finalized);
    }

    /**
     * The adaptive span: how many blocks the next {@code eth_getLogs} asks for. It starts small (a
     * dense chain could put millions of logs in the maximum range) and follows the answers: halved
     * when the node refuses a range, scaled down when a range brought more than {@link #TARGET_LOGS}
     * logs (one range is one transaction), doubled otherwise, never above the maximum.
     */
    record Span(int blocks, int max) {
        /** Blocks the first request asks for (or the maximum, if smaller). */
        static final int INITIAL = 100;
        /** Logs one range should bring at most: a transaction of this many events commits in well under a second. */
        static final int TARGET_LOGS = 5_000;

        Span {
            if (max < 1 || blocks < 1 || blocks > max) {
                throw new IllegalArgumentException("span " + blocks + " of max " + max);
            }
        }

        static Span start(int max) {
            return new Span(Math.min(INITIAL, max), max);
        }

        /** The node refused the range: half of it (one block at the least). */
        Span refused(long askedBlocks) {
            return new Span((int) Math.max(1, Math.min(blocks, askedBlocks) / 2), max);
        }

        /**
         * The node answered {@code logs} logs for {@code askedBlocks}: fewer blocks when that was more
         * than the target, else twice as many (a short range at the head says nothing: unchanged).
         */
        Span answered(long askedBlocks, long logs) {
            if (logs > TARGET_LOGS) {
                return new Span((int) Math.max(1, Math.min(blocks, askedBlocks * TARGET_LOGS / logs)), max);
            }
            if (askedBlocks < blocks || logs > TARGET_LOGS / 2) {
                return this;
            }
            return new Span((int) Math.min(max, 2L * blocks), max);
        }

        boolean minimal() {
            return blocks == 1;
        }
    }
}
