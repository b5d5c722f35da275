package dev.chainsync.ledger;

import dev.chainsync.db.Jdbc;
import dev.chainsync.idempotency.Idempotency;
import dev.chainsync.idempotency.Idempotency.Claim;
import dev.chainsync.idempotency.Idempotency.StoredResponse;
import dev.chainsync.worker.PollingWorker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies concurrent transfers in batches: every transfer queued while the previous batch was
 * committing goes into the next one, which is one transaction with one {@code ledger_transfers}
 * call, one statement for their events and one commit. When accounts are shared, each transfer
 * on its own would hold the hot balance rows across its round trips and its WAL flush; a batch
 * pays those once.
 *
 * <p>Each transfer keeps its own guarantees: all or nothing (a refused one writes nothing and the
 * rest go on), durable before its caller hears of it, its Idempotency-Key record in the same
 * transaction as its effects. Batches form by themselves, so a lone request waits for nobody.
 * Keys seen before or in flight elsewhere leave the batch and are answered on their own (replay,
 * 422, 409). A batch that fails before its commit (a row held elsewhere beyond
 * {@link #BATCH_LOCK_TIMEOUT}, a balance overflow, a lost connection) hands its requests back to
 * their callers, who apply them one by one, so one bad request never fails the others. A failed
 * commit is different: the batch may have landed, so it counts as applied only if every transfer
 * it made is found, and otherwise its callers get {@link OutcomeUnknown} rather than a second try.
 *
 * <p>One batch at a time per instance. The function locks and reads all of a batch's balance rows
 * in one statement, in a fixed order, so batches of several instances queue instead of deadlocking.
 */
public final class TransferBatcher implements AutoCloseable {
    public static final int DEFAULT_MAX_BATCH = 256;
    /** How long a batch waits for a balance row before it fails and its requests go one by one. */
    static final Duration BATCH_LOCK_TIMEOUT = Duration.ofSeconds(2);

    private static final String LOCK_NOT_AVAILABLE = "55P03";
    /** How long an idle batcher sleeps; a queued request wakes it at once, so this only bounds a lost wake-up. */
    private static final Duration IDLE = Duration.ofMillis(50);

    private static final Object ON_YOUR_OWN = new Object();
    private static final Logger log = LoggerFactory.getLogger(TransferBatcher.class);

    private final Jdbc jdbc;
    private final Ledger ledger;
    private final Idempotency idempotency;
    private final int maxBatch;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final PollingWorker worker;
    private final DistributionSummary batchSize;
    private final Counter batchesFailed;
    private volatile boolean closing;

    public TransferBatcher(Jdbc jdbc, Ledger ledger, Idempotency idempotency, int maxBatch, MeterRegistry registry) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.idempotency = idempotency;
        this.maxBatch = maxBatch;
        this.batchSize = DistributionSummary.builder("chainsync_ledger_transfer_batch_size")
                .description("Transfers applied per batch (one transaction and one commit each)")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.batchesFailed = Counter.builder("chainsync_ledger_transfer_batches_failed_total")
                .description("Batches that failed as a whole and were applied one request at a time")
                .register(registry);
        this.worker = new PollingWorker("transfer-batcher", IDLE, this::pass);
    }

    /** Starts the batching thread; a second start, or one after {@link #close()}, throws. */
    public TransferBatcher start() {
        worker.start();
        return this;
    }

    /**
     * Stops the batching thread after the batch in flight (bounded: see {@link PollingWorker#close()}),
     * then applies what is still queued on the calling thread; later requests are applied by their
     * callers. Idempotent.
     */
    @Override
    public void close() {
        closing = true;
        worker.close();
        while (pass() > 0) {
            // Requests queued before they saw the batcher closing: their callers are waiting on them.
        }
    }

    /** The batching thread's state, for health reports. */
    public PollingWorker.Health health() {
        return worker.health();
    }

    /** Makes one transfer and returns it once committed; throws {@link LedgerException} if refused. */
    public Ledger.Transfer transfer(Ledger.TransferOrder order) {
        Object outcome = await(new Request(order, null, null));
        if (outcome == ON_YOUR_OWN) {
            return jdbc.inTransaction(tx -> ledger.transfer(tx, order));
        }
        return (Ledger.Transfer) outcome;
    }

    /**
     * Makes one transfer under an Idempotency-Key: {@code render} builds the response stored with
     * it in the same transaction. A key seen before replays, mismatches or is in progress exactly
     * as {@link Idempotency#execute} answers; a refused transfer throws and stores nothing.
     */
    public Idempotency.Outcome transfer(
            Ledger.TransferOrder order, Claim claim, Function<Ledger.Transfer, StoredResponse> render) {
        Object outcome = await(new Request(order, claim, render));
        if (outcome == ON_YOUR_OWN) {
            return idempotency.execute(
                    claim.apiKeyId(), claim.key(), claim.fingerprint(), tx -> render.apply(ledger.transfer(tx, order)));
        }
        return new Idempotency.Outcome.Executed((StoredResponse) outcome);
    }

    /** Requests waiting for the next batch (for tests that line requests up). */
    int queued() {
        return queue.size();
    }

    private Object await(Request request) {
        if (closing || !worker.isRunning()) {
            return ON_YOUR_OWN;
        }
        queue.add(request);
        worker.wake();
        if (closing && queue.remove(request)) {
            return ON_YOUR_OWN;
        }
        try {
            return request.done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** One batch: every request queued while the previous batch was committing, up to the maximum. */
    private int pass() {
        List<Request> batch = new ArrayList<>(Math.min(maxBatch, queue.size() + 1));
        queue.drainTo(batch, maxBatch);
        if (batch.isEmpty()) {
            return 0;
        }
        try {
            apply(batch);
        } catch (RuntimeException | Error e) {
            // apply answers every request itself; reaching here means answering them failed.
            log.error("transfer batcher pass failed", e);
        }
        return batch.size();
    }

    private void apply(List<Request> batch) {
        batchSize.record(batch.size());
        Connection tx = null;
        Applied applied = null;
        try {
            tx = jdbc.dataSource().getConnection();
            tx.setAutoCommit(false);
            applied = applyIn(tx, batch);
            tx.commit();
        } catch (SQLException | RuntimeException | Error e) {
            if (applied == null) {
                // Failed before the commit: nothing of it holds, so its requests can safely go again.
                rollbackQuietly(tx);
                release(tx);
                handBack(batch, e);
            } else {
                release(tx);
                settleFailedCommit(batch, applied, e);
            }
            return;
        }
        release(tx);
        complete(batch, applied.outcomes());
    }

    /** What a batch did inside its transaction: an outcome per request, and the transfers it made. */
    private record Applied(Object[] outcomes, List<String> transferIds) {}

    private Applied applyIn(Connection tx, List<Request> batch) throws SQLException {
        Object[] out = new Object[batch.size()];
        List<Integer> keyed = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).claim != null) {
                keyed.add(i);
            }
        }
        if (!keyed.isEmpty()) {
            boolean[] owned =
                    claim(tx, keyed.stream().map(i -> batch.get(i).claim).toList());
            for (int k = 0; k < owned.length; k++) {
                if (!owned[k]) {
                    // Seen before or in flight: its caller gets the replay, 422 or 409 on its own.
                    out[keyed.get(k)] = ON_YOUR_OWN;
                }
            }
        }
        List<Integer> applied = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (out[i] == null) {
                applied.add(i);
            }
        }
        List<String> transferIds = new ArrayList<>();
        if (applied.isEmpty()) {
            return new Applied(out, transferIds);
        }
        // A row held elsewhere for long (another instance's stuck batch, an operator's session) fails
        // this batch instead of stalling every transfer of the instance behind it.
        List<Ledger.TransferResult> results = ledger.transferAll(
                tx, applied.stream().map(i -> batch.get(i).order).toList(), BATCH_LOCK_TIMEOUT);
        List<Claim> claims = new ArrayList<>();
        List<StoredResponse> responses = new ArrayList<>();
        for (int a = 0; a < applied.size(); a++) {
            Request r = batch.get(applied.get(a));
            Ledger.TransferResult result = results.get(a);
            Object outcome = result.refusal() != null ? result.refusal() : result.transfer();
            if (result.transfer() != null) {
                transferIds.add(result.transfer().id());
            }
            if (r.claim != null) {
                StoredResponse response = result.refusal() != null ? null : r.render.apply(result.transfer());
                claims.add(r.claim);
                responses.add(response);
                outcome = response == null ? result.refusal() : response;
            }
            out[applied.get(a)] = outcome;
        }
        if (!claims.isEmpty()) {
            idempotency.completeAll(tx, claims, responses);
        }
        return new Applied(out, transferIds);
    }

    /**
     * Claims the batch's keys; a key in flight elsewhere makes the claim statement time out, and
     * then only the keyed requests leave the batch (each answered on its own), not the others.
     */
    private boolean[] claim(Connection tx, List<Claim> claims) throws SQLException {
        Savepoint before = tx.setSavepoint();
        try {
            boolean[] owned = idempotency.claimAll(tx, claims);
            tx.releaseSavepoint(before);
            return owned;
        } catch (SQLException e) {
            if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                throw e;
            }
            tx.rollback(before);
            return new boolean[claims.size()];
        }
    }

    /**
     * The commit failed, but the server may have committed before the connection went: applying
     * the requests again could move money twice. Only proof decides: if every transfer the batch
     * made is there, it landed; otherwise its callers get an error saying the outcome is unknown
     * (a client with an Idempotency-Key can simply retry).
     */
    private void settleFailedCommit(List<Request> batch, Applied applied, Throwable failure) {
        if (applied.transferIds().isEmpty()) {
            handBack(batch, failure);
            return;
        }
        try {
            long landed = jdbc.withConnection(c -> Jdbc.query(
                            c,
                            "SELECT count(*) FROM transfers WHERE id = ANY (?)",
                            r -> r.getLong(1),
                            c.createArrayOf("text", applied.transferIds().toArray()))
                    .getFirst());
            if (landed == applied.transferIds().size()) {
                log.warn(
                        "a batch of {} transfers committed although its commit reported {}",
                        batch.size(),
                        failure.toString());
                complete(batch, applied.outcomes());
                return;
            }
        } catch (RuntimeException e) {
            log.warn("cannot tell whether a batch of {} transfers committed", batch.size(), e);
        }
        batchesFailed.increment();
        RuntimeException unknown = new OutcomeUnknown("the commit of this transfer's batch failed ("
                + failure.getMessage() + ") and whether it landed could not be confirmed");
        batch.forEach(r -> r.done.completeExceptionally(unknown));
    }

    /** A transfer whose commit may or may not have happened; retrying it safely needs an Idempotency-Key. */
    public static final class OutcomeUnknown extends RuntimeException {
        OutcomeUnknown(String message) {
            super(message);
        }
    }

    private void handBack(List<Request> batch, Throwable failure) {
        log.warn(
                "a batch of {} transfers failed as a whole ({}); its requests are applied one by one",
                batch.size(),
                failure.toString());
        batchesFailed.increment();
        batch.forEach(r -> r.done.complete(ON_YOUR_OWN));
    }

    private static void complete(List<Request> batch, Object[] outcomes) {
        for (int i = 0; i < batch.size(); i++) {
            if (outcomes[i] instanceof LedgerException refusal) {
                batch.get(i).done.completeExceptionally(refusal);
            } else {
                batch.get(i).done.complete(outcomes[i]);
            }
        }
    }

    private static void rollbackQuietly(Connection tx) {
        if (tx == null) {
            return;
        }
        try {
            tx.rollback();
        } catch (SQLException e) {
            log.debug("rollback failed", e);
        }
    }

    private static void release(Connection tx) {
        if (tx == null) {
            return;
        }
        try {
            tx.setAutoCommit(true);
        } catch (SQLException e) {
            log.debug("cannot reset auto-commit", e);
        }
        try {
            tx.close();
        } catch (SQLException e) {
            log.debug("cannot close connection", e);
        }
    }

    /** One caller's transfer, its key if any, and how it ended. */
    private static final class Request {
        final Ledger.TransferOrder order;
        final Claim claim;
        final Function<Ledger.Transfer, StoredResponse> render;
        final CompletableFuture<Object> done = new CompletableFuture<>();

        Request(Ledger.TransferOrder order, Claim claim, Function<Ledger.Transfer, StoredResponse> render) {
            this.order = order;
            this.claim = claim;
            this.render = render;
        }
    }
}
