package dev.chainsync.reconcile;

import dev.chainsync.db.Jdbc;
import dev.chainsync.json.Json;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The manual review queue: discrepancies of types whose source of truth is a person (financial
 * data). Resolving applies the choice through the same correction code a run uses, in the same
 * transaction as the resolution and its history entry.
 */
public final class ReviewQueue {
    private final Jdbc jdbc;
    private final ReconcileEngine engine;
    private final Clock clock;

    public ReviewQueue(Jdbc jdbc, ReconcileEngine engine, Clock clock) {
        this.jdbc = jdbc;
        this.engine = engine;
        this.clock = clock;
    }

    /** A review's state. */
    public enum Status {
        OPEN,
        ASSIGNED,
        RESOLVED;

        public String dbName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A person's decision. */
    public enum Resolution {
        ACCEPT_CHAIN,
        ACCEPT_DATABASE,
        DISMISS;

        public String dbName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A review with what each side said when it was opened. */
    public record Review(
            long id,
            Long runId,
            String dataType,
            String key,
            String finding,
            String chain,
            String database,
            String status,
            String assignee,
            String resolution,
            String note,
            Instant openedAt,
            Instant updatedAt,
            Instant resolvedAt) {}

    /** One entry of a review's history. */
    public record Event(long id, String event, String actor, String detail, Instant at) {}

    /** Refused because of the review's state (resolved already): HTTP 409. */
    public static final class ConflictException extends RuntimeException {
        public ConflictException(String message) {
            super(message);
        }
    }

    private static final String COLUMNS = """
            id, run_id, data_type, item_key, finding, chain_value, db_value, status, assignee, resolution, note,
            opened_at, updated_at, resolved_at""";

    /** Reviews newest first, optionally of one status, before the cursor {@code beforeId}. */
    public List<Review> list(Status status, Long beforeId, int limit) {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM reconciliation_reviews WHERE (?::text IS NULL OR status = ?)"
                        + " AND (?::bigint IS NULL OR id < ?) ORDER BY id DESC LIMIT ?",
                ReviewQueue::map,
                status == null ? null : status.dbName(),
                status == null ? null : status.dbName(),
                beforeId,
                beforeId,
                limit);
    }

    public Optional<Review> find(long id) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM reconciliation_reviews WHERE id = ?", ReviewQueue::map, id);
    }

    /** The review's history, oldest first. */
    public List<Event> history(long id) {
        return jdbc.query(
                "SELECT id, event, actor, detail::text AS detail, at FROM reconciliation_review_events"
                        + " WHERE review_id = ? ORDER BY id",
                r -> new Event(
                        r.getLong("id"),
                        r.getString("event"),
                        r.getString("actor"),
                        r.getString("detail"),
                        Jdbc.instant(r, "at")),
                id);
    }

    /** Assigns an open or assigned review to {@code assignee}; empty when there is no such review. */
    public Optional<Review> assign(long id, String assignee, String actor) {
        return jdbc.inTransaction(c -> assign(c, id, assignee, actor));
    }

    /** As {@link #assign(long, String, String)} inside the caller's transaction {@code c}. */
    public Optional<Review> assign(Connection c, long id, String assignee, String actor) throws SQLException {
        if (!lockUnresolved(c, id)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Jdbc.update(
                c,
                "UPDATE reconciliation_reviews SET status = 'assigned', assignee = ?, updated_at = ? WHERE id = ?",
                assignee,
                now,
                id);
        ReconcileStore.reviewEvent(c, id, "assigned", actor, Json.object("assignee", assignee), now);
        return find(c, id);
    }

    /**
     * Resolves a review: {@code accept_chain} heals the database, {@code accept_database} re-writes
     * the chain through the outbox, {@code dismiss} changes nothing; each with its audit row, in one
     * transaction with the resolution. Empty when there is no such review.
     */
    public Optional<Review> resolve(long id, Resolution resolution, String note, String actor) {
        return jdbc.inTransaction(c -> resolve(c, id, resolution, note, actor));
    }

    /** As {@link #resolve(long, Resolution, String, String)} inside the caller's transaction {@code c}. */
    public Optional<Review> resolve(Connection c, long id, Resolution resolution, String note, String actor)
            throws SQLException {
        if (!lockUnresolved(c, id)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Review r = find(c, id).orElseThrow();
        ReconciledType<?, ?> type = engine.type(r.dataType())
                .orElseThrow(() -> new ConflictException("data type " + r.dataType() + " is not registered here"));
        Discrepancy d = new Discrepancy(
                r.key(),
                DiscrepancyKind.valueOf(r.finding().toUpperCase(Locale.ROOT)),
                ReconcileStore.observed(r.chain()),
                ReconcileStore.observed(r.database()));
        Optional<Correction> correction = switch (resolution) {
            case ACCEPT_CHAIN ->
                Optional.of(Correction.decide(SourceOfTruth.CHAIN_WINS, d, type.canHeal(d), Optional.empty()));
            case ACCEPT_DATABASE ->
                Optional.of(Correction.decide(SourceOfTruth.DATABASE_WINS, d, false, type.rewriteChain(d)));
            case DISMISS -> Optional.empty();
        };
        if (correction.isPresent() && correction.get() instanceof Correction.Report) {
            throw new ConflictException("review " + id + ": " + resolution.dbName() + " cannot be applied to "
                    + r.finding() + " of " + r.dataType());
        }
        if (correction.isPresent()) {
            ReconcileStore.apply(c, type, correction.get(), null, id, engine.outboxMaxAttempts(), now);
        }
        Jdbc.update(c, """
                UPDATE reconciliation_reviews SET status = 'resolved', resolution = ?, note = ?, updated_at = ?,
                       resolved_at = ? WHERE id = ?""", resolution.dbName(), note, now, now, id);
        ReconcileStore.reviewEvent(
                c, id, "resolved", actor, Json.object("resolution", resolution.dbName(), "note", note), now);
        return find(c, id);
    }

    private static Optional<Review> find(Connection c, long id) throws SQLException {
        return Jdbc.query(c, "SELECT " + COLUMNS + " FROM reconciliation_reviews WHERE id = ?", ReviewQueue::map, id)
                .stream()
                .findFirst();
    }

    /** Locks the review; false when there is none, a conflict when it is resolved already. */
    private static boolean lockUnresolved(Connection c, long id) throws SQLException {
        Optional<String> status = Jdbc.query(
                        c, "SELECT status FROM reconciliation_reviews WHERE id = ? FOR UPDATE", r -> r.getString(1), id)
                .stream()
                .findFirst();
        if (status.isPresent() && status.get().equals(Status.RESOLVED.dbName())) {
            throw new ConflictException("review " + id + " is resolved already");
        }
        return status.isPresent();
    }

    private static Review map(ResultSet r) throws SQLException {
        return new Review(
                r.getLong("id"),
                Jdbc.nullableLong(r, "run_id"),
                r.getString("data_type"),
                r.getString("item_key"),
                r.getString("finding"),
                r.getString("chain_value"),
                r.getString("db_value"),
                r.getString("status"),
                r.getString("assignee"),
                r.getString("resolution"),
                r.getString("note"),
                Jdbc.instant(r, "opened_at"),
                Jdbc.instant(r, "updated_at"),
                Jdbc.instant(r, "resolved_at"));
    }
}
