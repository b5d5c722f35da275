-- GET /v1/operations?status=dead_lettered lists the newest dead letters by id. Without an index that
-- gives that order, a planner whose statistics lag behind the table (autovacuum late or off) walks
-- the primary key backwards through every confirmed operation looking for the few dead letters.
-- Dead letters are rare, so this index stays tiny and is touched only when one is made or retried.
CREATE INDEX chain_operations_dead_idx ON chain_operations (id) WHERE status = 'dead_lettered';
