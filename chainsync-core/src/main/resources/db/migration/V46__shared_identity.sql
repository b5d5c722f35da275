-- Owner: deployment package. What every instance on this database must share, recorded by the
-- first instance that starts and checked by every later one: the issuer's public key, the webhook
-- encryption key's fingerprint (never the key), the chain's name and id (genesis hash). An instance
-- whose settings disagree refuses to start instead of damaging what the others wrote.
CREATE TABLE shared_identity (
    name        text PRIMARY KEY,
    value       text NOT NULL,
    recorded_at timestamptz NOT NULL,
    recorded_by text NOT NULL
);
