-- Owner: ledger package. Transfers applied server-side, many per call.
--
-- The Java path took six statements per transfer and held the balance rows locked across every
-- round trip to the commit. This function applies a list of transfers in order in one call: it
-- creates missing receiver rows, locks and reads every balance row the list touches in one
-- statement, in (account, currency) order (so two calls queue instead of deadlocking), applies the
-- transfers one by one to the balances in memory, refusing any that would overdraw (the ones after
-- it see the balances as if it had never been asked), and then writes each balance row once, so
-- hot accounts are updated once per call instead of once per transfer.
-- It never raises for a business outcome: it returns one row per transfer, in order, saying
-- 'ok', 'missing' (with the unknown account) or 'insufficient' (with the sender's balance).
--
-- The journal's foreign keys go: the function is the only writer of transfers and entries and
-- checks every account first, and each key check was a query of its own (three per transfer,
-- two per entry), most of the cost of a batch. What they protected against, an account or
-- currency disappearing under its journal, is forbidden outright below.
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_account_id_fkey,
                           DROP CONSTRAINT ledger_entries_transfer_id_fkey;
ALTER TABLE transfers DROP CONSTRAINT transfers_from_account_fkey,
                      DROP CONSTRAINT transfers_to_account_fkey,
                      DROP CONSTRAINT transfers_currency_fkey;

CREATE FUNCTION ledger_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION '% rows are never deleted: the journal refers to them', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER accounts_never_deleted BEFORE DELETE OR TRUNCATE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_delete();
CREATE TRIGGER currencies_never_deleted BEFORE DELETE OR TRUNCATE ON currencies
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_delete();
CREATE FUNCTION ledger_transfers(p_ids TEXT[], p_from TEXT[], p_to TEXT[], p_amount NUMERIC[], p_currency TEXT[],
                                 p_now TIMESTAMPTZ, p_lock_timeout TEXT)
    RETURNS TABLE (n INT, outcome TEXT, missing_account TEXT, from_balance NUMERIC)
    LANGUAGE plpgsql AS
$$
DECLARE
    known     TEXT[];
    created   TEXT[];
    accts     TEXT[];
    curs      TEXT[];
    row_keys  TEXT[];
    balance   NUMERIC[];
    changed   BOOLEAN[];
    done      INT[]     := '{}';
    from_left NUMERIC[] := '{}';
    to_left   NUMERIC[] := '{}';
    f         INT;
    t         INT;
BEGIN
    IF p_lock_timeout IS NOT NULL THEN
        -- For the rest of the caller's transaction, as SET LOCAL would, without a round trip of its own.
        PERFORM set_config('lock_timeout', p_lock_timeout, true);
    END IF;
    SELECT coalesce(array_agg(id), '{}') INTO known FROM accounts WHERE id = ANY (p_from || p_to);
    -- Receivers get a row to credit; rows created here and left unused are deleted at the end, so a
    -- refused transfer leaves nothing behind.
    WITH ins AS (
        INSERT INTO balances (account_id, currency, amount, updated_at)
        SELECT DISTINCT u.account, u.currency, 0::NUMERIC, p_now
          FROM unnest(p_to, p_currency) AS u(account, currency)
         WHERE u.account = ANY (known)
         ORDER BY 1, 2
            ON CONFLICT DO NOTHING
        RETURNING account_id, currency)
    SELECT coalesce(array_agg(account_id || chr(31) || currency), '{}') INTO created FROM ins;
    -- Locked and read in one statement: a row read by a later statement could have been created
    -- (and changed) by someone else after the lock was taken, without being locked here.
    -- Currency codes cannot hold chr(31), so a key splits back into one account and one currency.
    SELECT coalesce(array_agg(s.account_id), '{}'), coalesce(array_agg(s.currency), '{}'),
           coalesce(array_agg(s.amount), '{}'), coalesce(array_agg(s.account_id || chr(31) || s.currency), '{}')
      INTO accts, curs, balance, row_keys
      FROM (SELECT b.account_id, b.currency, b.amount FROM balances b
             WHERE (b.account_id, b.currency) IN (SELECT * FROM unnest(p_from || p_to, p_currency || p_currency))
             ORDER BY b.account_id, b.currency
               FOR UPDATE) s;
    changed := array_fill(false, ARRAY[coalesce(array_length(accts, 1), 0)]);

    FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
        n := i;
        outcome := 'ok';
        missing_account := NULL;
        from_balance := NULL;
        IF NOT p_from[i] = ANY (known) THEN
            outcome := 'missing';
            missing_account := p_from[i];
        ELSIF NOT p_to[i] = ANY (known) THEN
            outcome := 'missing';
            missing_account := p_to[i];
        ELSE
            f := array_position(row_keys, p_from[i] || chr(31) || p_currency[i]);
            t := array_position(row_keys, p_to[i] || chr(31) || p_currency[i]);
            -- A sender without a row holds nothing; a receiver always has one (created above).
            IF f IS NULL OR balance[f] < p_amount[i] THEN
                outcome := 'insufficient';
                from_balance := coalesce(balance[f], 0);
            ELSE
                balance[f] := balance[f] - p_amount[i];
                balance[t] := balance[t] + p_amount[i];
                changed[f] := true;
                changed[t] := true;
                done := done || i;
                from_left := from_left || balance[f];
                to_left := to_left || balance[t];
            END IF;
        END IF;
        RETURN NEXT;
    END LOOP;

    UPDATE balances b SET amount = u.amount, updated_at = p_now
      FROM unnest(accts, curs, balance, changed) AS u(account_id, currency, amount, changed)
     WHERE u.changed AND b.account_id = u.account_id AND b.currency = u.currency;
    IF cardinality(created) > 0 THEN
        DELETE FROM balances b
         USING unnest(accts, curs, changed) AS u(account_id, currency, changed)
         WHERE NOT u.changed AND b.account_id = u.account_id AND b.currency = u.currency
           AND u.account_id || chr(31) || u.currency = ANY (created);
    END IF;
    INSERT INTO transfers (id, kind, from_account, to_account, amount, currency, created_at)
    SELECT p_ids[k], 'transfer', p_from[k], p_to[k], p_amount[k], p_currency[k], p_now
      FROM unnest(done) WITH ORDINALITY AS d(k, o)
     ORDER BY o;
    INSERT INTO ledger_entries (transfer_id, account_id, currency, amount, balance_after, created_at)
    SELECT p_ids[d.k], leg.account, p_currency[d.k], leg.amount, leg.after, p_now
      FROM unnest(done, from_left, to_left) WITH ORDINALITY AS d(k, from_after, to_after, o)
     CROSS JOIN LATERAL (VALUES (1, p_from[d.k], -p_amount[d.k], d.from_after),
                                (2, p_to[d.k], p_amount[d.k], d.to_after)) AS leg(side, account, amount, after)
     ORDER BY d.o, leg.side;
END
$$;
