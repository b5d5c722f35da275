-- Native EVM ingest (owner: package dev.chainsync.ingest, CHAINSYNC_INGEST_SOURCE=evm).

-- Per network: the last block whose logs are committed, with its hash, written in the same
-- transaction as the events of the range it ends. A restart resumes after it; a node whose
-- block after it does not name that hash as parent has reorganised. The last entry id (ms, seq)
-- keeps the ids given to the source's entries increasing across restarts, which is how a
-- rollback tells the events it removes from those of the new branch.
CREATE TABLE evm_ingest_checkpoints (
    network        TEXT PRIMARY KEY,
    block_number   BIGINT      NOT NULL,
    block_hash     TEXT,                 -- NULL before the first range (start block - 1)
    last_entry_ms  BIGINT      NOT NULL,
    last_entry_seq BIGINT      NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);

-- The hashes of recent blocks the source committed (each range's last block and every block with
-- logs): where a reorg's fork point is searched, newest first. Pruned below the node's finalized
-- block, keeping the newest ones.
CREATE TABLE evm_ingest_blocks (
    network      TEXT   NOT NULL,
    block_number BIGINT NOT NULL,
    block_hash   TEXT   NOT NULL,
    PRIMARY KEY (network, block_number)
);
