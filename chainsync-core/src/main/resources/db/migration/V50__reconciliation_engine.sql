-- Owner: reconcile package. The reconciliation engine: every data type's runs, findings, the audit
-- row of every correction, and the manual review queue with its history. History is purged after
-- the configured retention (at least 90 days) by the engine's retention worker.

-- Findings of any data type (the credential reconciler's three kinds stay valid).
ALTER TABLE reconciliation_findings DROP CONSTRAINT reconciliation_findings_finding_check;
ALTER TABLE reconciliation_findings ADD CONSTRAINT reconciliation_findings_finding_check CHECK (finding IN
    ('missing_in_db', 'missing_on_chain', 'status_behind_chain', 'owner_mismatch', 'value_mismatch', 'stale'));
ALTER TABLE reconciliation_findings DROP CONSTRAINT reconciliation_findings_action_check;
ALTER TABLE reconciliation_findings ADD CONSTRAINT reconciliation_findings_action_check CHECK (action IN
    ('recovered', 'flagged', 'repaired', 'healed', 'rewritten', 'review', 'reported'));
ALTER TABLE reconciliation_findings ADD COLUMN item_key TEXT;
ALTER TABLE reconciliation_findings DROP CONSTRAINT reconciliation_findings_run_id_fkey;
ALTER TABLE reconciliation_findings ADD CONSTRAINT reconciliation_findings_run_id_fkey
    FOREIGN KEY (run_id) REFERENCES reconciliation_runs (id) ON DELETE CASCADE;

ALTER TABLE reconciliation_runs ADD COLUMN rewritten INT NOT NULL DEFAULT 0;
ALTER TABLE reconciliation_runs ADD COLUMN reviewed INT NOT NULL DEFAULT 0;
-- Retention deletes by age.
CREATE INDEX reconciliation_runs_started_idx ON reconciliation_runs (started_at);

-- The audit log: one row per correction, with the state before and after and the policy that chose it.
CREATE TABLE reconciliation_corrections (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id      BIGINT REFERENCES reconciliation_runs (id) ON DELETE CASCADE,
    review_id   BIGINT,
    data_type   TEXT NOT NULL,
    item_key    TEXT NOT NULL,
    policy      TEXT NOT NULL CHECK (policy IN ('chain_wins', 'database_wins', 'manual_review')),
    action      TEXT NOT NULL CHECK (action IN ('heal_database', 'rewrite_chain')),
    before      TEXT,
    after       TEXT,
    operation_id BIGINT,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX reconciliation_corrections_run_idx ON reconciliation_corrections (run_id);
CREATE INDEX reconciliation_corrections_created_idx ON reconciliation_corrections (created_at);

-- The manual review queue: one open review per item at a time; a resolved one keeps its history.
CREATE TABLE reconciliation_reviews (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id        BIGINT REFERENCES reconciliation_runs (id) ON DELETE SET NULL,
    data_type     TEXT NOT NULL,
    item_key      TEXT NOT NULL,
    finding       TEXT NOT NULL,
    chain_value   TEXT,
    db_value      TEXT,
    status        TEXT NOT NULL CHECK (status IN ('open', 'assigned', 'resolved')),
    assignee      TEXT,
    resolution    TEXT CHECK (resolution IN ('accept_chain', 'accept_database', 'dismiss')),
    note          TEXT,
    opened_at     TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    resolved_at   TIMESTAMPTZ,
    CHECK ((status = 'resolved') = (resolution IS NOT NULL))
);
CREATE UNIQUE INDEX reconciliation_reviews_one_open ON reconciliation_reviews (data_type, item_key)
    WHERE status <> 'resolved';
CREATE INDEX reconciliation_reviews_status_idx ON reconciliation_reviews (status, id);

CREATE TABLE reconciliation_review_events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    review_id  BIGINT NOT NULL REFERENCES reconciliation_reviews (id) ON DELETE CASCADE,
    event      TEXT NOT NULL CHECK (event IN ('opened', 'assigned', 'resolved')),
    actor      TEXT,
    detail     JSONB NOT NULL DEFAULT '{}'::jsonb,
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX reconciliation_review_events_review_idx ON reconciliation_review_events (review_id, id);

-- Owner: ingest package, for ingest.BlockCoverage (reconciliation's ingest completeness reads the
-- events stored in its window every minute). Events are appended in created_at order, so a BRIN
-- summary finds the window without walking the tables, at nearly no cost per inserted row.
CREATE INDEX atom_created_events_created ON atom_created_events USING brin (created_at);
CREATE INDEX triple_created_events_created ON triple_created_events USING brin (created_at);
CREATE INDEX deposited_events_created ON deposited_events USING brin (created_at);
CREATE INDEX redeemed_events_created ON redeemed_events USING brin (created_at);
CREATE INDEX share_price_changed_events_created ON share_price_changed_events USING brin (created_at);
CREATE INDEX generic_events_created ON generic_events USING brin (created_at);
