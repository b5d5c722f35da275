package dev.chainsync.outbox;

import dev.chainsync.db.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chain outbox as the rest of chainsync sees it: enqueue a command inside the caller's own
 * transaction, read operations, and move a dead-lettered one back to pending.
 */
public final class Outbox {
    private final OutboxStore store;
    private final Map<String, OperationHandler> handlers;
    private final int maxAttempts;
    private final Clock clock;

    public Outbox(Jdbc jdbc, Map<String, OperationHandler> handlers, int maxAttempts, Clock clock) {
        this.store = new OutboxStore(jdbc);
        this.handlers = Map.copyOf(handlers);
        this.maxAttempts = maxAttempts;
        this.clock = clock;
    }

    /**
     * Adds an operation in the caller's transaction {@code tx}, so the business record and its
     * chain command commit together. Enqueueing the same idempotency key again returns the existing id.
     */
    public static long enqueue(Connection tx, NewOperation op, int maxAttempts, Instant now) throws SQLException {
        return OutboxStore.insert(tx, op, maxAttempts, now);
    }

    /**
     * Like {@link #enqueue}, but empty when an operation with the same idempotency key exists already,
     * so a caller that must act exactly once (reconciliation re-writing the chain) can tell.
     */
    public static Optional<Long> enqueueIfNew(Connection tx, NewOperation op, int maxAttempts, Instant now)
            throws SQLException {
        return OutboxStore.insertIfNew(tx, op, maxAttempts, now);
    }

    /** Whether an operation with this idempotency key was ever enqueued, read in {@code tx}. */
    public static boolean enqueued(Connection tx, String idempotencyKey) throws SQLException {
        return !Jdbc.query(tx, "SELECT 1 FROM chain_operations WHERE idempotency_key = ?", r -> 1, idempotencyKey)
                .isEmpty();
    }

