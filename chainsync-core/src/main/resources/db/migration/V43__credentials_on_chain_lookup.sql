-- Owner: credential package. Reconciliation reads the credentials confirmed in its window with
-- "status IN ('confirmed', 'finalized') AND confirmed_at in [from, to)". With the index on
-- confirmed_at alone, a planner without statistics ANDed it with a bitmap of credentials_status_idx
-- for that status filter: every credential ever anchored, read on every run. An index whose
-- predicate is the filter leaves nothing to AND. It replaces the old one, which nothing else reads.
DROP INDEX credentials_confirmed_at_idx;
CREATE INDEX credentials_on_chain_idx ON credentials (confirmed_at) WHERE status IN ('confirmed', 'finalized');
