package dev.chainsync.outbox;

import static dev.chainsync.db.Jdbc.instant;
import static dev.chainsync.db.Jdbc.nullableLong;

import dev.chainsync.db.Jdbc;
import dev.chainsync.db.Planned;
import dev.chainsync.queue.Column;
import dev.chainsync.queue.LeaseTable;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** All SQL on {@code chain_operations} and {@code chain_operation_attempts}; the outbox package owns both. */
final class OutboxStore {
    static final String COLUMNS = "id, kind, aggregate_id, memo, idempotency_key, status, attempt_count, max_attempts, "
            + "next_attempt_at, lease_owner, lease_until, version, signature, blockhash, last_valid_height, "
            + "submitted_at, confirmed_slot, confirmed_at, last_error, created_at, updated_at, payload";

    /** The lease/version pattern of the outbox table (alias {@code o} in every fragment below). */
    static final LeaseTable TABLE = new LeaseTable("chain_operations", "o");

    // One short statement claims a batch: rows locked by another relay are skipped, not waited on,
    // and the lease makes a crashed relay's rows claimable again once it runs out.
    //
    // The settings: the claim must walk the due index in order and stop after its limit. The
    // planner's row estimate for "due" comes from statistics that lag behind a burst of new
    // operations (and never catch up where autovacuum is off); with a low estimate it read every due
    // row into a bitmap and sorted them instead, on every claim, so the claim's cost grew with the
    // backlog (about 10 ms per claim at 10,000 pending rows).
    static final Planned CLAIM = new Planned(
            "SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off",
            TABLE.claim("updated_at = ?", "", """
                    SELECT id FROM chain_operations
                                      WHERE status = ? AND next_attempt_at <= ?
                                        AND (lease_until IS NULL OR lease_until < ?)
                                      ORDER BY next_attempt_at
                                      LIMIT ?
                                      FOR UPDATE SKIP LOCKED""", "", "o." + COLUMNS.replace(", ", ", o.")));

    /**
     * Settings for the relay's lookups by key: a few index probes per key, whatever the size of the
     * history. A signature is not unique (V40), so without statistics the planner takes each one to
     * match 0.5% of all attempts: for a hundred signatures it expected half the table, and
     * hash-joined a sequential scan of every operation ever made (parallel and JIT-compiled: about
     * 0.4 s per call at 400,000 operations, and 50 ms even for ten). The attempts of twenty
     * operations started parallel workers for the same reason and waited 80 ms for them.
     */
    private static final String PROBES = "SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; "
            + "SET LOCAL enable_mergejoin = off; SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off";

    static final Planned ATTEMPTS = new Planned(PROBES, """
            SELECT operation_id, attempt, signature, blockhash, last_valid_height, relay, created_at
              FROM chain_operation_attempts WHERE operation_id = ANY (?) ORDER BY operation_id, attempt""");

    static final Planned TRANSACTION_OPERATIONS = new Planned(PROBES, """
            SELECT a.signature AS attempt_signature, o.* FROM chain_operation_attempts a
              JOIN chain_operations o ON o.id = a.operation_id
             WHERE a.signature = ANY (?) ORDER BY a.signature, a.operation_id""");

    private final Jdbc jdbc;

    OutboxStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    Jdbc jdbc() {
        return jdbc;
    }

    static long insert(Connection c, NewOperation op, int maxAttempts, Instant now) throws SQLException {
        Optional<Long> inserted = insertIfNew(c, op, maxAttempts, now);
        if (inserted.isPresent()) {
            return inserted.get();
        }
        return Jdbc.query(
                        c,
                        "SELECT id FROM chain_operations WHERE idempotency_key = ?",
                        r -> r.getLong(1),
                        op.idempotencyKey())
                .getFirst();
    }

    /** Inserts the operation; empty when one with its idempotency key exists already. */
    static Optional<Long> insertIfNew(Connection c, NewOperation op, int maxAttempts, Instant now) throws SQLException {
        return Jdbc.query(
                        c,
                        """
                        INSERT INTO chain_operations (kind, aggregate_id, memo, idempotency_key, status, max_attempts,
                                                      next_attempt_at, created_at, updated_at, payload)
                        VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)
                        ON CONFLICT (idempotency_key) DO NOTHING
                        RETURNING id""",
                        r -> r.getLong(1),
                        op.kind(),
                        op.aggregateId(),
                        op.memo(),
                        op.idempotencyKey(),
                        maxAttempts,
                        now,
                        now,
                        now,
                        op.payload())
                .stream()
                .findFirst();
    }

    List<Operation> claim(OperationStatus status, String owner, Instant now, Duration lease, int limit) {
        return jdbc.inTransaction(
                c -> CLAIM.query(c, OutboxStore::map, owner, now.plus(lease), now, status.dbName(), now, now, limit));
    }

