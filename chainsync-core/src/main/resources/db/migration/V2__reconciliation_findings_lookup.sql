-- Reconciliation looks up earlier flags of a credential so a known disagreement is flagged once.
CREATE INDEX reconciliation_findings_hash_idx ON reconciliation_findings (credential_hash, signature)
    WHERE action = 'flagged';
