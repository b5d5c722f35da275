package dev.chainsync.reconcile;

import dev.chainsync.db.Jdbc;
import dev.chainsync.ingest.BlockCoverage;
import dev.chainsync.outbox.NewOperation;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ingest completeness for the Redis Streams source: per network, the blocks of the events that
 * arrived in the run's window; a hole of more than {@code maxQuietBlocks} blocks without any event
 * between two blocks that have some is a gap the database probably never received. A stream cannot
 * be asked to re-deliver, so gaps are reported (a person replays the range from rindexer), never healed.
 */
public final class IngestCompleteness implements ReconciledType<Void, Map<String, long[]>> {
    /** The data type's name. */
    public static final String NAME = "ingest_completeness";

    private final Jdbc jdbc;
    private final int maxQuietBlocks;

    public IngestCompleteness(Jdbc jdbc, int maxQuietBlocks) {
        this.jdbc = jdbc;
        this.maxQuietBlocks = maxQuietBlocks;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SourceOfTruth sourceOfTruth() {
        return SourceOfTruth.CHAIN_WINS;
    }

    @Override
    public Severity severity() {
        return Severity.HIGH;
    }

    /** The stream source has no chain side to read: the blocks that arrived are the evidence. */
    @Override
    public Void readChain(Instant from, Instant to) {
        return null;
    }

    @Override
    public Map<String, long[]> readDatabase(Instant from, Instant to, Void chain) {
        return BlockCoverage.arrived(jdbc, from, to);
    }

    /** Pure: one MISSING_IN_DB discrepancy per hole longer than the quiet limit, keyed {@code network:from-to}. */
    @Override
    public List<Discrepancy> compare(Void chain, Map<String, long[]> blocks, Instant now) {
        return gaps(blocks, maxQuietBlocks);
    }

    static List<Discrepancy> gaps(Map<String, long[]> blocks, int maxQuietBlocks) {
        List<Discrepancy> out = new ArrayList<>();
        blocks.forEach((network, sorted) -> {
            for (int i = 1; i < sorted.length; i++) {
                long missing = sorted[i] - sorted[i - 1] - 1;
                if (missing > maxQuietBlocks) {
                    String range = (sorted[i - 1] + 1) + "-" + (sorted[i] - 1);
                    out.add(new Discrepancy(
                            network + ":" + range,
                            DiscrepancyKind.MISSING_IN_DB,
                            new Observed(null, "blocks " + range + " (" + missing + ")", null),
                            null));
                }
            }
        });
        return out;
    }

    @Override
    public boolean canHeal(Discrepancy d) {
        return false;
    }

    @Override
    public String healDatabase(Connection tx, Discrepancy d, long runId, Instant now) {
        throw new UnsupportedOperationException("a Redis stream cannot re-deliver blocks " + d.key());
    }

    @Override
    public Optional<NewOperation> rewriteChain(Discrepancy d) {
        return Optional.empty();
    }
}
