-- An operation may now carry more than a memo: a ticket mint, transfer or burn brings its own chain
-- instructions, built by its kind's handler from this payload (JSON written by the enqueuing code).
-- The relay rebuilds a transaction from the database alone, so the payload lives with the operation
-- and never changes after the insert. NULL for memo-only kinds (credential anchors).
ALTER TABLE chain_operations ADD COLUMN payload TEXT;
