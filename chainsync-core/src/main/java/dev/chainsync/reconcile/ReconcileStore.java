package dev.chainsync.reconcile;

import dev.chainsync.db.Jdbc;
import dev.chainsync.json.Json;
import dev.chainsync.outbox.Outbox;
import dev.chainsync.webhook.WebhookOutbox;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The SQL of the engine's tables (V50): findings, the audit rows of corrections, reviews and their
 * history, and {@link #apply}, the one place a correction is carried out, for a run's plan and for a
 * review's resolution alike.
 */
final class ReconcileStore {
    /** The webhook event type of a review a person must decide. */
    static final String EVENT_REVIEW_OPENED = "review.opened";

    private ReconcileStore() {}

    /** How long a run may go without applying a correction or finishing before another instance may take over. */
    static final Duration LEASE = Duration.ofMinutes(10);

    /** A run start: the new run's id, or (not started) the id of the run another instance has under way. */
    record Start(long runId, boolean started) {}

    /**
     * Records a run of {@code kind} starting now over {@code from} to {@code now}, unless a run of the
     * kind is under way with a live lease (V54's one-running index decides, across instances). A run
     * whose lease ran out is marked failed first: its instance stopped.
     */
    static Start startRun(Jdbc jdbc, String kind, Instant now, Instant from) {
        for (int attempt = 0; ; attempt++) {
            Optional<Start> start = jdbc.inTransaction(c -> {
                Jdbc.update(c, """
                        UPDATE reconciliation_runs SET status = 'failed', finished_at = ?, error = ?
                         WHERE kind = ? AND status = 'running' AND (lease_until IS NULL OR lease_until < ?)""", now, "abandoned: its lease ran out (the instance running it stopped)", kind, now);
                Optional<Long> id =
                        Jdbc.query(c, """
                                INSERT INTO reconciliation_runs (kind, started_at, window_start, window_end, status, lease_until)
                                VALUES (?, ?, ?, ?, 'running', ?)
                                ON CONFLICT (kind) WHERE status = 'running' DO NOTHING RETURNING id""", r -> r.getLong(1), kind, now, from, now, now.plus(LEASE)).stream()
                                .findFirst();
                if (id.isPresent()) {
                    return Optional.of(new Start(id.get(), true));
                }
                return Jdbc.query(
                                c,
                                "SELECT id FROM reconciliation_runs WHERE kind = ? AND status = 'running'",
                                r -> new Start(r.getLong(1), false),
                                kind)
                        .stream()
                        .findFirst();
            });
            // Empty only when the other run finished between the insert and the look: try again.
            if (start.isPresent() || attempt >= 3) {
                return start.orElseThrow(() -> new IllegalStateException("could not start a run of " + kind));
            }
        }
    }

    /** The run lost its lease to another instance: it stops before applying anything more. */
    static final class LeaseLostException extends RuntimeException {
        LeaseLostException(long runId) {
            super("reconciliation run " + runId + " lost its lease to another instance");
        }
    }

    /**
     * Renews the run's lease inside the transaction of a correction, so the correction commits only
     * while the run still holds it; the row lock orders it against a takeover.
     */
    static void renewLease(Connection tx, long runId, Instant now) throws SQLException {
        int n = Jdbc.update(
                tx,
                "UPDATE reconciliation_runs SET lease_until = ? WHERE id = ? AND status = 'running'",
                now.plus(LEASE),
                runId);
        if (n == 0) {
            throw new LeaseLostException(runId);
        }
    }

    /** Records that a run succeeded with its counts; false when it had lost its lease. */
    static boolean finishRun(Jdbc jdbc, long runId, Instant now, ReconciledType.Tally tally, Map<Applied, Integer> n) {
        return jdbc.update(
                        """
                        UPDATE reconciliation_runs SET status = 'succeeded', finished_at = ?, lease_until = NULL,
                               chain_records = ?, db_records = ?, matched = ?, recovered = ?, rewritten = ?,
                               reviewed = ?, flagged = ?
                         WHERE id = ? AND status = 'running'""",
                        now,
                        tally.chainRecords(),
                        tally.dbRecords(),
                        tally.matched(),
                        n.getOrDefault(Applied.HEALED, 0),
                        n.getOrDefault(Applied.REWRITTEN, 0),
                        n.getOrDefault(Applied.REVIEW, 0),
                        n.getOrDefault(Applied.REPORTED, 0),
                        runId)
                > 0;
    }

    /** Records that a run failed, with why. */
    static void failRun(Jdbc jdbc, long runId, Instant now, RuntimeException e) {
        jdbc.update("""
                UPDATE reconciliation_runs SET status = 'failed', finished_at = ?, lease_until = NULL, error = ?
                 WHERE id = ? AND status = 'running'""", now, String.valueOf(e.getMessage()), runId);
    }

    /** What applying a correction did: the finding's action and whether a review was opened. */
    enum Applied {
        HEALED("healed"),
        REWRITTEN("rewritten"),
        REVIEW("review"),
        ALREADY_UNDER_REVIEW(null),
        ALREADY_REWRITING(null),
        /** The database no longer held what the run read (changed since, or healed already). */
        ALREADY_HEALED(null),
        /** Reported already by another run. */
        ALREADY_REPORTED(null),
        REPORTED("reported");

        final String action;

        Applied(String action) {
            this.action = action;
        }
    }

    /**
     * Applies one correction in {@code tx}: the change itself, its finding, its audit row and its
     * {@code reconciliation.discrepancy} event (and {@code review.opened}) commit together.
     * {@code reviewId} is set when a person's resolution chose it; {@code runId} when a run did.
     */
    static Applied apply(
            Connection tx,
            ReconciledType<?, ?> type,
            Correction correction,
            Long runId,
            Long reviewId,
            int maxAttempts,
            Instant now)
            throws SQLException {
        Discrepancy d = correction.discrepancy();
        String policy = reviewId != null
                ? SourceOfTruth.MANUAL_REVIEW.dbName()
                : type.sourceOfTruth().dbName();
        if (runId != null) {
            renewLease(tx, runId, now);
        }
        Applied applied;
        switch (correction) {
            case Correction.Heal h -> {
                String after = type.healDatabase(tx, d, runId == null ? 0 : runId, now);
                if (ReconciledType.UNCHANGED.equals(after)) {
                    return Applied.ALREADY_HEALED;
                }
                audit(tx, runId, reviewId, type, d, policy, "heal_database", json(d.database()), after, null, now);
                applied = Applied.HEALED;
            }
            case Correction.Rewrite r -> {
                Optional<Long> op = Outbox.enqueueIfNew(tx, r.operation(), maxAttempts, now);
                if (op.isEmpty()) {
                    // Re-written by an earlier run or review and not landed yet: one operation per item and value.
                    return Applied.ALREADY_REWRITING;
                }
                String before = json(d.chain());
                audit(
                        tx,
                        runId,
                        reviewId,
                        type,
                        d,
                        policy,
                        "rewrite_chain",
                        before,
                        r.operation().memo(),
                        op.get(),
                        now);
                applied = Applied.REWRITTEN;
            }
            case Correction.Review v -> {
                if (rewriteUnderWay(tx, type, d)) {
                    // A person chose the database and its re-write has not landed yet: not a new question.
                    return Applied.ALREADY_REWRITING;
                }
                Optional<Long> opened = openReview(tx, runId, type.name(), d, now);
                if (opened.isEmpty()) {
                    return Applied.ALREADY_UNDER_REVIEW;
                }
                WebhookOutbox.emit(tx, EVENT_REVIEW_OPENED, reviewPayload(opened.get(), type.name(), d, runId), now);
                applied = Applied.REVIEW;
            }
            case Correction.Report p -> {
                if (runId != null && !type.report(tx, d, runId, now)) {
                    return Applied.ALREADY_REPORTED;
                }
                applied = Applied.REPORTED;
            }
        }
        if (runId != null) {
            if (type instanceof OwnFindings own) {
                own.finding(tx, runId, d, applied, now);
            } else {
                finding(tx, runId, type.name(), d, applied.action, now);
            }
        }
        return applied;
    }

    private static boolean rewriteUnderWay(Connection tx, ReconciledType<?, ?> type, Discrepancy d)
            throws SQLException {
        Optional<dev.chainsync.outbox.NewOperation> op = type.rewriteChain(d);
        return op.isPresent() && Outbox.enqueued(tx, op.get().idempotencyKey());
    }

    private static void finding(Connection tx, long runId, String type, Discrepancy d, String action, Instant now)
            throws SQLException {
        String detail = Json.object("data_type", type, "chain", node(d.chain()), "database", node(d.database()));
        Jdbc.update(tx, """
                INSERT INTO reconciliation_findings (run_id, finding, action, item_key, detail, created_at)
                VALUES (?, ?, ?, ?, ?::jsonb, ?)""", runId, d.kind().dbName(), action, d.key(), detail, now);
        WebhookOutbox.emit(
                tx,
                CredentialReconciler.EVENT_DISCREPANCY,
                Json.object(
                        "run_id",
                        runId,
                        "data_type",
                        type,
                        "finding",
                        d.kind().dbName(),
                        "action",
                        action,
                        "key",
                        d.key(),
                        "detail",
                        Json.read(detail)),
                now);
    }

    private static void audit(
            Connection tx,
            Long runId,
            Long reviewId,
            ReconciledType<?, ?> type,
            Discrepancy d,
            String policy,
            String action,
            String before,
            String after,
            Long operationId,
            Instant now)
            throws SQLException {
        Jdbc.update(tx, """
                INSERT INTO reconciliation_corrections
                       (run_id, review_id, data_type, item_key, policy, action, before, after, operation_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", runId, reviewId, type.name(), d.key(), policy, action, before, after, operationId, now);
    }

    /**
     * Opens a review unless one is already open for the item (the partial unique index decides), or a
     * person dismissed exactly this disagreement (same finding, same views of both sides) before: a
     * dismissal is an answer, not to be asked again on every run. A changed side is a new question.
     */
    private static Optional<Long> openReview(Connection tx, Long runId, String type, Discrepancy d, Instant now)
            throws SQLException {
        boolean dismissed = !Jdbc.query(
                        tx, """
                SELECT 1 FROM reconciliation_reviews
                 WHERE data_type = ? AND item_key = ? AND resolution = 'dismiss' AND finding = ?
                   AND chain_value IS NOT DISTINCT FROM ? AND db_value IS NOT DISTINCT FROM ?
                 LIMIT 1""", r -> 1, type, d.key(), d.kind().dbName(), json(d.chain()), json(d.database()))
                .isEmpty();
        if (dismissed) {
            return Optional.empty();
        }
        Optional<Long> id = Jdbc.query(
                        tx,
                        """
                INSERT INTO reconciliation_reviews
                       (run_id, data_type, item_key, finding, chain_value, db_value, status, opened_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)
                ON CONFLICT (data_type, item_key) WHERE status <> 'resolved' DO NOTHING
                RETURNING id""",
                        r -> r.getLong(1),
                        runId,
                        type,
                        d.key(),
                        d.kind().dbName(),
                        json(d.chain()),
                        json(d.database()),
                        now,
                        now)
                .stream()
                .findFirst();
        if (id.isPresent()) {
            reviewEvent(tx, id.get(), "opened", null, Json.object("run_id", runId), now);
        }
        return id;
    }

    static void reviewEvent(Connection tx, long reviewId, String event, String actor, String detail, Instant now)
            throws SQLException {
        Jdbc.update(tx, """
                INSERT INTO reconciliation_review_events (review_id, event, actor, detail, at)
                VALUES (?, ?, ?, ?::jsonb, ?)""", reviewId, event, actor, detail, now);
    }

    private static String reviewPayload(long id, String type, Discrepancy d, Long runId) {
        return Json.object(
                "review_id",
                id,
                "run_id",
                runId,
                "data_type",
                type,
                "key",
                d.key(),
                "finding",
                d.kind().dbName(),
                "chain",
                node(d.chain()),
                "database",
                node(d.database()));
    }

    /** One side's view as JSON text (null when that side has nothing). */
    static String json(Observed o) {
        return o == null
                ? null
                : Json.object("owner", o.owner(), "value", o.value(), "at", o.at() == null ? null : o.at().toString());
    }

    private static Object node(Observed o) {
        return o == null ? null : Json.read(json(o));
    }

    /** The inverse of {@link #json}. */
    static Observed observed(String json) {
        if (json == null) {
            return null;
        }
        var n = Json.read(json);
        String at = text(n, "at");
        return new Observed(text(n, "owner"), text(n, "value"), at == null ? null : Instant.parse(at));
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode n, String field) {
        var v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
