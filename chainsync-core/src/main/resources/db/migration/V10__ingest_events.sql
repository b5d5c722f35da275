-- Ingest (owner: package dev.chainsync.ingest), level 0: the Intuition MultiVault events read from
-- rindexer's Redis Streams. Table and column names are those of the service chainsync replaces,
-- so existing SQL keeps working; uint256 values are NUMERIC(78,0) instead of its TEXT, addresses
-- and bytes32 ids are lower-case 0x hex. A row is written once and never updated; a reorg
-- deletes rows. The primary key (transaction_hash, log_index) is what makes redeliveries,
-- producer restarts and replays change nothing.
--
-- source_stream / source_entry_ms / source_entry_seq record which Redis entry first brought the
-- event: a reorg notification only removes events that were published before it (see
-- docs/ingest.md), so re-indexed events that overtake the notification survive it.

CREATE TABLE atom_created_events (
    transaction_hash  TEXT NOT NULL,
    log_index         BIGINT NOT NULL,
    creator           TEXT NOT NULL,
    term_id           TEXT NOT NULL,
    atom_data         TEXT,            -- atomData as UTF-8; NULL when the bytes are not valid UTF-8
    raw_data          BYTEA NOT NULL,  -- atomData as sent
    atom_wallet       TEXT NOT NULL,
    address           TEXT NOT NULL,   -- the emitting contract
    block_hash        TEXT NOT NULL,
    block_number      BIGINT NOT NULL,
    network           TEXT NOT NULL,
    chain_id          BIGINT,
    transaction_index BIGINT NOT NULL,
    block_timestamp   TIMESTAMPTZ,
    source_stream     TEXT NOT NULL,
    source_entry_ms   BIGINT NOT NULL,
    source_entry_seq  BIGINT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (transaction_hash, log_index)
);

CREATE TABLE triple_created_events (
    transaction_hash  TEXT NOT NULL,
    log_index         BIGINT NOT NULL,
    creator           TEXT NOT NULL,
    term_id           TEXT NOT NULL,
    subject_id        TEXT NOT NULL,
    predicate_id      TEXT NOT NULL,
    object_id         TEXT NOT NULL,
    counter_term_id   TEXT NOT NULL,   -- keccak256(COUNTER_SALT ++ term_id), computed on ingest
    address           TEXT NOT NULL,
    block_hash        TEXT NOT NULL,
    block_number      BIGINT NOT NULL,
    network           TEXT NOT NULL,
    chain_id          BIGINT,
    transaction_index BIGINT NOT NULL,
    block_timestamp   TIMESTAMPTZ,
    source_stream     TEXT NOT NULL,
    source_entry_ms   BIGINT NOT NULL,
    source_entry_seq  BIGINT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (transaction_hash, log_index)
);

CREATE TABLE deposited_events (
    transaction_hash  TEXT NOT NULL,
    log_index         BIGINT NOT NULL,
    sender            TEXT NOT NULL,
    receiver          TEXT NOT NULL,
    term_id           TEXT NOT NULL,
    curve_id          NUMERIC(78,0) NOT NULL,
    assets            NUMERIC(78,0) NOT NULL,
    assets_after_fees NUMERIC(78,0) NOT NULL,
    shares            NUMERIC(78,0) NOT NULL,
    total_shares      NUMERIC(78,0) NOT NULL,  -- the receiver's balance after the deposit
    vault_type        SMALLINT NOT NULL,
    address           TEXT NOT NULL,
    block_hash        TEXT NOT NULL,
    block_number      BIGINT NOT NULL,
    network           TEXT NOT NULL,
    chain_id          BIGINT,
    transaction_index BIGINT NOT NULL,
    block_timestamp   TIMESTAMPTZ,
    source_stream     TEXT NOT NULL,
    source_entry_ms   BIGINT NOT NULL,
    source_entry_seq  BIGINT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (transaction_hash, log_index)
);

