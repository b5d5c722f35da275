-- NFT tickets (issue 15, seed 001). Events are organizer-managed and the database is their source of
-- truth; a ticket's owner is chain state: owner is written only from a confirmed chain transaction
-- (the ticket handler) or by ownership sync (chain_owner, chain_slot, last_synced_at and a
-- correction), never by an API call.
CREATE TABLE ticket_events (
    id              UUID PRIMARY KEY,
    name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    venue           TEXT NOT NULL CHECK (length(venue) BETWEEN 1 AND 200),
    starts_at       TIMESTAMPTZ NOT NULL,
    capacity        INT NOT NULL CHECK (capacity > 0),
    price           NUMERIC NOT NULL CHECK (price >= 0),
    royalty_bps     INT NOT NULL CHECK (royalty_bps BETWEEN 0 AND 10000),
    -- Tickets ever requested (a failed mint gives its place back); capped by capacity under the row lock.
    tickets_issued  INT NOT NULL DEFAULT 0 CHECK (tickets_issued >= 0 AND tickets_issued <= capacity),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE tickets (
    id              UUID PRIMARY KEY,
    -- Creation order, for keyset pages.
    seq             BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    event_id        UUID NOT NULL REFERENCES ticket_events (id),
    seat            TEXT NOT NULL CHECK (length(seat) BETWEEN 1 AND 32),
    -- Derived from the platform key and the ticket id before anything is sent (chain.TicketMints).
    mint            TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL CHECK (status IN ('minting', 'active', 'burned', 'mint_failed')),
    owner           TEXT,
    chain_owner     TEXT,
    chain_slot      BIGINT,
    last_synced_at  TIMESTAMPTZ,
    -- The one chain operation in flight for this ticket, if any: mint, transfer or burn.
    pending_action  TEXT CHECK (pending_action IN ('mint', 'transfer', 'burn')),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX tickets_seat_idx ON tickets (event_id, seat) WHERE status <> 'mint_failed';
CREATE INDEX tickets_owner_idx ON tickets (owner, seq);
CREATE INDEX tickets_event_idx ON tickets (event_id, seq);

-- Seed 001 section 2.1: a transfer waits here until its transaction is confirmed; expired or failed
-- transactions never change the owner.
CREATE TABLE pending_transfers (
    id                UUID PRIMARY KEY,
    ticket_id         UUID NOT NULL REFERENCES tickets (id),
    operation_id      BIGINT NOT NULL UNIQUE REFERENCES chain_operations (id),
    from_owner        TEXT NOT NULL,
    new_owner         TEXT NOT NULL,
    price             NUMERIC CHECK (price >= 0),
    status            TEXT NOT NULL CHECK (status IN ('pending', 'submitted', 'confirmed', 'failed')),
    tx_signature      TEXT,
    last_valid_height BIGINT,
    expires_at        TIMESTAMPTZ,
    failures          INT NOT NULL DEFAULT 0,
    last_error        TEXT,
    confirmed_slot    BIGINT,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX pending_transfers_one_open_idx ON pending_transfers (ticket_id)
    WHERE status IN ('pending', 'submitted');
CREATE INDEX pending_transfers_open_age_idx ON pending_transfers (created_at)
    WHERE status IN ('pending', 'submitted');
CREATE INDEX pending_transfers_ticket_idx ON pending_transfers (ticket_id, created_at);

-- The ownership audit trail: one row per owner change, with the chain transaction that made it.
CREATE TABLE ticket_ownership_history (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id       UUID NOT NULL REFERENCES tickets (id),
    previous_owner  TEXT,
    new_owner       TEXT,
    signature       TEXT,
    slot            BIGINT,
    source          TEXT NOT NULL CHECK (source IN
                        ('mint', 'platform_transfer', 'direct_transfer', 'reconciliation_correction', 'burn')),
    recorded_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX ticket_ownership_history_ticket_idx ON ticket_ownership_history (ticket_id, id);
-- A chain transaction changes a ticket once, whoever notices it first (the handler or the sync).
CREATE UNIQUE INDEX ticket_ownership_history_signature_idx ON ticket_ownership_history (ticket_id, signature)
    WHERE signature IS NOT NULL;

-- Royalties are derived from confirmed on-chain transfers (seed 001 section 1.1).
CREATE TABLE ticket_royalties (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transfer_id     UUID NOT NULL UNIQUE REFERENCES pending_transfers (id),
    ticket_id       UUID NOT NULL REFERENCES tickets (id),
    event_id        UUID NOT NULL REFERENCES ticket_events (id),
    signature       TEXT NOT NULL,
    slot            BIGINT NOT NULL,
    sale_price      NUMERIC NOT NULL CHECK (sale_price >= 0),
    royalty_bps     INT NOT NULL CHECK (royalty_bps BETWEEN 0 AND 10000),
    royalty_amount  NUMERIC NOT NULL CHECK (royalty_amount >= 0),
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX ticket_royalties_event_idx ON ticket_royalties (event_id, id);
