-- The relay's database work for one credential, replayed inside PostgreSQL: the same statements
-- on the same tables (outbox.OutboxStore, credential.CredentialStore, webhook.WebhookOutbox as of
-- this file), one batch at a time and one transaction per step as the relay commits them, but with
-- no client, no network, no chain and no parsing of parameters sent as text. Its time is what the
-- database alone needs per operation: a floor under the relay's drain rate on one machine.
CREATE OR REPLACE PROCEDURE pg_temp.outbox_floor(batch int) LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
    vers bigint[];
    hashes text[];
    sigs text[];
    t timestamptz;
BEGIN
    LOOP
        t := clock_timestamp();
        SET LOCAL enable_bitmapscan = off;
        SET LOCAL enable_seqscan = off;
        -- submit pass: claim
        WITH c AS (
            UPDATE chain_operations o
               SET lease_owner = 'floor', lease_until = t + interval '30 seconds', version = o.version + 1, updated_at = t
             WHERE o.id = ANY (ARRAY(SELECT id FROM chain_operations
                                      WHERE status = 'pending' AND next_attempt_at <= t
                                        AND (lease_until IS NULL OR lease_until < t)
                                      ORDER BY next_attempt_at LIMIT batch FOR UPDATE SKIP LOCKED))
            RETURNING o.id, o.version, o.aggregate_id)
        SELECT array_agg(id ORDER BY id), array_agg(version ORDER BY id), array_agg(aggregate_id ORDER BY id)
          INTO ids, vers, hashes FROM c;
        COMMIT;
        EXIT WHEN ids IS NULL;
        -- one signature per 11 operations, as packed transactions carry
        SELECT array_agg(rpad(md5('tx' || (ids[i] / 11)), 88, '1') ORDER BY i) INTO sigs
          FROM generate_subscripts(ids, 1) AS i;

        -- submit pass: record the attempts before sending
        PERFORM o.id FROM chain_operations o
          JOIN unnest(ids, vers) AS u(id, version) ON o.id = u.id AND o.version = u.version FOR UPDATE OF o;
        UPDATE chain_operations o
           SET signature = u.signature, blockhash = 'floor-blockhash', last_valid_height = 150,
               version = o.version + 1, updated_at = t
          FROM unnest(ids, sigs) AS u(id, signature)
         WHERE o.id = u.id;
        INSERT INTO chain_operation_attempts (operation_id, attempt, signature, blockhash, last_valid_height, relay, created_at)
        SELECT u.id, 1, u.signature, 'floor-blockhash', 150, 'floor', t FROM unnest(ids, sigs) AS u(id, signature);
        COMMIT;
        vers := ARRAY(SELECT v + 1 FROM unnest(vers) AS v);

        -- submit pass: the outcome (operation submitted, credential submitted, history)
        UPDATE chain_operations o
           SET status = 'submitted', signature = u.signature, submitted_at = COALESCE(o.submitted_at, t),
               next_attempt_at = t, lease_owner = NULL, lease_until = NULL, last_error = NULL,
               version = o.version + 1, updated_at = t
          FROM unnest(ids, vers, sigs) AS u(id, version, signature)
         WHERE o.id = u.id AND o.version = u.version;
        UPDATE credentials SET status = 'submitted', updated_at = t
         WHERE hash = ANY (hashes) AND status = ANY ('{pending,submitted,failed,dead_lettered}');
        INSERT INTO credential_events (credential_hash, event_type, detail, occurred_at)
        SELECT u.hash, 'submitted', jsonb_build_object('operation_id', u.id, 'signature', u.signature), t
          FROM unnest(hashes, ids, sigs) WITH ORDINALITY AS u(hash, id, signature, n) ORDER BY u.n;
        COMMIT;
        vers := ARRAY(SELECT v + 1 FROM unnest(vers) AS v);

        -- confirm pass: claim (planner settings are transaction-local, as in OutboxStore.claim)
        SET LOCAL enable_bitmapscan = off;
        SET LOCAL enable_seqscan = off;
        UPDATE chain_operations o
           SET lease_owner = 'floor', lease_until = t + interval '30 seconds', version = o.version + 1, updated_at = t
         WHERE o.id = ANY (ARRAY(SELECT id FROM chain_operations
                                  WHERE status = 'submitted' AND next_attempt_at <= t
                                    AND (lease_until IS NULL OR lease_until < t)
                                  ORDER BY next_attempt_at LIMIT batch FOR UPDATE SKIP LOCKED));
        COMMIT;
        vers := ARRAY(SELECT v + 1 FROM unnest(vers) AS v);

        -- confirm pass: the outcome (operation and credential confirmed, history, webhook event)
        UPDATE chain_operations o
           SET status = 'confirmed', signature = u.signature, confirmed_slot = 150, confirmed_at = t,
               lease_owner = NULL, lease_until = NULL, last_error = NULL, version = o.version + 1, updated_at = t
          FROM unnest(ids, vers, sigs) AS u(id, version, signature)
         WHERE o.id = u.id AND o.version = u.version;
        UPDATE credentials cr
           SET status = 'confirmed', chain_signature = u.signature, chain_slot = 150,
               confirmed_at = COALESCE(cr.confirmed_at, t), updated_at = t
          FROM unnest(hashes, sigs) AS u(hash, signature)
         WHERE cr.hash = u.hash;
        INSERT INTO credential_events (credential_hash, event_type, detail, occurred_at)
        SELECT u.hash, 'confirmed', jsonb_build_object('operation_id', u.id, 'signature', u.signature, 'slot', 150,
                                                       'commitment', 'confirmed'), t
          FROM unnest(hashes, ids, sigs) WITH ORDINALITY AS u(hash, id, signature, n) ORDER BY u.n;
        WITH e AS (
            INSERT INTO webhook_events (event_id, type, payload, created_at)
            SELECT 'evt_' || lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0')
                          || substr(md5(u.hash || u.n), 1, 20),
                   'credential.confirmed',
                   jsonb_build_object('hash', u.hash, 'status', 'confirmed', 'signature', u.signature, 'slot', 150,
                                      'commitment', 'confirmed'), t
              FROM unnest(hashes, sigs) WITH ORDINALITY AS u(hash, signature, n) ORDER BY u.n
            RETURNING id, type, created_at)
        INSERT INTO webhook_messages (msg_id, endpoint_id, event_pk, status, next_attempt_at, created_at, updated_at)
        SELECT 'msg_' || e.id, ep.id, e.id, 'pending', e.created_at, e.created_at, e.created_at
          FROM e JOIN webhook_endpoints ep ON ep.enabled AND e.type = ANY (ep.event_types);
        COMMIT;
    END LOOP;
END $$;
