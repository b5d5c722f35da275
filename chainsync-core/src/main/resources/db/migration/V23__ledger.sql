-- Owner: ledger package. Double-entry balances with exact decimals.

CREATE TABLE currencies (
    code  TEXT PRIMARY KEY CHECK (code ~ '^[A-Z0-9]{2,10}$'),
    scale INT NOT NULL CHECK (scale BETWEEN 0 AND 18)
);
INSERT INTO currencies (code, scale) VALUES
    ('USD', 2), ('EUR', 2), ('GBP', 2), ('JPY', 0), ('USDC', 6), ('SOL', 9), ('ETH', 18), ('BTC', 8);

CREATE TABLE accounts (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- One row per account and currency; the transfer path locks these rows in a fixed order.
CREATE TABLE balances (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    currency   TEXT NOT NULL REFERENCES currencies (code),
    amount     NUMERIC(38, 18) NOT NULL CHECK (amount >= 0),
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, currency)
);

CREATE TABLE transfers (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('transfer', 'mint', 'burn')),
    from_account TEXT REFERENCES accounts (id),
    to_account   TEXT REFERENCES accounts (id),
    amount       NUMERIC(38, 18) NOT NULL CHECK (amount > 0),
    currency     TEXT NOT NULL REFERENCES currencies (code),
    created_at   TIMESTAMPTZ NOT NULL,
    CHECK ((kind = 'transfer' AND from_account IS NOT NULL AND to_account IS NOT NULL AND from_account <> to_account)
        OR (kind = 'mint' AND from_account IS NULL AND to_account IS NOT NULL)
        OR (kind = 'burn' AND from_account IS NOT NULL AND to_account IS NULL))
);

-- The journal: every balance change, signed, with the balance it left.
CREATE TABLE ledger_entries (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transfer_id   TEXT NOT NULL REFERENCES transfers (id),
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    currency      TEXT NOT NULL,
    amount        NUMERIC(38, 18) NOT NULL CHECK (amount <> 0),
    balance_after NUMERIC(38, 18) NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX ledger_entries_account_idx ON ledger_entries (account_id, id);
CREATE INDEX ledger_entries_transfer_idx ON ledger_entries (transfer_id);
