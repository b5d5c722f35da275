package dev.chainsync.outbox;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.ChainException;
import dev.chainsync.chain.ChainInstruction;
import dev.chainsync.chain.ChainRecord;
import dev.chainsync.chain.RecentBlockhash;
import dev.chainsync.chain.SignatureStatus;
import dev.chainsync.chain.SignedTransaction;
import dev.chainsync.chain.Signer;
import dev.chainsync.db.Jdbc;
import dev.chainsync.outbox.SubmitOutcome.PackAndSend;
import dev.chainsync.outbox.SubmitOutcome.Resend;
import dev.chainsync.outbox.SubmitOutcome.SearchChain;
import dev.chainsync.outbox.SubmitPlanner.Send;
import dev.chainsync.queue.BoundedFanOut;
import dev.chainsync.queue.LeasedQueue;
import dev.chainsync.queue.LeasedWork;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
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
 *
 * <p>Both loops run on the leased-queue engine ({@link LeasedQueue}); the decisions are pure
 * functions ({@link SubmitPlanner}, {@link ConfirmPlanner}) whose outcomes carry each operation's
 * status change and handler event together ({@link Settlement}).
 */
public final class Relay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    /** How far back the memo search before a resubmission pages through the signer's history. */
    static final int MEMO_SEARCH_PAGE = 1000;

    static final int MEMO_SEARCH_MAX_RECORDS = 50_000;
    /** Submissions in flight at once per relay; chain latency, not CPU, bounds a real node. */
    static final int MAX_PARALLEL_SUBMITS = 64;
    /** The buckets seed 001 gives {@code blockchain_transaction_confirmation_seconds}. */
    static final Duration[] CONFIRMATION_BUCKETS = {
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        Duration.ofSeconds(120),
        Duration.ofSeconds(300)
    };

    private final OutboxStore store;
    private final ChainClient chain;
    private final Signer signer;
    private final Map<String, OperationHandler> handlers;
    private final RelayConfig config;
    private final Clock clock;
    private final SubmitPlanner submitPlanner;
    private final ConfirmPlanner confirmPlanner;
    private final RelayWork submitWork =
            new RelayWork(OperationStatus.PENDING, b -> submitClaimed(b.rows(), b.height(), b.now()));
    private final RelayWork confirmWork = new RelayWork(OperationStatus.SUBMITTED, this::confirmClaimed);
    private final BoundedFanOut submitters = new BoundedFanOut(MAX_PARALLEL_SUBMITS);
    private final Counter submitted;
    private final Counter resubmitted;
    private final Counter confirmed;
    private final Counter failed;
    private final Counter deadLettered;
    private final Timer commitToConfirmed;
    private final Timer confirmation;
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
        Backoff backoff = new Backoff(config.retryBase(), config.retryCap(), random);
        this.submitPlanner = new SubmitPlanner(
                chain,
                handlers.keySet(),
                backoff,
                config.pollInterval(),
                config.retryCap(),
                config.instanceId(),
                this::instructions);
        this.confirmPlanner = new ConfirmPlanner(config.commitment(), backoff, config.confirmPollInterval());
        this.submitted = registry.counter("chainsync_outbox_submitted_total");
        this.resubmitted = registry.counter("chainsync_outbox_resubmitted_total");
        this.confirmed = registry.counter("chainsync_outbox_confirmed_total");
        this.failed = registry.counter("chainsync_outbox_attempts_failed_total");
        this.deadLettered = registry.counter("chainsync_outbox_dead_lettered_total");
        this.commitToConfirmed = Timer.builder("chainsync_outbox_commit_to_confirmed_seconds")
                .description("From the outbox commit to the transaction reaching the configured commitment")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.confirmation = Timer.builder("blockchain_transaction_confirmation_seconds")
                .description("From the outbox commit to the configured commitment, in seed 001's buckets")
                .serviceLevelObjectives(CONFIRMATION_BUCKETS)
                .register(registry);
    }

    /** The chain instructions of one operation, as its kind's handler builds them (memo only without one). */
    private List<ChainInstruction> instructions(Operation op) {
        OperationHandler h = handlers.get(op.kind());
        return h == null ? List.of(new ChainInstruction.Memo(op.memo())) : h.instructions(op);
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
        if (closed) {
            throw new IllegalStateException("relay closed");
        }
        workers.add(LeasedQueue.worker("relay-submit-" + config.instanceId(), config.pollInterval(), submitWork, clock)
                .start());
        workers.add(LeasedQueue.worker(
                        "relay-confirm-" + config.instanceId(), config.confirmPollInterval(), confirmWork, clock)
                .start());
        log.info(
                "relay {} started (batch {}, commitment {})",
                config.instanceId(),
                config.batchSize(),
                config.commitment().wireName());
        return this;
    }

    /** The submit and confirm loops as one component: broken when either died or keeps failing. */
    public synchronized PollingWorker.Health health() {
        return PollingWorker.Health.of(
                workers.stream().map(PollingWorker::health).toList());
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

    /** One submit pass, run by hand (tests drive it through their manual driver). Returns how many it claimed. */
    int submitPass() {
        return LeasedQueue.pass(submitWork, clock);
    }

    /** One confirmation pass, run by hand. Returns how many it claimed. */
    int confirmPass() {
        return LeasedQueue.pass(confirmWork, clock);
    }

    /** Operations claimed in one pass, with the block height read before the claim and the time of it. */
    private record Claimed(List<Operation> rows, long height, Instant now) implements LeasedWork.Batch {}

    /** Claims due operations of {@code status}; none while the chain cannot tell the height. */
    private Claimed claim(OperationStatus status, Instant now) {
        long height;
        try {
            height = chain.blockHeight();
        } catch (ChainException e) {
            log.debug("{} pass skipped: {}", status.dbName(), e.getMessage());
            return null;
        }
        return new Claimed(
                store.claim(status, config.instanceId(), now, config.lease(), config.batchSize()), height, now);
    }

    /** After a pass failed half-way, gives its claims back so they are picked up soon, not after the lease. */
    private void giveBack(Claimed batch, RuntimeException cause) {
        try {
            store.releaseClaims(
                    config.instanceId(),
                    batch.rows().stream().map(Operation::id).toList(),
                    batch.now().plus(config.pollInterval()),
                    batch.now());
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * A relay loop's work on the leased-queue engine: claim due operations of one status (none while
     * the chain cannot tell the height), process them, give them back if that fails half-way.
     */
    private final class RelayWork implements LeasedWork<Claimed> {
        private final OperationStatus status;
        private final Consumer<Claimed> process;

        RelayWork(OperationStatus status, Consumer<Claimed> process) {
            this.status = status;
            this.process = process;
        }

        @Override
        public Claimed claim(Instant now) {
            return Relay.this.claim(status, now);
        }

        @Override
        public void process(Claimed batch) {
            process.accept(batch);
        }

        @Override
        public void giveBack(Claimed batch, RuntimeException cause) {
            Relay.this.giveBack(batch, cause);
        }
    }

    // ---------------------------------------------------------------- submit

    /**
     * One submit pass's work: read the claimed operations' attempts and their chain statuses, let
     * the planner decide, search the chain where it asks to, rebuild or build and record the
     * transactions to send, send them, and settle every operation in one transaction.
     */
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
        List<SubmitOutcome> outcomes = searchChain(submitPlanner.triage(claimed, history, statuses, height, now), now);
        List<Settlement> settled = new ArrayList<>();
        List<Send> sends = new ArrayList<>();
        List<Resend> resends = new ArrayList<>();
        List<Operation> toPack = new ArrayList<>();
        Set<Long> again = new HashSet<>();
        for (SubmitOutcome o : outcomes) {
            switch (o) {
                case SubmitOutcome.Final f -> settled.add(f.settlement());
                case Resend r -> resends.add(r);
                case PackAndSend p -> {
                    toPack.add(p.op());
                    if (p.resubmission()) {
                        again.add(p.op().id());
                    }
                }
                case SearchChain s -> throw new IllegalStateException("unsearched operation " + s.op().id());
            }
        }
        sends.addAll(rebuild(resends, now, settled));
        sends.addAll(recordNew(toPack, again, history, statuses, now, settled));
        Map<Send, ChainException> errors = sendAll(sends);
        Instant done = clock.instant();
        settled.addAll(submitPlanner.afterSend(sends, errors, done));
        if (!settled.isEmpty()) {
            settle(settled, done, done.plus(firstConfirmCheck()));
        }
    }

    /** Replaces every {@link SearchChain} outcome with what one pass over the signer's history decides. */
    private List<SubmitOutcome> searchChain(List<SubmitOutcome> outcomes, Instant now) {
        List<SearchChain> searches = outcomes.stream()
                .filter(o -> o instanceof SearchChain)
                .map(o -> (SearchChain) o)
                .toList();
        if (searches.isEmpty()) {
            return outcomes;
        }
        // Every earlier transaction of these is dead; the memo itself is the last thing to rule out.
        Map<String, String> found = findMemosOnChain(
                searches.stream().map(s -> s.op().memo()).collect(Collectors.toSet()),
                searches.stream()
                        .mapToLong(SearchChain::firstLastValidHeight)
                        .min()
                        .orElseThrow());
        return outcomes.stream()
                .map(o -> o instanceof SearchChain s ? submitPlanner.afterSearch(s, found, now) : o)
                .toList();
    }

    /**
     * The identical transactions of still-live attempts, rebuilt from the memos of every operation
     * recorded with their signature (the chain deduplicates them). One that cannot be rebuilt goes
     * to {@code settled}, to wait for its blockhash to expire.
     */
    private List<Send> rebuild(List<Resend> resends, Instant now, List<Settlement> settled) {
        if (resends.isEmpty()) {
            return List.of();
        }
        Map<String, List<Resend>> bySignature = new LinkedHashMap<>();
        resends.forEach(r -> bySignature
                .computeIfAbsent(r.attempt().signature(), k -> new ArrayList<>())
                .add(r));
        Map<String, List<Operation>> recorded = store.transactionOperations(bySignature.keySet());
        List<Send> sends = new ArrayList<>();
        for (Map.Entry<String, List<Resend>> e : bySignature.entrySet()) {
            Attempt a = e.getValue().getFirst().attempt();
            List<Operation> ops = e.getValue().stream().map(Resend::op).toList();
            List<Operation> packed = recorded.getOrDefault(e.getKey(), List.of());
            SignedTransaction tx =
                    packed.isEmpty() ? null : rebuilt(packed, new RecentBlockhash(a.blockhash(), a.lastValidHeight()));
            if (tx == null || !tx.signature().equals(e.getKey())) {
                // Cannot happen while attempts are recorded whole per transaction; if it does, wait for
                // the blockhash to expire rather than risk a second transaction for these memos.
                log.error(
                        "transaction {} cannot be rebuilt from its recorded operations {}; waiting for it to expire",
                        e.getKey(),
                        ops.stream().map(Operation::id).toList());
                ops.forEach(
                        op -> settled.add(new SubmitOutcome.GiveBack(op, now.plus(config.retryCap())).settlement()));
                continue;
            }
            sends.add(new Send(ops, tx, ops.stream().map(Operation::id).collect(Collectors.toSet())));
        }
        return sends;
    }

    /** The transaction of a recorded pack, rebuilt; null when its operations no longer build one. */
    private SignedTransaction rebuilt(List<Operation> packed, RecentBlockhash blockhash) {
        try {
            return chain.buildTransaction(signer, submitPlanner.instructions(packed), blockhash);
        } catch (IllegalArgumentException | ChainException e) {
            log.error("cannot rebuild a recorded transaction: {}", e.getMessage());
            return null;
        }
    }

    /**
     * Packs the operations needing a new transaction, builds the transactions and records their
     * attempts before any is sent. A transaction a lost claim kept from being recorded is not sent:
     * its operations still held go to {@code settled}, due at once, to be packed afresh.
     */
    private List<Send> recordNew(
            List<Operation> toPack,
            Set<Long> again,
            Map<Long, List<Attempt>> history,
            Map<String, SignatureStatus> statuses,
            Instant now,
            List<Settlement> settled) {
        if (toPack.isEmpty()) {
            return List.of();
        }
        RecentBlockhash latest = chain.latestBlockhash();
        Map<String, Send> fresh = new LinkedHashMap<>();
        Map<Long, Operation> byId = toPack.stream().collect(Collectors.toMap(Operation::id, op -> op));
        // Record intent before acting: every attempt of a transaction is durable before its bytes leave this process.
        Set<String> recorded = store.jdbc().inTransaction(c -> {
            fresh.clear(); // a retried transaction builds afresh
            return OutboxStore.recordAttempts(
                    c,
                    submitPlanner.packs(toPack),
                    byId,
                    (tc, pack) -> {
                        RecentBlockhash blockhash =
                                chain.reserve(tc, signer.address(), latest, latestAttempts(pack, history, statuses));
                        SignedTransaction tx =
                                chain.buildTransaction(signer, submitPlanner.instructions(pack), blockhash);
                        fresh.put(tx.signature(), new Send(pack, tx, again));
                        return pack.stream()
                                .map(op -> new Attempt(
                                        op.id(),
                                        history.getOrDefault(op.id(), List.of()).size() + 1,
                                        tx.signature(),
                                        blockhash.blockhash(),
                                        blockhash.lastValidBlockHeight(),
                                        config.instanceId(),
                                        now))
                                .toList();
                    },
                    now);
        });
        Set<Long> built = fresh.values().stream()
                .flatMap(s -> s.ops().stream())
                .map(Operation::id)
                .collect(Collectors.toSet());
        List<Operation> lost =
                toPack.stream().filter(op -> !built.contains(op.id())).toList();
        if (!lost.isEmpty()) {
            log.info(
                    "operations {}: a claim in their pack was lost before submit; none of them is sent",
                    lost.stream().map(Operation::id).toList());
            lost.forEach(op -> settled.add(new SubmitOutcome.GiveBack(op, now).settlement()));
        }
        List<Send> sends = new ArrayList<>();
        for (Send s : fresh.values()) {
            if (recorded.contains(s.tx().signature())) {
                sends.add(new Send(
                        s.ops().stream()
                                .map(op -> op.withVersion(op.version() + 1))
                                .toList(),
                        s.tx(),
                        s.resubmissions()));
            }
        }
        return sends;
    }

    /**
     * What each operation of {@code pack} was last sent with, for the chain's reservation: none for a
     * first try, nor where that attempt landed failed (it can never land again, and on EVM its nonce
     * is spent, so the replacement needs a fresh one).
     */
    private static List<RecentBlockhash> latestAttempts(
            List<Operation> pack, Map<Long, List<Attempt>> history, Map<String, SignatureStatus> statuses) {
        List<RecentBlockhash> out = new ArrayList<>();
        for (Operation op : pack) {
            List<Attempt> attempts = history.getOrDefault(op.id(), List.of());
            SignatureStatus last =
                    attempts.isEmpty() ? null : statuses.get(attempts.getLast().signature());
            if (last != null && last.failed()) {
                continue;
            }
            if (!attempts.isEmpty()) {
                out.add(new RecentBlockhash(
                        attempts.getLast().blockhash(), attempts.getLast().lastValidHeight()));
            }
        }
        return out;
    }

    /** The tracker's first look at a sent transaction: not before the chain can have reached the target commitment. */
    private Duration firstConfirmCheck() {
        Duration expected = chain.expectedTimeTo(config.commitment());
        return expected.compareTo(config.confirmPollInterval()) > 0 ? expected : config.confirmPollInterval();
    }

    /** Sends every transaction, in parallel (bounded); returns the failures by send. */
    private Map<Send, ChainException> sendAll(List<Send> sends) {
        List<ChainException> outcomes = submitters.map(sends, this::trySend, new BoundedFanOut.Failures<>() {
            @Override
            public ChainException cutOff(Send s) {
                // Stopping: a send still under way may or may not land, so it is not counted as a failure.
                return new ChainException(
                        ChainException.Kind.UNAVAILABLE,
                        ChainException.Reach.UNKNOWN,
                        "interrupted while sending; outcome unknown",
                        null);
            }

            @Override
            public ChainException crashed(Send s, Throwable cause) {
                return new ChainException(ChainException.Kind.UNAVAILABLE, "submit crashed: " + cause, cause);
            }
        });
        Map<Send, ChainException> errors = new HashMap<>();
        for (int i = 0; i < sends.size(); i++) {
            if (outcomes.get(i) != null) {
                errors.put(sends.get(i), outcomes.get(i));
            }
        }
        return errors;
    }

    /** Sends one transaction; returns why it failed, or null. */
    private ChainException trySend(Send s) {
        try {
            chain.submit(s.tx());
            return null;
        } catch (ChainException e) {
            return e;
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
                // A history may list others' transactions naming the signer (Solana's does): never adopt those.
                if (r.error() != null || !r.signer().equals(signer.address())) {
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

    /** One confirmation pass's work: settle what the chain says about the claimed operations. */
    private void confirmClaimed(Claimed batch) {
        // One lookup per transaction, however many packed operations share its signature.
        Map<String, SignatureStatus> statuses = chain.signatureStatuses(
                batch.rows().stream().map(Operation::signature).distinct().toList());
        Instant now = clock.instant();
        settle(confirmPlanner.plan(batch.rows(), statuses, batch.height(), now), now, now);
    }

    // ---------------------------------------------------------------- settle

    /**
     * Writes every settlement in one transaction, each only where the version still matches, and
     * tells the handlers about exactly those that were written, in the same transaction.
     * {@code checkAt} is when the tracker first looks at newly submitted operations.
     */
    private void settle(List<Settlement> settlements, Instant now, Instant checkAt) {
        Settled s = new Settled(settlements);
        store.jdbc().inTransaction(c -> {
            List<Settlement.Submit> moved =
                    kept(s.submits, OutboxStore.SUBMITTED.apply(c, s.submits, now, checkAt, now));
            notify(c, moved, Settlement.Submit::event, (h, b) -> h.onSubmitted(c, b, now));
            List<Settlement.Confirm> done = kept(s.confirms, OutboxStore.CONFIRMED.apply(c, s.confirms, now, now));
            notify(c, done, Settlement.Confirm::event, (h, b) -> h.onConfirmed(c, b, now));
            List<Settlement.Reschedule> retried =
                    kept(s.reschedules, OutboxStore.RESCHEDULED.apply(c, s.reschedules, now)).stream()
                            .filter(Settlement.Reschedule::countsAsFailure)
                            .toList();
            notify(c, retried, Settlement.Reschedule::event, (h, b) -> h.onFailed(c, b, now));
            List<Settlement.DeadLetter> buried =
                    kept(s.deadLetters, OutboxStore.DEAD_LETTERED.apply(c, s.deadLetters, now));
            notify(c, buried, Settlement.DeadLetter::event, (h, b) -> h.onDeadLettered(c, b, now));
            OutboxStore.RECHECKED.apply(c, s.rechecks, now);
            count(moved, done, retried, buried, now);
            return null;
        });
    }

    /** Settlements sorted by kind, one list per statement. */
    private static final class Settled {
        final List<Settlement.Submit> submits = new ArrayList<>();
        final List<Settlement.Confirm> confirms = new ArrayList<>();
        final List<Settlement.Reschedule> reschedules = new ArrayList<>();
        final List<Settlement.DeadLetter> deadLetters = new ArrayList<>();
        final List<Settlement.Recheck> rechecks = new ArrayList<>();

        Settled(List<Settlement> all) {
            for (Settlement s : all) {
                switch (s) {
                    case Settlement.Submit x -> submits.add(x);
                    case Settlement.Confirm x -> confirms.add(x);
                    case Settlement.Reschedule x -> reschedules.add(x);
                    case Settlement.DeadLetter x -> deadLetters.add(x);
                    case Settlement.Recheck x -> rechecks.add(x);
                }
            }
        }
    }

    private void count(
            List<Settlement.Submit> moved,
            List<Settlement.Confirm> done,
            List<Settlement.Reschedule> retried,
            List<Settlement.DeadLetter> buried,
            Instant now) {
        for (Settlement.Submit s : moved) {
            (s.resubmission() ? resubmitted : submitted).increment();
        }
        confirmed.increment(done.size());
        for (Settlement.Confirm c : done) {
            Duration took = Duration.between(c.op().createdAt(), now);
            commitToConfirmed.record(took);
            confirmation.record(took);
        }
        failed.increment(retried.size() + buried.size());
        deadLettered.increment(buried.size());
        buried.forEach(f -> log.warn(
                "operation {} ({} {}) dead-lettered: {}", f.op().id(), f.op().kind(), f.op().aggregateId(), f.error()));
    }

    @FunctionalInterface
    private interface HandlerCall<E> {
        void call(OperationHandler handler, List<E> batch) throws SQLException;
    }

    /** Hands the events of {@code settled} to the handler of each operation's kind, a batch per kind. */
    private <S extends Settlement, E> void notify(
            Connection c, List<S> settled, Function<S, E> event, HandlerCall<E> call) throws SQLException {
        Map<String, List<E>> byKind = new LinkedHashMap<>();
        for (S s : settled) {
            byKind.computeIfAbsent(s.op().kind(), k -> new ArrayList<>()).add(event.apply(s));
        }
        for (Map.Entry<String, List<E>> e : byKind.entrySet()) {
            OperationHandler h = handlers.get(e.getKey());
            if (h == null) {
                throw new IllegalStateException("no handler for operation kind " + e.getKey());
            }
            call.call(h, e.getValue());
        }
    }

    private static <S extends Settlement> List<S> kept(List<S> settlements, Set<Long> ids) {
        return settlements.stream().filter(s -> ids.contains(s.id())).toList();
    }
}
