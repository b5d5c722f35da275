-- Seed 003 defines term.triple_id as "term_id if type='Triple'": a counter term's triple_id is its
-- own id. Rows written before this version pointed a counter term at its pro triple instead; the
-- ingest code now writes the seed's value, and this aligns the rows already there (a rebuild gives
-- the same).
UPDATE term SET triple_id = id WHERE type = 'Triple' AND triple_id IS DISTINCT FROM id;
