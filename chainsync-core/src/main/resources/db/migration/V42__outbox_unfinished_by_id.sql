-- Owner: outbox package. GET /v1/operations?status=... lists the newest operations of a status by
-- id, and /health counts the unfinished and dead-lettered ones. chain_operations_open_idx kept those
-- rows in created_at order, which nothing reads. Without an index in id order, a planner whose
-- statistics lag behind the table (autovacuum late or off) walked the primary key backwards through
-- the whole confirmed history looking for the few pending, submitted or dead-lettered rows, on every
-- page. Keyed by id (the same rows, the same maintenance), it serves the lists, the counts
-- (Outbox.STATUS_COUNTS) and the oldest-unfinished age (Outbox.OLDEST_UNFINISHED).
DROP INDEX chain_operations_open_idx;
CREATE INDEX chain_operations_open_idx ON chain_operations (status, id) WHERE status <> 'confirmed';
