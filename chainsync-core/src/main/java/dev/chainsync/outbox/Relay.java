package dev.chainsync.outbox;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.ChainException;
import dev.chainsync.chain.ChainRecord;
import dev.chainsync.chain.Commitment;
import dev.chainsync.chain.RecentBlockhash;
import dev.chainsync.chain.SignatureStatus;
import dev.chainsync.chain.SignedTransaction;
import dev.chainsync.chain.Signer;
import dev.chainsync.db.Jdbc;
import dev.chainsync.outbox.OperationHandler.Confirmed;
import dev.chainsync.outbox.OperationHandler.Failed;
import dev.chainsync.outbox.OperationHandler.Submitted;
import dev.chainsync.outbox.OutboxStore.Transition;
import dev.chainsync.worker.PollingWorker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox relay and confirmation tracker: moves chain operations from pending to confirmed.
 *
 * <p>Each pass claims a batch with one short statement (lease plus version), does its chain work
 * outside any transaction, and records the outcome in one short transaction whose updates only
 * apply while the version still matches. A transaction is recorded as an attempt <em>before</em>
 * it is sent; because signing is deterministic, a relay that takes over after a crash knows every
 * signature that could have landed, checks them on chain, and re-sends identical bytes while the
 * blockhash is valid. Only once every earlier attempt is provably dead (its blockhash expired and
 * the chain holds neither its signature nor the memo) is a new transaction built. So a memo never
 * lands twice, whatever crashes happen in between.
 *
 * <p>A transaction carries the memos of as many operations as fit the chain's size limit, one memo
 * instruction each. Its attempts are recorded together or not at all, so the operations recorded
 * with a signature are exactly those in it and any relay can rebuild its bytes; all of them share
 * its fate, and none is packed with a different set while the transaction could still land.
 */
