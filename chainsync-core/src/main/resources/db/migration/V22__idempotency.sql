-- Owner: idempotency package. One row per (API key, Idempotency-Key): the request's fingerprint
-- and the response to replay, written in the same transaction as the request's own effects.
CREATE TABLE idempotency_keys (
    api_key_id       BIGINT NOT NULL,
    idempotency_key  TEXT NOT NULL,
    fingerprint      TEXT NOT NULL,
    response_status  INT NOT NULL,
    response_headers JSONB NOT NULL DEFAULT '{}'::jsonb,
    response_body    BYTEA NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    expires_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (api_key_id, idempotency_key)
);
CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (expires_at);
