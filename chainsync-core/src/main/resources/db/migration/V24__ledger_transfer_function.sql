-- Owner: ledger package. Transfers applied server-side, many per call.
--
-- The Java path took six statements per transfer and held the balance rows locked across every
-- round trip to the commit. This function applies a list of transfers in order in one call: it
-- creates missing receiver rows, locks every balance row the list touches in (account, currency)
-- order (so two calls never deadlock on existing rows), then debits with a guarded UPDATE, so a
-- transfer that would overdraw changes nothing and the ones after it still see the right balances.
-- It never raises for a business outcome: it returns one row per transfer, in order, saying
-- 'ok', 'missing' (with the unknown account) or 'insufficient' (with the sender's balance).
CREATE FUNCTION ledger_transfers(p_ids TEXT[], p_from TEXT[], p_to TEXT[], p_amount NUMERIC[], p_currency TEXT[],
                                 p_now TIMESTAMPTZ)
    RETURNS TABLE (n INT, outcome TEXT, missing_account TEXT, from_balance NUMERIC)
    LANGUAGE plpgsql AS
$$
DECLARE
    known     TEXT[];
    done      INT[]     := '{}';
    from_left NUMERIC[] := '{}';
    to_left   NUMERIC[] := '{}';
    debited   NUMERIC;
    credited  NUMERIC;
BEGIN
    SELECT coalesce(array_agg(id), '{}') INTO known FROM accounts WHERE id = ANY (p_from || p_to);
    INSERT INTO balances (account_id, currency, amount, updated_at)
    SELECT DISTINCT u.account, u.currency, 0::NUMERIC, p_now
      FROM unnest(p_to, p_currency) AS u(account, currency)
     WHERE u.account = ANY (known)
     ORDER BY 1, 2
        ON CONFLICT DO NOTHING;
    PERFORM 1 FROM balances b
     WHERE (b.account_id, b.currency) IN (SELECT * FROM unnest(p_from || p_to, p_currency || p_currency))
     ORDER BY b.account_id, b.currency
       FOR UPDATE;

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
            UPDATE balances SET amount = amount - p_amount[i], updated_at = p_now
             WHERE account_id = p_from[i] AND currency = p_currency[i] AND amount >= p_amount[i]
            RETURNING amount INTO debited;
            IF NOT FOUND THEN
                outcome := 'insufficient';
                from_balance := coalesce((SELECT amount FROM balances
                                           WHERE account_id = p_from[i] AND currency = p_currency[i]), 0);
            ELSE
                UPDATE balances SET amount = amount + p_amount[i], updated_at = p_now
                 WHERE account_id = p_to[i] AND currency = p_currency[i]
                RETURNING amount INTO credited;
                done := done || i;
                from_left := from_left || debited;
                to_left := to_left || credited;
            END IF;
        END IF;
        RETURN NEXT;
    END LOOP;

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
