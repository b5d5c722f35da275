package dev.chainsync.ingest;

import dev.chainsync.db.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The EVM source's checkpoint per network (last committed block and its hash, the last entry id
 * given) and the recent block hashes a fork point is searched among. Owns {@code
 * evm_ingest_checkpoints} and {@code evm_ingest_blocks} (V57).
 */
final class EvmCheckpoints {
    /** Recent block hashes kept above the node's finalized block, at least (newest first). */
    static final int KEEP_BLOCKS = 2_048;

    private EvmCheckpoints() {}

    /**
     * Where the source stands: {@code blockNumber} is committed (with {@code blockHash}, null before
     * the first range), and the next entry id must be after {@code (entryMs, entrySeq)}.
     */
    record Checkpoint(long blockNumber, String blockHash, long entryMs, long entrySeq) {
        /** The checkpoint of a network never read: just before the start block. */
        static Checkpoint initial(long startBlock) {
            return new Checkpoint(startBlock - 1, null, 0, 0);
        }

        boolean sameBlock(Checkpoint o) {
            return blockNumber == o.blockNumber && Objects.equals(blockHash, o.blockHash);
        }
    }

    static Checkpoint load(Jdbc jdbc, String network, long startBlock) {
        return jdbc.queryOne(
                        "SELECT block_number, block_hash, last_entry_ms, last_entry_seq FROM evm_ingest_checkpoints"
                                + " WHERE network = ?",
                        r -> new Checkpoint(r.getLong(1), r.getString(2), r.getLong(3), r.getLong(4)),
                        network)
                .orElse(Checkpoint.initial(startBlock));
    }

    /**
     * Locks the network's checkpoint row and checks it is still {@code expected} (another instance
     * may have moved it while this one read the chain): false means the work read against it is
     * stale and must not be committed.
     */
    static boolean lockUnchanged(Connection c, String network, Checkpoint expected) throws SQLException {
        List<Checkpoint> rows = Jdbc.query(
                c,
                "SELECT block_number, block_hash, last_entry_ms, last_entry_seq FROM evm_ingest_checkpoints"
                        + " WHERE network = ? FOR UPDATE",
                r -> new Checkpoint(r.getLong(1), r.getString(2), r.getLong(3), r.getLong(4)),
                network);
        if (rows.isEmpty()) {
            return expected.blockHash() == null;
        }
        Checkpoint now = rows.getFirst();
        return now.sameBlock(expected) && now.entryMs() == expected.entryMs() && now.entrySeq() == expected.entrySeq();
    }

    /** Moves the checkpoint (in the caller's transaction, after {@link #lockUnchanged}). */
    static void save(Connection c, String network, Checkpoint cp, Instant now) throws SQLException {
        Jdbc.update(c, """
                INSERT INTO evm_ingest_checkpoints (network, block_number, block_hash, last_entry_ms, last_entry_seq, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (network) DO UPDATE SET block_number = excluded.block_number,
                    block_hash = excluded.block_hash, last_entry_ms = excluded.last_entry_ms,
                    last_entry_seq = excluded.last_entry_seq, updated_at = excluded.updated_at""", network, cp.blockNumber(), cp.blockHash(), cp.entryMs(), cp.entrySeq(), now);
    }

    /** Records the hashes of committed blocks, and prunes old ones below {@code finalized}. */
    static void recordBlocks(Connection c, String network, Map<Long, String> hashes, long finalized)
            throws SQLException {
        if (!hashes.isEmpty()) {
            Jdbc.update(
                    c,
                    """
                    INSERT INTO evm_ingest_blocks (network, block_number, block_hash)
                    SELECT ?, n, h FROM unnest(?::bigint[], ?::text[]) AS u(n, h)
                    ON CONFLICT (network, block_number) DO UPDATE SET block_hash = excluded.block_hash""",
                    network,
                    Jdbc.array(c, "bigint", hashes.keySet().toArray()),
                    Jdbc.array(c, "text", hashes.values().toArray()));
        }
        Jdbc.update(c, """
                DELETE FROM evm_ingest_blocks WHERE network = ? AND block_number < ?
                   AND block_number < (SELECT min(block_number) FROM (SELECT block_number FROM evm_ingest_blocks
                                        WHERE network = ? ORDER BY block_number DESC LIMIT ?) k)""", network, finalized, network, KEEP_BLOCKS);
    }

    /** Recorded blocks at or below {@code below}, newest first: fork point candidates. */
    static List<Map.Entry<Long, String>> recent(Jdbc jdbc, String network, long below, int limit) {
        return jdbc.query(
                "SELECT block_number, block_hash FROM evm_ingest_blocks WHERE network = ? AND block_number <= ?"
                        + " ORDER BY block_number DESC LIMIT ?",
                r -> Map.entry(r.getLong(1), r.getString(2)),
                network,
                below,
                limit);
    }

    /** Forgets the recorded blocks above {@code ancestor} (they are off the chain now). */
    static void forgetAbove(Connection c, String network, long ancestor) throws SQLException {
        Jdbc.update(c, "DELETE FROM evm_ingest_blocks WHERE network = ? AND block_number > ?", network, ancestor);
    }
}
