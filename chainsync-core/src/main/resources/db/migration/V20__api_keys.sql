-- Owner: apikey package. Secrets are never stored: only their SHA-256 (keys are 256-bit random,
-- so a fast hash is enough; there is nothing to brute-force).
CREATE TABLE api_keys (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                  TEXT NOT NULL,
    prefix                TEXT NOT NULL,
    key_hash              BYTEA NOT NULL UNIQUE,
    scopes                TEXT[] NOT NULL,
    rate_limit_per_minute INT CHECK (rate_limit_per_minute > 0),
    created_at            TIMESTAMPTZ NOT NULL,
    revoked_at            TIMESTAMPTZ,
    last_used_at          TIMESTAMPTZ
);