    /**
     * The last valid block height of the transaction recorded with {@code signature}, read in {@code
     * tx} (a handler's {@code onSubmitted} learns when the transaction it was told about expires).
     */
    public static Optional<Long> lastValidHeight(Connection tx, String signature) throws SQLException {
        return Jdbc.query(
                        tx,
                        "SELECT last_valid_height FROM chain_operation_attempts WHERE signature = ? LIMIT 1",
                        r -> r.getLong(1),
                        signature)
                .stream()
                .findFirst();
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Optional<Operation> find(long id) {
        return store.jdbc()
                .queryOne(
                        "SELECT " + OutboxStore.COLUMNS + " FROM chain_operations WHERE id = ?", OutboxStore::map, id);
    }

    /** The operations of one aggregate, oldest first. */
    public List<Operation> forAggregate(String kind, String aggregateId) {
        return store.jdbc()
                .query(
                        "SELECT " + OutboxStore.COLUMNS
                                + " FROM chain_operations WHERE kind = ? AND aggregate_id = ? ORDER BY id",
                        OutboxStore::map,
                        kind,
                        aggregateId);
    }

    /** Every attempt recorded for an operation, oldest first. */
    public List<Attempt> attempts(long operationId) {
        return store.attempts(List.of(operationId)).getOrDefault(operationId, List.of());
    }

    /** A page of operations, newest first, optionally of one status, with ids below {@code beforeId}. */
    public List<Operation> list(OperationStatus status, Long beforeId, int limit) {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT " + OutboxStore.COLUMNS + " FROM chain_operations WHERE true");
        if (status != null) {
            sql.append(" AND status = ?");
            params.add(status.dbName());
        }
        if (beforeId != null) {
            sql.append(" AND id < ?");
            params.add(beforeId);
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(limit);
        return store.jdbc().query(sql.toString(), OutboxStore::map, params.toArray());
    }

    /** Result of a manual retry. */
    public enum RetryOutcome {
        RETRIED,
        NOT_FOUND,
        NOT_DEAD_LETTERED
    }

    /**
     * Moves a dead-lettered operation back to pending with a fresh set of attempts, recorded in
     * its aggregate's history in the same transaction.
     */
    public RetryOutcome retry(long id) {
        return store.jdbc().inTransaction(c -> retry(c, id));
    }

    /** {@link #retry(long)} inside {@code tx} (an Idempotency-Key request's transaction). */
    public RetryOutcome retry(Connection c, long id) throws SQLException {
        Instant now = clock.instant();
        List<Operation> rows = Jdbc.query(
                c,
                "SELECT " + OutboxStore.COLUMNS + " FROM chain_operations WHERE id = ? FOR UPDATE",
                OutboxStore::map,
                id);
        if (rows.isEmpty()) {
            return RetryOutcome.NOT_FOUND;
        }
        Operation op = rows.getFirst();
        if (op.status() != OperationStatus.DEAD_LETTERED) {
            return RetryOutcome.NOT_DEAD_LETTERED;
        }
        Jdbc.update(c, """
                UPDATE chain_operations
                   SET status = 'pending', attempt_count = 0, next_attempt_at = ?, lease_owner = NULL,
                       lease_until = NULL, version = version + 1, updated_at = ?
                 WHERE id = ?""", now, now, id);
        OperationHandler h = handlers.get(op.kind());
        if (h != null) {
            h.onRetried(c, op, now);
        }
        return RetryOutcome.RETRIED;
    }

    /** The operation as {@code tx} sees it. */
    public Optional<Operation> find(Connection tx, long id) throws SQLException {
        List<Operation> rows = Jdbc.query(
                tx, "SELECT " + OutboxStore.COLUMNS + " FROM chain_operations WHERE id = ?", OutboxStore::map, id);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    /** Counts of unfinished and dead-lettered operations (confirmed ones are counted by metrics) and the oldest unfinished age. */
    public record Stats(Map<OperationStatus, Long> counts, Duration oldestUnfinishedAge) {}

    /**
     * The unfinished and dead-lettered operations, counted from chain_operations_open_idx. Listed
     * rather than written as "status <> 'confirmed'": without statistics the planner takes that to
     * match 99.5% of the table and scans all of it, confirmed history included, on every /health
     * and every metrics scrape (0.15 s and 44,000 buffers at 400,000 operations); three equalities
     * it takes to be rare. The CHECK on status allows no other value.
     */
    static final String STATUS_COUNTS = """
            SELECT status, count(*) FROM chain_operations
             WHERE status IN ('pending', 'submitted', 'dead_lettered') GROUP BY status""";

    /**
     * When the first-made unfinished operation was created: the lowest id of each unfinished status,
     * one probe of chain_operations_open_idx each, so /health costs the same with a backlog of a
     * million operations (a chain outage) as with none. Ids follow creation order.
     */
    static final String OLDEST_UNFINISHED = """
            SELECT min(created_at) AS oldest FROM (
                (SELECT created_at FROM chain_operations WHERE status = 'pending' ORDER BY id LIMIT 1)
                UNION ALL
                (SELECT created_at FROM chain_operations WHERE status = 'submitted' ORDER BY id LIMIT 1)) first""";

    public Stats stats() {
        Instant now = clock.instant();
        return store.jdbc().withConnection(c -> {
            Map<OperationStatus, Long> counts = new java.util.EnumMap<>(OperationStatus.class);
            for (OperationStatus s : OperationStatus.values()) {
                counts.put(s, 0L);
            }
            Jdbc.query(c, STATUS_COUNTS, r -> {
                counts.put(OperationStatus.fromDb(r.getString(1)), r.getLong(2));
                return null;
            });
            List<Instant> oldest = Jdbc.query(c, OLDEST_UNFINISHED, r -> Jdbc.instant(r, "oldest"));
            Instant o = oldest.isEmpty() ? null : oldest.getFirst();
            return new Stats(counts, o == null ? Duration.ZERO : Duration.between(o, now));
        });
    }
}
