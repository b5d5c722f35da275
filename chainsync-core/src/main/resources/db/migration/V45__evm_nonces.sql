-- The next nonce of each EVM signer, per chain. The relay takes a nonce by updating this row in the
-- transaction that records the attempt using it, so two relays never use one nonce for two
-- operations, and a nonce is only ever taken for an attempt that is recorded.
CREATE TABLE evm_nonces (
    chain_id   BIGINT      NOT NULL,
    address    TEXT        NOT NULL,
    next_nonce BIGINT      NOT NULL CHECK (next_nonce >= 0),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (chain_id, address)
);
