package dev.chainsync.api;

import dev.chainsync.chain.DevnetFaults;
import dev.chainsync.outbox.Attempt;
import dev.chainsync.outbox.Operation;
import dev.chainsync.outbox.OperationStatus;
import dev.chainsync.outbox.Outbox;
import dev.chainsync.reconcile.CredentialReconciler;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The chain outbox, reconciliation runs and the devnet's fault switches. */
final class OperationRoutes {
    /** Longest outage the devnet fault endpoint injects: a day. */
    static final long MAX_OUTAGE_SECONDS = 86_400;
    /** Longest latency it adds to every chain call: a minute. */
    static final long MAX_LATENCY_MS = 60_000;

    private final Outbox outbox;
    private final CredentialReconciler reconciler;
    /** The devnet's fault switches, or null when the chain is not the devnet. */
    private final DevnetFaults faults;

    private final Clock clock;
    private final Idempotent idempotent;

    OperationRoutes(
            Outbox outbox, CredentialReconciler reconciler, DevnetFaults faults, Clock clock, Idempotent idempotent) {
        this.outbox = outbox;
        this.reconciler = reconciler;
        this.faults = faults;
        this.clock = clock;
        this.idempotent = idempotent;
    }

    void register(Javalin javalin) {
        javalin.get("/v1/operations", this::list);
        javalin.get("/v1/operations/{id}", this::get);
        javalin.post("/v1/operations/{id}/retry", this::retry);
        javalin.get("/v1/reconciliations", this::runs);
        javalin.post("/v1/reconciliations", this::runNow);
        javalin.get("/v1/reconciliations/{id}", this::run);
        // Only the devnet has fault switches: on Solana (no devnet, so no faults) the routes are absent.
        if (faults != null) {
            javalin.get("/v1/devnet/faults", ctx -> ctx.json(faults(faults)));
            javalin.put("/v1/devnet/faults", this::setFaults);
        }
    }

    private void list(Context ctx) {
        String statusParam = ctx.queryParam("status");
        OperationStatus status = null;
        if (statusParam != null && !statusParam.isBlank()) {
            try {
                status = OperationStatus.fromDb(statusParam);
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badRequest("unknown status '" + statusParam + "'", "status");
            }
        }
        int limit = Paging.limit(ctx);
        List<Operation> page = outbox.list(status, Paging.cursor(ctx), limit + 1);
        ctx.json(Paging.page(page, limit, Operation::id, op -> view(op, null)));
    }

    private void get(Context ctx) {
        long id = idParam(ctx);
        Operation op = outbox.find(id).orElseThrow(() -> ApiProblem.notFound("no operation " + id));
        ctx.json(view(op, outbox.attempts(id)));
    }

    private void retry(Context ctx) {
        long id = idParam(ctx);
        idempotent.respond(ctx, Idempotent.fingerprint(ctx), tx -> switch (retried(tx, id)) {
            case NOT_FOUND -> throw ApiProblem.notFound("no operation " + id);
            case NOT_DEAD_LETTERED ->
                throw ApiProblem.conflict(
                        "operation " + id + " is not dead-lettered; only dead-lettered operations can be retried");
            case RETRIED -> Idempotent.json(202, view(outbox.find(tx, id).orElseThrow(), null), null);
        });
    }

    /** The retry's outcome; a handler refusing it (its aggregate moved on) is a 409 and nothing is written. */
    private Outbox.RetryOutcome retried(java.sql.Connection tx, long id) throws java.sql.SQLException {
        try {
            return outbox.retry(tx, id);
        } catch (dev.chainsync.outbox.RetryRefusedException e) {
            throw ApiProblem.conflict(e.getMessage());
        }
    }