    /** Every attempt of the given operations, oldest first per operation. */
    Map<Long, List<Attempt>> attempts(Collection<Long> operationIds) {
        Map<Long, List<Attempt>> out = new HashMap<>();
        if (operationIds.isEmpty()) {
            return out;
        }
        jdbc.inTransaction(c -> {
            for (Attempt a : ATTEMPTS.query(
                    c,
                    r -> new Attempt(
                            r.getLong(1),
                            r.getInt(2),
                            r.getString(3),
                            r.getString(4),
                            r.getLong(5),
                            r.getString(6),
                            instant(r, "created_at")),
                    Jdbc.array(c, "bigint", operationIds.toArray()))) {
                out.computeIfAbsent(a.operationId(), k -> new ArrayList<>()).add(a);
            }
            return null;
        });
        return out;
    }

    /**
     * Records the attempts of packed transactions (one attempt row per operation, each with its
     * transaction's signature) and makes each the operation's current transaction, where this relay
     * still holds the claim. A transaction is recorded whole or not at all: if the relay lost the
     * claim on any of its operations, none of its attempts are written and it must not be sent,
     * because an operation without the attempt row could be given another transaction and land
     * twice. Returns the signatures of the transactions recorded.
     */
    /** Builds one transaction's attempts inside the recording transaction (a chain may reserve a nonce there). */
    @FunctionalInterface
    interface PackBuilder {
        List<Attempt> build(Connection c, List<Operation> pack) throws SQLException;
    }

    /**
     * Locks the claimed rows still at their claimed version, builds the attempts of every pack whose
     * operations are all still held (only those: a chain that reserves something while building
     * never reserves it for a pack that is not recorded), and records them. Returns the signatures
     * recorded.
     */
    static Set<String> recordAttempts(
            Connection c, List<List<Operation>> packs, Map<Long, Operation> ops, PackBuilder builder, Instant now)
            throws SQLException {
        if (packs.isEmpty()) {
            return Set.of();
        }
        // Lock the rows still at the claimed version first, so nothing moves between this check and the writes.
        Set<Long> held = TABLE.lockHeld(
                c,
                packs.stream().flatMap(List::stream).map(op -> ops.get(op.id())).toList());
        List<Attempt> kept = new ArrayList<>();
        Set<String> recorded = new java.util.HashSet<>();
        for (List<Operation> pack : packs) {
            if (pack.stream().allMatch(op -> held.contains(op.id()))) {
                List<Attempt> tx = builder.build(c, pack);
                kept.addAll(tx);
                recorded.add(tx.getFirst().signature());
            }
        }
        if (kept.isEmpty()) {
            return Set.of();
        }
        int k = kept.size();
        Long[] ids = new Long[k];
        Integer[] numbers = new Integer[k];
        String[] sigs = new String[k];
        String[] hashes = new String[k];
        Long[] lvhs = new Long[k];
        for (int i = 0; i < k; i++) {
            Attempt a = kept.get(i);
            ids[i] = a.operationId();
            numbers[i] = a.attempt();
            sigs[i] = a.signature();
            hashes[i] = a.blockhash();
            lvhs[i] = a.lastValidHeight();
        }
        Jdbc.update(
                c,
                """
                UPDATE chain_operations o
                   SET signature = u.signature, blockhash = u.blockhash, last_valid_height = u.lvh,
                       version = o.version + 1, updated_at = ?
                  FROM unnest(?::bigint[], ?::text[], ?::text[], ?::bigint[]) AS u(id, signature, blockhash, lvh)
                 WHERE o.id = u.id""",
                now,
                Jdbc.array(c, "bigint", ids),
                Jdbc.array(c, "text", sigs),
                Jdbc.array(c, "text", hashes),
                Jdbc.array(c, "bigint", lvhs));
        Jdbc.update(
                c,
                """
                INSERT INTO chain_operation_attempts
                    (operation_id, attempt, signature, blockhash, last_valid_height, relay, created_at)
                SELECT u.id, u.attempt, u.signature, u.blockhash, u.lvh, ?, ?
                  FROM unnest(?::bigint[], ?::int[], ?::text[], ?::text[], ?::bigint[])
                       AS u(id, attempt, signature, blockhash, lvh)""",
                kept.getFirst().relay(),
                now,
                Jdbc.array(c, "bigint", ids),
                Jdbc.array(c, "int", numbers),
                Jdbc.array(c, "text", sigs),
                Jdbc.array(c, "text", hashes),
                Jdbc.array(c, "bigint", lvhs));
        return recorded;
    }

