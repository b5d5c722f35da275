-- Foundation and write path: credentials, their history, the chain outbox, reconciliation runs.
-- Every timestamp is written by the application from its injected clock, never by now(), so
-- lease, retry and expiry logic is deterministic under test.

-- Owner: credential package.
CREATE TABLE credentials (
    id               BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    hash             TEXT PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
    issuer_id        TEXT,
    recipient_id     TEXT,
    serial           TEXT,
    file_sha256      TEXT CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
    file_size        BIGINT CHECK (file_size >= 0),
    issued_at        TIMESTAMPTZ,
    issuer_address   TEXT NOT NULL,
    issuer_signature TEXT,
    memo             TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN
                       ('pending', 'submitted', 'confirmed', 'finalized', 'failed', 'dead_lettered',
                        'recovered_from_chain')),
    chain_signature  TEXT,
    chain_slot       BIGINT,
    confirmed_at     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    -- A record created by the API always knows who issued it to whom; one recovered from the
    -- chain knows only what the memo says.
    CHECK (status = 'recovered_from_chain'
           OR (issuer_id IS NOT NULL AND recipient_id IS NOT NULL AND issued_at IS NOT NULL
               AND issuer_signature IS NOT NULL))
) WITH (fillfactor = 80);
CREATE INDEX credentials_issuer_idx ON credentials (issuer_id, id);
CREATE INDEX credentials_recipient_idx ON credentials (recipient_id, id);
CREATE INDEX credentials_status_idx ON credentials (status, id);
CREATE INDEX credentials_confirmed_at_idx ON credentials (confirmed_at) WHERE confirmed_at IS NOT NULL;

-- Owner: credential package. Append-only: the trigger below refuses updates and deletes.
CREATE TABLE credential_events (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    credential_hash TEXT NOT NULL REFERENCES credentials (hash),
    event_type      TEXT NOT NULL CHECK (event_type IN
                      ('created', 'submitted', 'resubmitted', 'confirmed', 'finalized', 'failed',
                       'dead_lettered', 'retried', 'recovered', 'flagged')),
    detail          JSONB NOT NULL DEFAULT '{}'::jsonb,
    occurred_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX credential_events_hash_idx ON credential_events (credential_hash, id);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER credential_events_append_only
    BEFORE UPDATE OR DELETE ON credential_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Owner: outbox package. One row per business command that must reach the chain.
CREATE TABLE chain_operations (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind              TEXT NOT NULL,
    aggregate_id      TEXT NOT NULL,
    memo              TEXT NOT NULL,
    idempotency_key   TEXT NOT NULL UNIQUE,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'submitted', 'confirmed', 'dead_lettered')),
    attempt_count     INT NOT NULL DEFAULT 0,
    max_attempts      INT NOT NULL CHECK (max_attempts > 0),
    next_attempt_at   TIMESTAMPTZ NOT NULL,
    lease_owner       TEXT,
    lease_until       TIMESTAMPTZ,
    version           BIGINT NOT NULL DEFAULT 0,
    signature         TEXT,
    blockhash         TEXT,
    last_valid_height BIGINT,
    submitted_at      TIMESTAMPTZ,
    confirmed_slot    BIGINT,
    confirmed_at      TIMESTAMPTZ,
    last_error        TEXT,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
) WITH (fillfactor = 70);
-- Free space on each page lets the relay's lease and attempt updates, which touch no indexed
-- column, be HOT updates that skip index maintenance.
-- The relay's claim query walks this index; finished rows drop out of it.
CREATE INDEX chain_operations_due_idx ON chain_operations (status, next_attempt_at)
    WHERE status IN ('pending', 'submitted');
-- Health and the operations list look only at unfinished or dead-lettered rows.
CREATE INDEX chain_operations_open_idx ON chain_operations (status, created_at) WHERE status <> 'confirmed';
CREATE INDEX chain_operations_aggregate_idx ON chain_operations (kind, aggregate_id);

-- Owner: outbox package. Every transaction ever built for an operation, recorded before it is
-- sent, so a relay that takes over after a crash knows every signature that might have landed.
CREATE TABLE chain_operation_attempts (
    operation_id      BIGINT NOT NULL REFERENCES chain_operations (id),
    attempt           INT NOT NULL,
    signature         TEXT NOT NULL UNIQUE,
    blockhash         TEXT NOT NULL,
    last_valid_height BIGINT NOT NULL,
    relay             TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (operation_id, attempt)
);

-- Owner: reconcile package.
CREATE TABLE reconciliation_runs (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind             TEXT NOT NULL,
    started_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ,
    window_start     TIMESTAMPTZ NOT NULL,
    window_end       TIMESTAMPTZ NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    chain_records    INT NOT NULL DEFAULT 0,
    db_records       INT NOT NULL DEFAULT 0,
    matched          INT NOT NULL DEFAULT 0,
    recovered        INT NOT NULL DEFAULT 0,
    flagged          INT NOT NULL DEFAULT 0,
    error            TEXT
);

CREATE TABLE reconciliation_findings (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id          BIGINT NOT NULL REFERENCES reconciliation_runs (id),
    finding         TEXT NOT NULL CHECK (finding IN ('missing_in_db', 'missing_on_chain', 'status_behind_chain')),
    action          TEXT NOT NULL CHECK (action IN ('recovered', 'flagged', 'repaired')),
    credential_hash TEXT,
    signature       TEXT,
    detail          JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX reconciliation_findings_run_idx ON reconciliation_findings (run_id);