    private static long idParam(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("id must be an integer", "id");
        }
    }

    static Map<String, Object> view(Operation op, List<Attempt> attempts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", op.id());
        m.put("kind", op.kind());
        m.put("aggregate_id", op.aggregateId());
        m.put("status", op.status().dbName());
        m.put("memo", op.memo());
        m.put("failures", op.attemptCount());
        m.put("max_attempts", op.maxAttempts());
        m.put("next_attempt_at", op.nextAttemptAt());
        m.put("signature", op.signature());
        m.put("last_valid_block_height", op.lastValidHeight());
        m.put("submitted_at", op.submittedAt());
        m.put("confirmed_slot", op.confirmedSlot());
        m.put("confirmed_at", op.confirmedAt());
        m.put("last_error", op.lastError());
        m.put("created_at", op.createdAt());
        m.put("updated_at", op.updatedAt());
        if (attempts != null) {
            m.put("attempts", attempts);
        }
        return m;
    }

    private void runs(Context ctx) {
        int limit = Paging.limit(ctx);
        List<CredentialReconciler.Run> page = reconciler.runs(Paging.cursor(ctx), limit + 1);
        ctx.json(Paging.page(page, limit, CredentialReconciler.Run::id, run -> run));
    }

    private void run(Context ctx) {
        long id = idParam(ctx);
        CredentialReconciler.Run run =
                reconciler.find(id).orElseThrow(() -> ApiProblem.notFound("no reconciliation run " + id));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("run", run);
        body.put("findings", reconciler.findings(id));
        ctx.json(body);
    }

    /** A run talks to the chain, so its Idempotency-Key record is kept around it, not in one transaction with it. */
    private void runNow(Context ctx) {
        idempotent.respondOutside(ctx, Idempotent.fingerprint(ctx), () -> {
            CredentialReconciler.Run run = reconciler.runOnce();
            return Idempotent.json(201, run, "/v1/reconciliations/" + run.id());
        });
    }

    /** The fault switches as JSON; rates are fractions in [0, 1]; {@code outage_seconds} starts an outage now. */
    record FaultsView(
            double rpcErrorRate,
            double dropRate,
            double failRate,
            long latencyMs,
            Long outageSeconds,
            List<DevnetFaults.Outage> outages) {}

    /** A PUT's body: every switch, replaced; {@code outage_seconds} starts an outage now. */
    record FaultsUpdate(double rpcErrorRate, double dropRate, double failRate, long latencyMs, Long outageSeconds) {}

    private static FaultsView faults(DevnetFaults f) {
        return new FaultsView(
                f.rpcErrorRate(), f.dropRate(), f.failRate(), f.latency().toMillis(), null, f.outages());
    }

    private void setFaults(Context ctx) {
        FaultsUpdate v = Bodies.json(
                ctx,
                FaultsUpdate.class,
                "{\"rpc_error_rate\":0.1,\"drop_rate\":0,\"fail_rate\":0,\"latency_ms\":0,\"outage_seconds\":30}");
        // Bounded, so no body can overflow an instant or park every chain call for ever.
        if (v.outageSeconds() != null && (v.outageSeconds() < 0 || v.outageSeconds() > MAX_OUTAGE_SECONDS)) {
            throw ApiProblem.badRequest("outage_seconds must be between 0 and " + MAX_OUTAGE_SECONDS, "outage_seconds");
        }
        if (v.latencyMs() < 0 || v.latencyMs() > MAX_LATENCY_MS) {
            throw ApiProblem.badRequest("latency_ms must be between 0 and " + MAX_LATENCY_MS, "latency_ms");
        }
        DevnetFaults f = faults;
        try {
            // Validate every switch on a scratch copy first, so a rejected body changes nothing.
            new DevnetFaults()
                    .rpcErrorRate(v.rpcErrorRate())
                    .dropRate(v.dropRate())
                    .failRate(v.failRate())
                    .latency(Duration.ofMillis(v.latencyMs()));
            f.rpcErrorRate(v.rpcErrorRate());
            f.dropRate(v.dropRate());
            f.failRate(v.failRate());
            f.latency(Duration.ofMillis(v.latencyMs()));
            f.clearOutages();
            if (v.outageSeconds() != null && v.outageSeconds() > 0) {
                Instant now = clock.instant();
                f.outage(now, now.plusSeconds(v.outageSeconds()));
            }
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(e.getMessage(), null);
        }
        ctx.json(faults(f));
    }
}
