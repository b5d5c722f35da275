-- Ingest (owner: package dev.chainsync.ingest): the event tables' (network, block_number) B-trees
-- become BRIN indexes on block_number. Their only reader is a reorg rollback, which deletes the
-- events at or above a fork block near the chain's tip; events arrive roughly in block order, so a
-- block-range summary finds them as well, and it costs nearly nothing per inserted row where the
-- B-tree was one of the three index insertions of every event (see docs/benchmarks-ingest.md).
DROP INDEX atom_created_events_block;
DROP INDEX triple_created_events_block;
DROP INDEX deposited_events_block;
DROP INDEX redeemed_events_block;
DROP INDEX share_price_changed_events_block;
DROP INDEX generic_events_block;
CREATE INDEX atom_created_events_block ON atom_created_events USING brin (block_number);
CREATE INDEX triple_created_events_block ON triple_created_events USING brin (block_number);
CREATE INDEX deposited_events_block ON deposited_events USING brin (block_number);
CREATE INDEX redeemed_events_block ON redeemed_events USING brin (block_number);
CREATE INDEX share_price_changed_events_block ON share_price_changed_events USING brin (block_number);
CREATE INDEX generic_events_block ON generic_events USING brin (block_number);