public final class Relay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    /** A transaction built at height h may land one block after its last valid height in the devnet's model. */
    static final long LANDING_MARGIN_BLOCKS = 1;
    /** How far back the memo search before a resubmission pages through the signer's history. */
    static final int MEMO_SEARCH_PAGE = 1000;

    static final int MEMO_SEARCH_MAX_RECORDS = 50_000;
    /** Submissions in flight at once per relay; chain latency, not CPU, bounds a real node. */
    static final int MAX_PARALLEL_SUBMITS = 64;

    private final OutboxStore store;
    private final ChainClient chain;
    private final Signer signer;
    private final Map<String, OperationHandler> handlers;
    private final RelayConfig config;
    private final Clock clock;
    private final Backoff backoff;
    private final ExecutorService submitters;
    private final Counter submitted;
    private final Counter resubmitted;
    private final Counter confirmed;
    private final Counter failed;
    private final Counter deadLettered;
    private final Timer commitToConfirmed;
    private final List<PollingWorker> workers = new ArrayList<>();
    private boolean closed;

    public Relay(
            Jdbc jdbc,
            ChainClient chain,
            Signer signer,
            Map<String, OperationHandler> handlers,
            RelayConfig config,
            Clock clock,
            RandomGenerator random,
            MeterRegistry registry) {
        this.store = new OutboxStore(jdbc);
        this.chain = chain;
        this.signer = signer;
        this.handlers = Map.copyOf(handlers);
        this.config = config;
        this.clock = clock;
        this.backoff = new Backoff(config.retryBase(), config.retryCap(), random);
        this.submitters = Executors.newVirtualThreadPerTaskExecutor();
        this.submitted = registry.counter("chainsync_outbox_submitted_total");
        this.resubmitted = registry.counter("chainsync_outbox_resubmitted_total");
        this.confirmed = registry.counter("chainsync_outbox_confirmed_total");
        this.failed = registry.counter("chainsync_outbox_attempts_failed_total");
        this.deadLettered = registry.counter("chainsync_outbox_dead_lettered_total");
        this.commitToConfirmed = Timer.builder("chainsync_outbox_commit_to_confirmed_seconds")
                .description("From the outbox commit to the transaction reaching the configured commitment")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    /** This relay's name in leases and attempt records. */
    public String instanceId() {
        return config.instanceId();
    }

    /** Starts the submit and confirm loops on threads this relay owns. */
    public synchronized Relay start() {
        if (!workers.isEmpty()) {
            throw new IllegalStateException("relay already started");
        }
        workers.add(new PollingWorker("relay-submit-" + config.instanceId(), config.pollInterval(), this::submitPass)
                .start());
        workers.add(new PollingWorker(
                        "relay-confirm-" + config.instanceId(), config.confirmPollInterval(), this::confirmPass)
                .start());
        log.info(
                "relay {} started (batch {}, commitment {})",
                config.instanceId(),
                config.batchSize(),
                config.commitment().wireName());
        return this;
    }

    /** Finishes the passes in flight, then gives back every claim still held. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        workers.forEach(PollingWorker::close);
        submitters.close();
        try {
            int released = store.releaseLeases(config.instanceId(), clock.instant());
            log.info("relay {} stopped; released {} claims", config.instanceId(), released);
        } catch (RuntimeException e) {
            log.warn("relay {} could not release its claims; they expire with their lease", config.instanceId(), e);
        }
    }

    // ---------------------------------------------------------------- submit

    /** One submit pass: claim due pending operations and send each a transaction. Returns how many it claimed. */
    public int submitPass() {
        long height;
        try {
            height = chain.blockHeight();
        } catch (ChainException e) {
            log.debug("submit pass skipped: {}", e.getMessage());
            return 0;
        }
        Instant now = clock.instant();
        List<Operation> claimed =
                store.claim(OperationStatus.PENDING, config.instanceId(), now, config.lease(), config.batchSize());
        if (claimed.isEmpty()) {
            return 0;
        }
        try {
            submitClaimed(claimed, height, now);
        } catch (RuntimeException e) {
            giveBack(claimed, now, e);
            throw e;
        }
        return claimed.size();
    }

    /** One transaction to send and the claimed operations whose memos it carries. */
    private record Send(List<Operation> ops, SignedTransaction tx, boolean resubmission) {}

    private void submitClaimed(List<Operation> claimed, long height, Instant now) {
        Map<Long, List<Attempt>> history = store.attempts(claimed.stream()
                .filter(op -> op.signature() != null)
                .map(Operation::id)
                .toList());
        Map<String, SignatureStatus> statuses = history.isEmpty()
                ? Map.of()
                : chain.signatureStatuses(history.values().stream()
                        .flatMap(List::stream)
                        .map(Attempt::signature)
                        .distinct()
                        .toList());

        List<Transition> adopted = new ArrayList<>();
        List<Transition> giveBack = new ArrayList<>();
        List<Transition> dead = new ArrayList<>();
        List<Failed> deadEvents = new ArrayList<>();
        Map<String, List<Operation>> stillLive = new LinkedHashMap<>();
        Map<String, Attempt> liveAttempt = new HashMap<>();
        List<Operation> toSearch = new ArrayList<>();
        List<Operation> toPack = new ArrayList<>();
        Set<Long> again = new HashSet<>();
        Map<Long, Operation> byId = new HashMap<>();
        long oldestLastValid = Long.MAX_VALUE;
        for (Operation op : claimed) {
            byId.put(op.id(), op);
            List<Attempt> attempts = history.getOrDefault(op.id(), List.of());
            Attempt landed = attempts.stream()
                    .filter(a -> statuses.containsKey(a.signature())
                            && !statuses.get(a.signature()).failed())
                    .findFirst()
                    .orElse(null);
            if (landed != null) {
                // An earlier attempt made it after all (a crash hid the outcome): track it, send nothing.
                adopted.add(Transition.signed(op, landed.signature()));
                continue;
            }
            Attempt latest = attempts.isEmpty() ? null : attempts.getLast();
            if (latest != null && !statuses.containsKey(latest.signature())) {
                if (height + LANDING_MARGIN_BLOCKS <= latest.lastValidHeight()) {
                    // Still able to land: re-send the identical transaction (every memo it was packed with);
                    // the chain deduplicates it.
                    stillLive
                            .computeIfAbsent(latest.signature(), k -> new ArrayList<>())
                            .add(op);
                    liveAttempt.put(latest.signature(), latest);
                    continue;
                }
                if (height <= latest.lastValidHeight() + LANDING_MARGIN_BLOCKS) {
                    // Too near its expiry to re-send (another relay could already be calling it dead) and too
                    // early to call it dead ourselves (a sibling's relay may still re-send it): look again.
                    giveBack.add(Transition.retry(op, now.plus(config.pollInterval()), null, false));
                    continue;
                }
            }
            if (latest != null) {
                again.add(op.id());
                toSearch.add(op);
                oldestLastValid = Math.min(oldestLastValid, attempts.getFirst().lastValidHeight());
                continue;
            }
            toPack.add(op);
        }
        if (!toSearch.isEmpty()) {
            // Every earlier transaction of these is dead; the memo itself is the last thing to rule out.
            Map<String, String> found = findMemosOnChain(
                    toSearch.stream().map(Operation::memo).collect(Collectors.toSet()), oldestLastValid);
            for (Operation op : toSearch) {
                String signature = found.get(op.memo());
                if (signature != null) {
                    adopted.add(Transition.signed(op, signature));
                } else if (op.attemptCount() >= op.maxAttempts()) {
                    // Out of attempts, and now proven absent: nothing it was ever sent in can land any more.
                    String error =
                            "no attempt landed after " + op.attemptCount() + " failures; last: " + op.lastError();
                    dead.add(Transition.failed(op, error));
                    deadEvents.add(new Failed(op, error));
                } else {
                    toPack.add(op);
                }
            }
        }

        List<Send> sends = new ArrayList<>();
        if (!stillLive.isEmpty()) {
            Map<String, List<String>> memos = store.transactionMemos(stillLive.keySet());
            for (Map.Entry<String, List<Operation>> e : stillLive.entrySet()) {
                Attempt a = liveAttempt.get(e.getKey());
                List<String> packed = memos.getOrDefault(e.getKey(), List.of());
                SignedTransaction tx = packed.isEmpty()
                        ? null
                        : chain.buildMemoTransaction(
                                signer, packed, new RecentBlockhash(a.blockhash(), a.lastValidHeight()));
                if (tx == null || !tx.signature().equals(e.getKey())) {
                    // Cannot happen while attempts are recorded whole per transaction; if it does, wait for
                    // the blockhash to expire rather than risk a second transaction for these memos.
                    log.error(
                            "transaction {} cannot be rebuilt from its recorded operations {}; waiting for it to expire",
                            e.getKey(),
                            e.getValue().stream().map(Operation::id).toList());
                    for (Operation op : e.getValue()) {
                        giveBack.add(Transition.retry(op, now.plus(config.retryCap()), null, false));
                    }
                    continue;
                }
                sends.add(new Send(e.getValue(), tx, true));
            }
        }

        // An operation no transaction can carry, or of a kind this relay cannot report on, must not
        // hold back those packed with it: building or reporting on a pack fails for all its members.
        toPack.removeIf(op -> {
            if (!handlers.containsKey(op.kind())) {
                // Perhaps a newer instance knows the kind (a rolling upgrade): leave it to one.
                log.warn(
                        "operation {} is of kind {}, which this relay has no handler for; left pending",
                        op.id(),
                        op.kind());
                giveBack.add(Transition.retry(
                        op,
                        now.plus(config.retryCap()),
                        "no handler for operation kind " + op.kind() + " in relay " + config.instanceId(),
                        false));
                return true;
            }
            String error = unsendable(op.memo());
            if (error != null) {
                dead.add(Transition.failed(op, error));
                deadEvents.add(new Failed(op, error));
                return true;
            }
            return false;
        });

        // New transactions: as many memos each as fit the chain's transaction size, ordered by
        // operation id so that the recorded attempts alone determine every transaction's bytes.
        List<Send> fresh = new ArrayList<>();
        if (!toPack.isEmpty()) {
            toPack.sort(java.util.Comparator.comparingLong(Operation::id));
            RecentBlockhash blockhash = chain.latestBlockhash();
            for (List<Operation> pack : pack(toPack)) {
                SignedTransaction tx = chain.buildMemoTransaction(
                        signer, pack.stream().map(Operation::memo).toList(), blockhash);
                fresh.add(new Send(pack, tx, false));
            }
        }
        List<List<Attempt>> newAttempts = new ArrayList<>();
        for (Send s : fresh) {
            newAttempts.add(s.ops().stream()
                    .map(op -> new Attempt(
                            op.id(),
                            history.getOrDefault(op.id(), List.of()).size() + 1,
                            s.tx().signature(),
                            s.tx().blockhash().blockhash(),
                            s.tx().blockhash().lastValidBlockHeight(),
                            config.instanceId(),
                            now))
                    .toList());
        }

        // Record intent before acting: every attempt of a transaction is durable before its bytes leave this process.
        Set<String> recorded = newAttempts.isEmpty()
                ? Set.of()
                : store.jdbc().inTransaction(c -> OutboxStore.recordAttempts(c, newAttempts, byId, now));
        for (Send s : fresh) {
            if (recorded.contains(s.tx().signature())) {
                sends.add(new Send(
                        s.ops().stream()
                                .map(op -> op.withVersion(op.version() + 1))
                                .toList(),
                        s.tx(),
                        false));
            } else {
                log.info(
                        "operations {}: a claim in the pack was lost before submit; none of them is sent",
                        s.ops().stream().map(Operation::id).toList());
                for (Operation op : s.ops()) {
                    // Those still held go back at once, to be packed afresh (they have no new attempt).
                    giveBack.add(Transition.retry(op, now, null, false));
                }
            }
        }

        Map<Send, ChainException> errors = sendAll(sends);
        Instant done = clock.instant();
        List<Transition> ok = new ArrayList<>(adopted);
        List<Submitted> okEvents = new ArrayList<>();
        List<Transition> retry = new ArrayList<>(giveBack);
        List<Failed> retryEvents = new ArrayList<>();
        for (Transition t : adopted) {
            okEvents.add(new Submitted(t.op(), t.signature(), false));
        }
        for (Send s : sends) {
            ChainException e = errors.get(s);
            for (Operation op : s.ops()) {
                boolean resubmission = s.resubmission() || again.contains(op.id());
                if (e == null) {
                    ok.add(Transition.signed(op, s.tx().signature()));
                    okEvents.add(new Submitted(op, s.tx().signature(), resubmission));
                    continue;
                }
                // Every operation of a transaction shares its fate, each with its own backoff.
                String error = "submit failed (" + e.kind() + "): " + e.getMessage();
                if (e.reach() != ChainException.Reach.ANSWERED) {
                    // Never sent (breaker open) or cut off by shutdown: no verdict on the operation.
                    retry.add(Transition.retry(op, done.plus(config.pollInterval()), error, false));
                } else if (op.attemptCount() + 1 >= op.maxAttempts()) {
                    // Out of attempts, but this transaction may still land (a send that timed out, or a
                    // sibling operation's relay re-sending it): bury it only once a later pass has seen the
                    // transaction expire and the memo absent from the chain.
                    boolean counts = op.attemptCount() < op.maxAttempts();
                    retry.add(Transition.retry(op, done.plus(backoff.delay(op.attemptCount() + 1)), error, counts));
                    if (counts) {
                        retryEvents.add(new Failed(op, error));
                    }
                } else {
                    retry.add(Transition.retry(op, done.plus(backoff.delay(op.attemptCount() + 1)), error, true));
                    retryEvents.add(new Failed(op, error));
                }
            }
        }
        if (ok.isEmpty() && retry.isEmpty() && dead.isEmpty()) {
            return;
        }
        store.jdbc().inTransaction(c -> {
            Set<Long> moved = OutboxStore.markSubmitted(c, ok, done, done.plus(firstConfirmCheck()));
            notify(c, keep(okEvents, moved, Submitted::op), (h, b) -> h.onSubmitted(c, b, done));
            Set<Long> retried = OutboxStore.reschedule(c, retry, done);
            notify(c, keep(retryEvents, retried, Failed::op), (h, b) -> h.onFailed(c, b, done));
            Set<Long> buried = OutboxStore.deadLetter(c, dead, done);
            notify(c, keep(deadEvents, buried, Failed::op), (h, b) -> h.onDeadLettered(c, b, done));
            count(
                    keep(okEvents, moved, Submitted::op),
                    keep(retryEvents, retried, Failed::op),
                    keep(deadEvents, buried, Failed::op));
            return null;
        });
    }

    /** The tracker's first look at a sent transaction: not before the chain can have reached the target commitment. */
    private Duration firstConfirmCheck() {
        Duration expected = chain.expectedTimeTo(config.commitment());
        return expected.compareTo(config.confirmPollInterval()) > 0 ? expected : config.confirmPollInterval();
    }

    /** Why no transaction of this chain can carry {@code memo}, or null when one can. */
    private String unsendable(String memo) {
        int alone;
        try {
            alone = chain.memoTransactionBytes(List.of(memo));
        } catch (IllegalArgumentException e) {
            return "memo cannot be sent: " + e.getMessage();
        }
        return alone <= chain.maxTransactionBytes()
                ? null
                : "memo needs a " + alone + "-byte transaction; the chain takes at most " + chain.maxTransactionBytes();
    }

    /** Splits operations (in order) into runs whose memos fit one transaction of this chain. */
    private List<List<Operation>> pack(List<Operation> ops) {
        int limit = chain.maxTransactionBytes();
        List<List<Operation>> packs = new ArrayList<>();
        List<Operation> current = new ArrayList<>();
        List<String> memos = new ArrayList<>();
        for (Operation op : ops) {
            memos.add(op.memo());
            if (!current.isEmpty()
                    && (current.size() >= chain.maxMemosPerTransaction()
                            || chain.memoTransactionBytes(memos) > limit)) {
                packs.add(current);
                current = new ArrayList<>();
                memos = new ArrayList<>(List.of(op.memo()));
            }
            current.add(op);
        }
        if (!current.isEmpty()) {
            packs.add(current);
        }
        return packs;
    }

    private void count(List<Submitted> ok, List<Failed> retried, List<Failed> buried) {
        for (Submitted s : ok) {
            (s.resubmission() ? resubmitted : submitted).increment();
        }
        failed.increment(retried.size() + buried.size());
        deadLettered.increment(buried.size());
        buried.forEach(f -> log.warn(
                "operation {} ({} {}) dead-lettered: {}", f.op().id(), f.op().kind(), f.op().aggregateId(), f.error()));
    }

    private Map<Send, ChainException> sendAll(List<Send> sends) {
        Map<Send, ChainException> errors = new HashMap<>();
        if (sends.size() == 1) {
            trySend(sends.getFirst(), errors);
            return errors;
        }
        // Bounded fan-out: a slow node should not make a batch take batch-size round trips.
        List<Future<ChainException>> futures = new ArrayList<>();
        java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(MAX_PARALLEL_SUBMITS);
        for (Send s : sends) {
            futures.add(submitters.submit(() -> {
                permits.acquire();
                try {
                    chain.submit(s.tx());
                    return null;
                } catch (ChainException e) {
                    return e;
                } finally {
                    permits.release();
                }
            }));
        }
        boolean interrupted = false;
        for (int i = 0; i < sends.size(); i++) {
            Future<ChainException> f = futures.get(i);
            if (interrupted && !f.isDone()) {
                // Stopping: a send still under way may or may not land, so it is not counted as a failure.
                f.cancel(true);
                errors.put(
                        sends.get(i),
                        new ChainException(
                                ChainException.Kind.UNAVAILABLE,
                                ChainException.Reach.UNKNOWN,
                                "interrupted while sending; outcome unknown",
                                null));
                continue;
            }
            try {
                ChainException e = interrupted ? f.resultNow() : f.get();
                if (e != null) {
                    errors.put(sends.get(i), e);
                }
            } catch (InterruptedException e) {
                interrupted = true;
                i--; // look at this send again, without waiting
            } catch (ExecutionException | IllegalStateException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                errors.put(
                        sends.get(i),
                        new ChainException(ChainException.Kind.UNAVAILABLE, "submit crashed: " + cause, cause));
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return errors;
    }

    private void trySend(Send s, Map<Send, ChainException> errors) {
        try {
            chain.submit(s.tx());
        } catch (ChainException e) {
            errors.put(s, e);
        }
    }

    /**
     * Pages back once through the signer's history looking for every memo in {@code memos}, down to
     * the earliest slot any recorded attempt could have landed in. Returns, per memo found, the
     * signature of a successful transaction carrying it.
     */
    private Map<String, String> findMemosOnChain(Set<String> memos, long firstLastValidHeight) {
        long oldestPossibleSlot = firstLastValidHeight - chain.blockhashValidityBlocks() - 1;
        Map<String, String> found = new HashMap<>();
        String before = null;
        int seen = 0;
        while (seen < MEMO_SEARCH_MAX_RECORDS) {
            List<ChainRecord> page = chain.recordsByAddress(signer.address(), before, MEMO_SEARCH_PAGE);
            for (ChainRecord r : page) {
                if (r.error() != null) {
                    continue;
                }
                for (String memo : r.memos()) {
                    if (memos.contains(memo)) {
                        found.putIfAbsent(memo, r.signature());
                    }
                }
            }
            seen += page.size();
            if (found.size() == memos.size()
                    || page.size() < MEMO_SEARCH_PAGE
                    || page.getLast().slot() < oldestPossibleSlot) {
                return found;
            }
            before = page.getLast().signature();
        }
        log.warn(
                "memo search stopped after {} records; relying on the signature statuses of recorded attempts",
                MEMO_SEARCH_MAX_RECORDS);
        return found;
    }

    // ---------------------------------------------------------------- confirm

    /** One confirmation pass: claim due submitted operations and settle what the chain says. Returns how many it claimed. */
    public int confirmPass() {
        long height;
        try {
            height = chain.blockHeight();
        } catch (ChainException e) {
            log.debug("confirm pass skipped: {}", e.getMessage());
            return 0;
        }
        Instant now = clock.instant();
        List<Operation> claimed =
                store.claim(OperationStatus.SUBMITTED, config.instanceId(), now, config.lease(), config.batchSize());
        if (claimed.isEmpty()) {
            return 0;
        }
        try {
            confirmClaimed(claimed, height);
        } catch (RuntimeException e) {
            giveBack(claimed, now, e);
            throw e;
        }
        return claimed.size();
    }

    private void confirmClaimed(List<Operation> claimed, long heightBeforeStatuses) {
        // The height is read before the statuses: if it is already past an attempt's last valid
        // height and the chain still does not know the signature, that transaction can never land.
        // One lookup per transaction, however many packed operations share its signature.
        Map<String, SignatureStatus> statuses = chain.signatureStatuses(
                claimed.stream().map(Operation::signature).distinct().toList());
        Instant now = clock.instant();
        Commitment target = config.commitment();
        List<Transition> done = new ArrayList<>();
        List<Confirmed> doneEvents = new ArrayList<>();
        List<Transition> retry = new ArrayList<>();
        List<Failed> retryEvents = new ArrayList<>();
        List<Transition> dead = new ArrayList<>();
        List<Failed> deadEvents = new ArrayList<>();
        List<Transition> later = new ArrayList<>();
        for (Operation op : claimed) {
            SignatureStatus s = statuses.get(op.signature());
            String error = null;
            if (s != null && s.failed()) {
                error = "transaction " + op.signature() + " failed on chain: " + s.error();
            } else if (s != null && s.commitment().atLeast(target)) {
                done.add(Transition.landed(op, op.signature(), s.slot()));
                doneEvents.add(new Confirmed(op, s));
            } else if (s == null
                    && op.lastValidHeight() != null
                    && heightBeforeStatuses > op.lastValidHeight() + LANDING_MARGIN_BLOCKS) {
                error = "transaction " + op.signature() + " expired: blockhash valid to height " + op.lastValidHeight()
                        + ", chain at " + heightBeforeStatuses + ", not landed";
            } else {
                later.add(Transition.unchanged(op));
            }
            if (error != null) {
                if (op.attemptCount() + 1 >= op.maxAttempts()) {
                    dead.add(Transition.failed(op, error));
                    deadEvents.add(new Failed(op, error));
                } else {
                    // The next submit pass checks the chain for every earlier attempt before building a new one.
                    retry.add(Transition.retry(op, now.plus(backoff.delay(op.attemptCount() + 1)), error, true));
                    retryEvents.add(new Failed(op, error));
                }
            }
        }
        store.jdbc().inTransaction(c -> {
            Set<Long> settled = OutboxStore.markConfirmed(c, done, now);
            List<Confirmed> settledEvents = keep(doneEvents, settled, Confirmed::op);
            notify(c, settledEvents, (h, b) -> h.onConfirmed(c, b, now));
            Set<Long> retried = OutboxStore.reschedule(c, retry, now);
            List<Failed> retriedEvents = keep(retryEvents, retried, Failed::op);
            notify(c, retriedEvents, (h, b) -> h.onFailed(c, b, now));
            Set<Long> buried = OutboxStore.deadLetter(c, dead, now);
            List<Failed> buriedEvents = keep(deadEvents, buried, Failed::op);
            notify(c, buriedEvents, (h, b) -> h.onDeadLettered(c, b, now));
            OutboxStore.recheckLater(c, later, now.plus(config.confirmPollInterval()), now);
            confirmed.increment(settledEvents.size());
            for (Confirmed e : settledEvents) {
                commitToConfirmed.record(Duration.between(e.op().createdAt(), now));
            }
            count(List.of(), retriedEvents, buriedEvents);
            return null;
        });
    }

    // ---------------------------------------------------------------- shared

    /** After a pass failed half-way, gives its claims back so they are picked up soon, not after the lease. */
    private void giveBack(List<Operation> claimed, Instant now, RuntimeException cause) {
        try {
            store.releaseClaims(
                    config.instanceId(),
                    claimed.stream().map(Operation::id).toList(),
                    now.plus(config.pollInterval()),
                    now);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    @FunctionalInterface
    private interface HandlerCall<T> {
        void call(OperationHandler handler, List<T> batch) throws SQLException;
    }

    private <T> void notify(Connection c, List<T> events, HandlerCall<T> call) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        Map<String, List<T>> byKind = new LinkedHashMap<>();
        for (T e : events) {
            byKind.computeIfAbsent(kindOf(e), k -> new ArrayList<>()).add(e);
        }
        for (Map.Entry<String, List<T>> e : byKind.entrySet()) {
            OperationHandler h = handlers.get(e.getKey());
            if (h == null) {
                throw new IllegalStateException("no handler for operation kind " + e.getKey());
            }
            call.call(h, e.getValue());
        }
    }

    private static String kindOf(Object event) {
        return switch (event) {
            case Submitted s -> s.op().kind();
            case Confirmed c -> c.op().kind();
            case Failed f -> f.op().kind();
            default -> throw new IllegalArgumentException("unknown event " + event);
        };
    }

    private static <T> List<T> keep(Collection<T> events, Set<Long> ids, Function<T, Operation> op) {
        return events.stream().filter(e -> ids.contains(op.apply(e).id())).toList();
    }
}