CREATE TABLE redeemed_events (
    transaction_hash  TEXT NOT NULL,
    log_index         BIGINT NOT NULL,
    sender            TEXT NOT NULL,
    receiver          TEXT NOT NULL,
    term_id           TEXT NOT NULL,
    curve_id          NUMERIC(78,0) NOT NULL,
    shares            NUMERIC(78,0) NOT NULL,
    total_shares      NUMERIC(78,0) NOT NULL,  -- the receiver's balance after the redemption
    assets            NUMERIC(78,0) NOT NULL,  -- what the receiver got
    fees              NUMERIC(78,0) NOT NULL,
    vault_type        SMALLINT NOT NULL,
    address           TEXT NOT NULL,
    block_hash        TEXT NOT NULL,
    block_number      BIGINT NOT NULL,
    network           TEXT NOT NULL,
    chain_id          BIGINT,
    transaction_index BIGINT NOT NULL,
    block_timestamp   TIMESTAMPTZ,
    source_stream     TEXT NOT NULL,
    source_entry_ms   BIGINT NOT NULL,
    source_entry_seq  BIGINT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (transaction_hash, log_index)
);

CREATE TABLE share_price_changed_events (
    transaction_hash  TEXT NOT NULL,
    log_index         BIGINT NOT NULL,
    term_id           TEXT NOT NULL,
    curve_id          NUMERIC(78,0) NOT NULL,
    share_price       NUMERIC(78,0) NOT NULL,
    total_assets      NUMERIC(78,0) NOT NULL,
    total_shares      NUMERIC(78,0) NOT NULL,
    vault_type        SMALLINT NOT NULL,
    address           TEXT NOT NULL,
    block_hash        TEXT NOT NULL,
    block_number      BIGINT NOT NULL,
    network           TEXT NOT NULL,
    chain_id          BIGINT,
    transaction_index BIGINT NOT NULL,
    block_timestamp   TIMESTAMPTZ,
    source_stream     TEXT NOT NULL,
    source_entry_ms   BIGINT NOT NULL,
    source_entry_seq  BIGINT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (transaction_hash, log_index)
);

-- Events chainsync has no handler for: kept whole (JSONB), counted, never dropped.
CREATE TABLE generic_events (
    transaction_hash     TEXT NOT NULL,
    log_index            BIGINT NOT NULL,
    event_name           TEXT NOT NULL,
    event_signature_hash TEXT,
    event_data           JSONB NOT NULL,
    address              TEXT NOT NULL,
    block_hash           TEXT NOT NULL,
    block_number         BIGINT NOT NULL,
    network              TEXT NOT NULL,
    chain_id             BIGINT,
    transaction_index    BIGINT NOT NULL,
    block_timestamp      TIMESTAMPTZ,
    source_stream        TEXT NOT NULL,
    source_entry_ms      BIGINT NOT NULL,
    source_entry_seq     BIGINT NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (transaction_hash, log_index)
);

-- Reorg rollback deletes by (network, block_number >= fork); recomputing the affected entities
-- reads their surviving events by term.
CREATE INDEX atom_created_events_block ON atom_created_events (network, block_number);
CREATE INDEX atom_created_events_term ON atom_created_events (term_id);
CREATE INDEX triple_created_events_block ON triple_created_events (network, block_number);
CREATE INDEX triple_created_events_term ON triple_created_events (term_id);
CREATE INDEX deposited_events_block ON deposited_events (network, block_number);
CREATE INDEX deposited_events_term ON deposited_events (term_id, curve_id);
CREATE INDEX redeemed_events_block ON redeemed_events (network, block_number);
CREATE INDEX redeemed_events_term ON redeemed_events (term_id, curve_id);
CREATE INDEX share_price_changed_events_block ON share_price_changed_events (network, block_number);
CREATE INDEX share_price_changed_events_term ON share_price_changed_events (term_id, curve_id);
CREATE INDEX generic_events_block ON generic_events (network, block_number);
CREATE INDEX generic_events_name ON generic_events (event_name);