    /**
     * The operations of each recorded transaction, in the order the relay packs them (by operation
     * id), so that a transaction can be rebuilt byte for byte from the database alone (their memos,
     * or the instructions their handlers build from their payloads).
     */
    Map<String, List<Operation>> transactionOperations(Collection<String> signatures) {
        Map<String, List<Operation>> out = new HashMap<>();
        if (signatures.isEmpty()) {
            return out;
        }
        jdbc.inTransaction(c -> {
            TRANSACTION_OPERATIONS.query(
                    c,
                    r -> {
                        out.computeIfAbsent(r.getString("attempt_signature"), k -> new ArrayList<>())
                                .add(map(r));
                        return null;
                    },
                    Jdbc.array(c, "text", signatures.toArray()));
            return null;
        });
        return out;
    }

    // The settle statements, one per kind of settlement; each writes only rows still at the version
    // the relay's claim left, and returns their ids.

    /** Sent with its signature. Parameters: now (first submission), when the tracker looks first, now. */
    static final LeaseTable.Settle<Settlement.Submit> SUBMITTED = TABLE.settle(
            "status = 'submitted', signature = u.signature, submitted_at = COALESCE(o.submitted_at, ?), "
                    + "next_attempt_at = ?, last_error = NULL, updated_at = ?",
            new Column<>("signature", "text", Settlement.Submit::signature));

    /** Confirmed at its slot. Parameters: now, now. */
    static final LeaseTable.Settle<Settlement.Confirm> CONFIRMED = TABLE.settle(
            "status = 'confirmed', signature = u.signature, confirmed_slot = u.slot, confirmed_at = ?, "
                    + "last_error = NULL, updated_at = ?",
            new Column<>("signature", "text", s -> s.op().signature()),
            new Column<>("slot", "bigint", s -> s.status().slot()));

    /** Back to pending at each {@code at}; a failure consumes one attempt. Parameter: now. */
    static final LeaseTable.Settle<Settlement.Reschedule> RESCHEDULED = TABLE.settle(
            "status = 'pending', next_attempt_at = u.retry_at, attempt_count = o.attempt_count + u.inc, "
                    + "last_error = COALESCE(u.error, o.last_error), updated_at = ?",
            new Column<>("retry_at", "timestamptz", Settlement.Reschedule::at),
            new Column<>("error", "text", Settlement.Reschedule::error),
            new Column<>("inc", "int", r -> r.countsAsFailure() ? 1 : 0));

    /** The tracker looks again at each {@code at}; nothing else changes. Parameter: now. */
    static final LeaseTable.Settle<Settlement.Recheck> RECHECKED = TABLE.settle(
            "next_attempt_at = u.check_at, updated_at = ?",
            new Column<>("check_at", "timestamptz", Settlement.Recheck::at));

    /** Dead-lettered; uses the last attempt. Parameter: now. */
    static final LeaseTable.Settle<Settlement.DeadLetter> DEAD_LETTERED = TABLE.settle(
            "status = 'dead_lettered', attempt_count = o.attempt_count + 1, last_error = u.error, updated_at = ?",
            new Column<>("error", "text", Settlement.DeadLetter::error));

    /**
     * Gives back the claims {@code owner} still holds on {@code ids}, due again at {@code checkAt}.
     * Keyed on the owner, not the version: after a pass failed half-way this relay no longer knows
     * which versions its own updates left, but only it can hold its lease.
     */
    int releaseClaims(String owner, List<Long> ids, Instant checkAt, Instant now) {
        return jdbc.withConnection(c -> TABLE.releaseOwned(
                c,
                owner,
                "next_attempt_at = ?, updated_at = ?",
                "o.id = ANY (?) AND o.status IN ('pending', 'submitted')",
                checkAt,
                now,
                Jdbc.array(c, "bigint", ids.toArray())));
    }

    /** Gives back every claim {@code owner} still holds, for a clean shutdown. */
    int releaseLeases(String owner, Instant now) {
        return jdbc.withConnection(
                c -> TABLE.releaseOwned(c, owner, "updated_at = ?", "o.status IN ('pending', 'submitted')", now));
    }

    static Operation map(ResultSet r) throws SQLException {
        return new Operation(
                r.getLong("id"),
                r.getString("kind"),
                r.getString("aggregate_id"),
                r.getString("memo"),
                r.getString("idempotency_key"),
                OperationStatus.fromDb(r.getString("status")),
                r.getInt("attempt_count"),
                r.getInt("max_attempts"),
                instant(r, "next_attempt_at"),
                r.getString("lease_owner"),
                instant(r, "lease_until"),
                r.getLong("version"),
                r.getString("signature"),
                r.getString("blockhash"),
                nullableLong(r, "last_valid_height"),
                instant(r, "submitted_at"),
                nullableLong(r, "confirmed_slot"),
                instant(r, "confirmed_at"),
                r.getString("last_error"),
                instant(r, "created_at"),
                instant(r, "updated_at"),
                r.getString("payload"));
    }
}
