-- Owner: reconcile package. Every run starts from where the last successful one of its kind
-- stopped. Without statistics the planner expected no run to match (kind, status) and read every
-- run ever recorded, then sorted them; this makes it one probe.
CREATE INDEX reconciliation_runs_succeeded_idx ON reconciliation_runs (kind, id) WHERE status = 'succeeded';
