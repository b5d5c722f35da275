-- Owner: webhook package. Endpoints and their encrypted signing secrets, one message per
-- (event, subscribed endpoint) fanned out in the emitting transaction, and every delivery attempt.
CREATE TABLE webhook_endpoints (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url             TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    -- Exact types, 'prefix.*' or '*'; matched by WebhookOutbox.emit's fan-out.
    event_types     TEXT[] NOT NULL CHECK (cardinality(event_types) > 0),
    enabled         BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_reason TEXT,
    disabled_at     TIMESTAMPTZ,
    -- Start of the current unbroken run of failed attempts; NULL after any success.
    failing_since   TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

-- Secrets must be usable for HMAC, so they are encrypted (AES-GCM), not hashed. A secret with
-- expires_at in the future is a rotated-out one that still signs during the overlap.
CREATE TABLE webhook_endpoint_secrets (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    key_id      TEXT NOT NULL,
    ciphertext  BYTEA NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ
);
CREATE INDEX webhook_endpoint_secrets_endpoint_idx ON webhook_endpoint_secrets (endpoint_id);

-- No foreign keys on the two hot tables: checking one takes a KEY SHARE lock on the referenced
-- row, and every emitting transaction would lock the same few endpoint rows (multixact churn).
-- WebhookEndpoints.delete removes an endpoint's attempts and messages itself; a message written
-- by an emit racing that delete is never claimed (the claim joins the endpoint).
CREATE TABLE webhook_messages (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The webhook-id header: the same on every attempt, so receivers can deduplicate.
    msg_id           TEXT NOT NULL UNIQUE,
    endpoint_id      BIGINT NOT NULL,
    event_pk         BIGINT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead_lettered')),
    attempt_count    INT NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    lease_owner      TEXT,
    lease_until      TIMESTAMPTZ,
    version          BIGINT NOT NULL DEFAULT 0,
    last_status_code INT,
    last_error       TEXT,
    delivered_at     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
) WITH (fillfactor = 70);
-- Free page space keeps the lease updates HOT. The dispatcher's per-endpoint claim walks the
-- partial index; delivered and dead-lettered rows drop out of it.
CREATE INDEX webhook_messages_due_idx ON webhook_messages (endpoint_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_messages_endpoint_idx ON webhook_messages (endpoint_id, id);
-- Dead letters are few: counted for /health and listed with ?status=dead_lettered without a scan.
CREATE INDEX webhook_messages_dead_idx ON webhook_messages (endpoint_id, id) WHERE status = 'dead_lettered';

CREATE TABLE webhook_attempts (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id       BIGINT NOT NULL,
    endpoint_id      BIGINT NOT NULL,
    attempt          INT NOT NULL,
    started_at       TIMESTAMPTZ NOT NULL,
    succeeded        BOOLEAN NOT NULL,
    status_code      INT,
    latency_ms       INT NOT NULL,
    response_excerpt TEXT,
    error            TEXT,
    dispatcher       TEXT NOT NULL
);
CREATE INDEX webhook_attempts_message_idx ON webhook_attempts (message_id, id);
CREATE INDEX webhook_attempts_endpoint_idx ON webhook_attempts (endpoint_id, id);
