-- Ingest (owner: package dev.chainsync.ingest), levels 1 to 3: everything derived from the event
-- tables, following "Column Calculations" of the replaced service. Each row is a pure function
-- of the events that exist: live ingestion maintains it incrementally in the batch's own
-- transaction, `chainsync ingest rebuild` and reorg rollback recompute it from the events, and
-- tests check the two agree. No column holds wall-clock time, so the two are comparable row by row.
--
-- "Latest" columns follow the event with the largest (block_number, log_index), compared as
-- numbers; sums count each distinct event once. market_cap = total_shares * share_price / 1e18,
-- exact (NUMERIC with 18 decimals, never floating point).

-- Level 1 ---------------------------------------------------------------------------------------

CREATE TABLE atom (
    term_id              TEXT PRIMARY KEY,
    creator_id           TEXT NOT NULL,
    wallet_id            TEXT NOT NULL,
    data                 TEXT,
    raw_data             BYTEA NOT NULL,
    transaction_hash     TEXT NOT NULL,
    last_event_block     BIGINT NOT NULL,
    last_event_log_index BIGINT NOT NULL,
    created_at           TIMESTAMPTZ          -- block time of the creation
);

CREATE TABLE triple (
    term_id              TEXT PRIMARY KEY,
    counter_term_id      TEXT NOT NULL,
    creator_id           TEXT NOT NULL,
    subject_id           TEXT NOT NULL,
    predicate_id         TEXT NOT NULL,
    object_id            TEXT NOT NULL,
    transaction_hash     TEXT NOT NULL,
    last_event_block     BIGINT NOT NULL,
    last_event_log_index BIGINT NOT NULL,
    created_at           TIMESTAMPTZ
);
CREATE INDEX triple_counter_term ON triple (counter_term_id);
CREATE INDEX triple_predicate_object ON triple (predicate_id, object_id);
CREATE INDEX triple_subject_predicate ON triple (subject_id, predicate_id);

-- One row per (receiver, term, curve) that has deposit or redeem events.
CREATE TABLE position (
    account_id                            TEXT NOT NULL,
    term_id                               TEXT NOT NULL,
    curve_id                              NUMERIC(78,0) NOT NULL,
    shares                                NUMERIC(78,0) NOT NULL,          -- total_shares of the latest event
    total_deposit_assets_after_total_fees NUMERIC(78,0) NOT NULL,          -- sum of deposits' assets_after_fees
    total_redeem_assets_for_receiver      NUMERIC(78,0) NOT NULL,          -- sum of redemptions' assets
    block_number                          BIGINT NOT NULL,                 -- coordinates of the latest event
    log_index                             BIGINT NOT NULL,
    transaction_hash                      TEXT NOT NULL,
    transaction_index                     BIGINT NOT NULL,
    created_at                            TIMESTAMPTZ,                     -- block time of the first event
    updated_at                            TIMESTAMPTZ,                     -- block time of the latest event
    PRIMARY KEY (account_id, term_id, curve_id)
);
CREATE INDEX position_vault ON position (term_id, curve_id);

-- One row per (term, curve) that has a share price event or a position. Without a price event
-- the price columns are 0 and the last_price_* columns NULL.
CREATE TABLE vault (
    term_id                    TEXT NOT NULL,
    curve_id                   NUMERIC(78,0) NOT NULL,
    total_shares               NUMERIC(78,0) NOT NULL,
    current_share_price        NUMERIC(78,0) NOT NULL,
    total_assets               NUMERIC(78,0) NOT NULL,
    market_cap                 NUMERIC NOT NULL,
    position_count             BIGINT NOT NULL,   -- positions of this vault with shares > 0
    vault_type                 SMALLINT,
    last_price_event_block     BIGINT,
    last_price_event_log_index BIGINT,
    created_at                 TIMESTAMPTZ,       -- block time of the first price event
    updated_at                 TIMESTAMPTZ,       -- block time of the latest price event
    PRIMARY KEY (term_id, curve_id)
);

-- Level 2 ---------------------------------------------------------------------------------------

-- Every atom, every triple's pro and counter term, and every term with a vault. A counter term
-- has type 'Triple' and triple_id = its triple's term_id; a term with vaults whose creation event
-- has not arrived yet is 'Unknown'.
CREATE TABLE term (
    id               TEXT PRIMARY KEY,
    type             TEXT NOT NULL CHECK (type IN ('Atom', 'Triple', 'Unknown')),
    atom_id          TEXT,
    triple_id        TEXT,
    total_assets     NUMERIC(78,0) NOT NULL,   -- sum of its vaults' total_assets
    total_market_cap NUMERIC NOT NULL          -- sum of its vaults' market_cap
);

-- Level 3 ---------------------------------------------------------------------------------------

-- Per triple and curve where the pro or the counter vault exists: pro + counter.
CREATE TABLE triple_vault (
    term_id         TEXT NOT NULL,
    counter_term_id TEXT NOT NULL,
    curve_id        NUMERIC(78,0) NOT NULL,
    total_shares    NUMERIC(78,0) NOT NULL,
    total_assets    NUMERIC(78,0) NOT NULL,
    position_count  BIGINT NOT NULL,
    market_cap      NUMERIC NOT NULL,
    PRIMARY KEY (term_id, curve_id)
);

-- Per triple (zeros while it has no vault): sums of its triple_vault rows.
CREATE TABLE triple_term (
    term_id              TEXT PRIMARY KEY,
    counter_term_id      TEXT NOT NULL,
    total_assets         NUMERIC(78,0) NOT NULL,
    total_market_cap     NUMERIC NOT NULL,
    total_position_count BIGINT NOT NULL
);

-- Per (predicate, object) pair of at least one triple; maintained with deltas, not re-aggregated.
CREATE TABLE predicate_object (
    predicate_id         TEXT NOT NULL,
    object_id            TEXT NOT NULL,
    triple_count         BIGINT NOT NULL,
    total_position_count BIGINT NOT NULL,
    total_market_cap     NUMERIC NOT NULL,
    PRIMARY KEY (predicate_id, object_id)
);

CREATE TABLE subject_predicate (
    subject_id           TEXT NOT NULL,
    predicate_id         TEXT NOT NULL,
    triple_count         BIGINT NOT NULL,
    total_position_count BIGINT NOT NULL,
    total_market_cap     NUMERIC NOT NULL,
    PRIMARY KEY (subject_id, predicate_id)
);
