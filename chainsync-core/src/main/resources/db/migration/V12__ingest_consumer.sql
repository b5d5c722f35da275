-- Ingest (owner: package dev.chainsync.ingest): the consumer's own bookkeeping.

-- The single row every batch, reorg and rebuild locks first (SELECT ... FOR UPDATE). Writers of
-- the derived tables are serialised by it, so aggregates recomputed from their children never
-- lose a concurrent update, whatever the number of workers and instances. A row lock, not an
-- advisory lock on a hashed key: nothing else can collide with it.
CREATE TABLE ingest_writer (
    id INT PRIMARY KEY CHECK (id = 1)
);
INSERT INTO ingest_writer VALUES (1);

-- Per stream and consumer group: the newest entry committed and running totals; written in the
-- same transaction as the events it counts.
CREATE TABLE ingest_progress (
    stream           TEXT NOT NULL,
    consumer_group   TEXT NOT NULL,
    last_entry_id    TEXT NOT NULL,
    last_entry_ms    BIGINT NOT NULL,
    last_entry_seq   BIGINT NOT NULL,
    entries          BIGINT NOT NULL,
    events           BIGINT NOT NULL,   -- events in those entries, duplicates included
    new_events       BIGINT NOT NULL,   -- events that were not in the tables yet
    last_block_number BIGINT,
    updated_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (stream, consumer_group)
);

-- Entries that could not be parsed, or were delivered more than MAX_RETRIES times: the raw
-- payload and why, written before the entry is acknowledged.
CREATE TABLE ingest_dead_letters (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream            TEXT NOT NULL,
    consumer_group    TEXT NOT NULL,
    entry_id          TEXT NOT NULL,
    payload           TEXT,             -- the entry's payload field; NULL when it had none
    fields            JSONB NOT NULL,   -- every field of the entry as received
    reason            TEXT NOT NULL,
    delivery_count    BIGINT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    replayed_at       TIMESTAMPTZ,
    replayed_entry_id TEXT,
    UNIQUE (stream, consumer_group, entry_id)
);

-- Every reorg notification applied, with what it removed. Also consulted by every batch: an event
-- published before an applied notification, at or above its fork block, was rolled back even if
-- it is read only now (another worker had it), so it is not inserted.
CREATE TABLE ingest_reorgs (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    network        TEXT NOT NULL,
    fork_block     BIGINT NOT NULL,
    depth          BIGINT,
    stream         TEXT NOT NULL,
    entry_id       TEXT NOT NULL,
    entry_ms       BIGINT NOT NULL,
    entry_seq      BIGINT NOT NULL,
    events_deleted BIGINT NOT NULL,
    applied_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX ingest_reorgs_network ON ingest_reorgs (network, entry_ms);
