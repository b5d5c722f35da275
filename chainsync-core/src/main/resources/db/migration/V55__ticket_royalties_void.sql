-- Owner: ticket package (SyncQueries, for royalties reconciliation). A royalty entry the chain does not back is
-- voided by a person's review (accept_chain), never deleted: the record of what was owed stays, with
-- when and why it stopped counting. Reconciliation and totals read only entries not voided.
ALTER TABLE ticket_royalties ADD COLUMN voided_at TIMESTAMPTZ;
ALTER TABLE ticket_royalties ADD COLUMN void_reason TEXT;
ALTER TABLE ticket_royalties ADD CONSTRAINT ticket_royalties_void_reason
    CHECK ((voided_at IS NULL) = (void_reason IS NULL));
