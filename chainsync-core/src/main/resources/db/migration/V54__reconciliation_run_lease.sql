-- Owner: reconcile package. One run per data type at a time across every instance on the database:
-- a run holds a lease (lease_until) that it renews in the transaction of each correction it applies,
-- and a second instance finds the running row and skips instead of healing the same items again.
-- A run whose lease ran out (its instance died) is marked failed and a new one may start.
ALTER TABLE reconciliation_runs ADD COLUMN lease_until TIMESTAMPTZ;

-- Runs left 'running' by a crash before this version: only the newest of each kind may stay running.
UPDATE reconciliation_runs r SET status = 'failed', finished_at = now(),
       error = 'abandoned: superseded by a newer run of its kind (V54)'
 WHERE r.status = 'running'
   AND EXISTS (SELECT 1 FROM reconciliation_runs n WHERE n.kind = r.kind AND n.status = 'running' AND n.id > r.id);

CREATE UNIQUE INDEX reconciliation_runs_one_running ON reconciliation_runs (kind) WHERE status = 'running';

-- Before opening a review, a run looks for a dismissal of the same disagreement on the item: a
-- dismissal is an answer, not asked again on every run (ReconcileStore.openReview).
CREATE INDEX reconciliation_reviews_item_idx ON reconciliation_reviews (data_type, item_key);
