package dev.chainsync.ingest;

import dev.chainsync.db.DataAccessException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of the group, driven pass by pass by a {@code PollingWorker}. A pass reads a batch
 * (its own pending entries first, then entries idle elsewhere for longer than the processing
 * timeout via XAUTOCLAIM, then new ones), commits it in one transaction and acknowledges it.
 *
 * <p>When PostgreSQL fails the batch stays in hand and is retried as it is, not re-read from
 * Redis: a database outage therefore never inflates delivery counts, and only entries that are
 * really poison (unparseable, failing on their own, or delivered more than MAX_RETRIES times
 * by consumers that died) reach the dead letters. While the batch is held, its entries' idle
 * time is reset so other instances do not take them over.
 */
final class StreamWorker {
    private static final Logger log = LoggerFactory.getLogger(StreamWorker.class);
    /** Remembered errors of entries left pending for a retry; bounded so a flood cannot grow it. */
    static final int MAX_REMEMBERED_ERRORS = 10_000;
    /** A failed entry is retried from the pending list after this, not at once (a rollback may be due first). */
    static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    /** After a Redis failure the worker reconnects no sooner than this. */
    static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private final Ingest.Shared shared;
    private final String consumer;
    private final java.util.function.Supplier<RedisStreams> connect;
    private RedisStreams redis;
    private Instant reconnectAt;
    private final Clock clock;
    private final Map<String, String> cursors = new HashMap<>();
    private final Map<String, String> lastErrors = new ConcurrentHashMap<>();
    private boolean ownPendingFirst = true;
    private Instant ownPendingAt;
    private Instant nextClaim;
    private List<StreamEntry> inHand;
    private boolean fresh;
    private Instant nextTouch;
    private final OwnFailures failures = new OwnFailures();

    StreamWorker(
            Ingest.Shared shared, String consumer, java.util.function.Supplier<RedisStreams> connect, Clock clock) {
        this.shared = shared;
        this.consumer = consumer;
        this.connect = connect;
        this.clock = clock;
        this.nextClaim = clock.instant();
        this.ownPendingAt = clock.instant();
    }

    String consumer() {
        return consumer;
    }

    /** One pass; returns how many entries it settled (0 lets the worker pause). */
    int pass() {
        IngestConfig cfg = shared.config();
        if (!shared.databaseAvailable()) {
            touchHeld(cfg);
            return 0;
        }
        if (inHand == null) {
            List<StreamEntry> read;
            try {
                connected(cfg);
                read = read(cfg);
                shared.redisOk();
            } catch (RuntimeException e) {
                shared.redisFailed(e);
                disconnect();
                return 0;
            }
            if (read.isEmpty()) {
                shared.metrics().drained(clock.instant());
                return 0;
            }
            inHand = read;
            fresh = true;
            nextTouch = clock.instant().plus(cfg.processingTimeout().dividedBy(3));
        }
        // A batch read in this pass may grow once the writer lock is held (see commit); a batch
        // held after a failure is retried exactly as it was.
        return process(inHand, inHandIsFresh());
    }

    // ------------------------------------------------------------------ reading

    /**
     * Connects on first use and after a failure (at most once per RECONNECT_DELAY), creating the
     * group on every stream, so a Redis that is down at start or restarted (and lost the group)
     * is picked up without a restart of chainsync.
     */
    private void connected(IngestConfig cfg) {
        if (redis != null) {
            return;
        }
        Instant now = clock.instant();
        if (reconnectAt != null && now.isBefore(reconnectAt)) {
            throw new IllegalStateException("Redis unavailable; reconnecting at " + reconnectAt);
        }
        reconnectAt = now.plus(RECONNECT_DELAY);
        RedisStreams r = connect.get();
        try {
            for (String stream : cfg.streams()) {
                r.ensureGroup(stream, cfg.consumerGroup());
            }
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        redis = r;
        ownPendingFirst = true;
    }

    private void disconnect() {
        RedisStreams r = redis;
        redis = null;
        if (r != null) {
            try {
                r.close();
            } catch (RuntimeException ignored) {
                // already broken
            }
        }
    }

    /** Closes the connection (after the worker thread stopped). */
    void close() {
        disconnect();
    }

    private List<StreamEntry> read(IngestConfig cfg) {
        if (ownPendingFirst && !clock.instant().isBefore(ownPendingAt)) {
            List<StreamEntry> own = redis.ownPending(cfg.streams(), cfg.consumerGroup(), consumer, cfg.batchSize());
            if (!own.isEmpty()) {
                return withDeliveries(own, cfg);
            }
            ownPendingFirst = false;
        }
        Instant now = clock.instant();
        if (!now.isBefore(nextClaim)) {
            List<StreamEntry> claimed = claim(cfg);
            if (!claimed.isEmpty()) {
                shared.metrics().claimed.increment(claimed.size());
                log.info(
                        "{}: took over {} entries idle for more than {} ms",
                        consumer,
                        claimed.size(),
                        cfg.processingTimeout().toMillis());
                return withDeliveries(claimed, cfg);
            }
            nextClaim = now.plus(claimInterval(cfg));
        }
        Duration block = cfg.batchTimeout().compareTo(Ingest.MAX_BLOCK) < 0 ? cfg.batchTimeout() : Ingest.MAX_BLOCK;
        List<StreamEntry> got = redis.next(cfg.streams(), cfg.consumerGroup(), consumer, cfg.batchSize(), block);
        if (got.isEmpty() || got.size() >= cfg.batchSize()) {
            return got;
        }
        // A trickle: linger briefly so the batch grows. Each batch costs a fixed handful of
        // statements, so one-entry batches would cap throughput below a steady producer's rate.
        List<StreamEntry> more = redis.next(
                cfg.streams(),
                cfg.consumerGroup(),
                consumer,
                cfg.batchSize() - got.size(),
                Ingest.LINGER.compareTo(block) < 0 ? Ingest.LINGER : block);
        if (more.isEmpty()) {
            return got;
        }
        List<StreamEntry> all = new ArrayList<>(got);
        all.addAll(more);
        return all;
    }

    static Duration claimInterval(IngestConfig cfg) {
        return cfg.processingTimeout().dividedBy(2);
    }

    /** XAUTOCLAIM on every stream, following each cursor until it wraps to 0-0 or the batch is full. */
    private List<StreamEntry> claim(IngestConfig cfg) {
        List<StreamEntry> out = new ArrayList<>();
        for (String stream : cfg.streams()) {
            String cursor = cursors.getOrDefault(stream, "0-0");
            do {
                RedisStreams.Claimed c = redis.autoclaim(
                        stream,
                        cfg.consumerGroup(),
                        consumer,
                        cfg.processingTimeout(),
                        cursor,
                        cfg.batchSize() - out.size());
                out.addAll(c.entries());
                cursor = c.cursor();
            } while (!"0-0".equals(cursor) && out.size() < cfg.batchSize());
            cursors.put(stream, cursor);
            if (out.size() >= cfg.batchSize()) {
                break;
            }
        }
        return out;
    }

    private List<StreamEntry> withDeliveries(List<StreamEntry> entries, IngestConfig cfg) {
        Map<String, List<String>> idsByStream = new LinkedHashMap<>();
        entries.forEach(e ->
                idsByStream.computeIfAbsent(e.stream(), k -> new ArrayList<>()).add(e.id()));
        Map<String, Map<String, Long>> counts = new HashMap<>();
        idsByStream.forEach((s, ids) -> counts.put(s, redis.deliveries(s, cfg.consumerGroup(), consumer, ids)));
        return entries.stream()
                .map(e -> e.withDeliveries(counts.get(e.stream()).getOrDefault(e.id(), 1L)))
                .toList();
    }

    private void touchHeld(IngestConfig cfg) {
        Instant now = clock.instant();
        if (inHand == null || now.isBefore(nextTouch)) {
            return;
        }
        if (redis == null) {
            return;
        }
        try {
            byStream(inHand).forEach((s, ids) -> redis.touch(s, cfg.consumerGroup(), consumer, ids));
            nextTouch = now.plus(cfg.processingTimeout().dividedBy(3));
        } catch (RuntimeException e) {
            shared.redisFailed(e);
        }
    }

    // ------------------------------------------------------------------ processing

    /** Parses, commits, acknowledges. Returns entries settled; keeps the batch in hand on a database failure. */
    private boolean inHandIsFresh() {
        boolean f = fresh;
        fresh = false;
        return f;
    }

    private int process(List<StreamEntry> read, boolean mayGrow) {
        List<StreamEntry> batch = new ArrayList<>(read);
        List<ParsedEntry> good = new ArrayList<>();
        List<DeadLetters.Burial> buried = new ArrayList<>();
        for (StreamEntry e : batch) {
            triage(e, good, buried);
        }
        if (batch.stream().anyMatch(this::suspect)) {
            // Consumers died holding some of these: each entry alone, so a death can be blamed on it.
            return isolate(batch, good, buried);
        }
        try {
            // Only a short batch (a trickle) grows under the lock.
            commit(good, buried, mayGrow && batch.size() < shared.config().batchSize() ? batch : null);
            settle(batch, buried);
            return batch.size();
        } catch (DataAccessException e) {
            if (isInfrastructure(e)) {
                inHand = batch;
                databaseFailed(e, batch.size());
                return 0;
            }
            log.warn(
                    "{}: batch of {} entries failed on its data ({}); committing entries one by one",
                    consumer,
                    batch.size(),
                    e.getMessage());
        } catch (RuntimeException e) {
            log.warn(
                    "{}: batch of {} entries failed ({}); committing entries one by one",
                    consumer,
                    batch.size(),
                    e.toString(),
                    e);
        }
        return isolate(batch, good, buried);
    }

    /**
     * Delivered more often than MAX_RETRIES allows without being acknowledged or failing on its
     * own: consumers died holding it. That may be the entry's doing or not (a crash loop, a kill,
     * an out-of-memory caused by something else), so it is tried alone, its attempt counted
     * against it beforehand ({@link #blameAhead}): only deaths while it was alone count.
     */
    private boolean suspect(StreamEntry e) {
        return e.deliveries() > shared.config().maxRetries() + 1L;
    }

    /** Parsed into {@code good}, or buried as unparseable. */
    private void triage(StreamEntry e, List<ParsedEntry> good, List<DeadLetters.Burial> buried) {
        try {
            good.add(EntryParser.parse(e));
        } catch (EntryParser.Unparseable ex) {
            buried.add(new DeadLetters.Burial(e, "unparseable: " + ex.getMessage()));
        } catch (RuntimeException ex) {
            // A decoding path the parser did not foresee: parsing the same bytes again fails the
            // same way, so the entry is buried like any other it cannot read, never retried forever.
            log.warn("{}: entry {} {} broke the parser", consumer, e.stream(), e.id(), ex);
            buried.add(new DeadLetters.Burial(e, "unparseable: " + ex));
        }
    }

    /** After a data error: every entry alone, so one poison entry cannot hold the others back. */
    private int isolate(List<StreamEntry> batch, List<ParsedEntry> good, List<DeadLetters.Burial> buried) {
        IngestConfig cfg = shared.config();
        List<StreamEntry> done = new ArrayList<>();
        List<DeadLetters.Burial> doneBurials = new ArrayList<>();
        boolean leftPending = false;
        try {
            if (!buried.isEmpty()) {
                commit(List.of(), buried);
                doneBurials.addAll(buried);
                buried.forEach(b -> done.add(b.entry()));
            }
            for (ParsedEntry p : good) {
                StreamEntry entry = p.entry();
                Long blamed = suspect(entry) ? blameAhead(entry) : Long.valueOf(0);
                if (blamed == null) {
                    leftPending = true; // its failures cannot be counted now: try it later
                    continue;
                }
                if (blamed > cfg.maxRetries() + 1L) {
                    bury(entry, blamed - 1, "consumers died processing it alone", cfg, done, doneBurials);
                    continue;
                }
                try {
                    commit(List.of(p), List.of());
                    done.add(entry);
                } catch (DataAccessException e) {
                    if (isInfrastructure(e)) {
                        if (blamed > 0) {
                            failures.count(entry, -1); // the database's fault, not the entry's
                        }
                        throw e;
                    }
                    leftPending |= poison(entry, blamed, e, cfg, done, doneBurials);
                } catch (RuntimeException e) {
                    leftPending |= poison(entry, blamed, e, cfg, done, doneBurials);
                }
            }
        } catch (DataAccessException e) {
            // The database went away half-way: acknowledge what committed, hold the rest.
            settle(done, doneBurials);
            List<StreamEntry> rest = new ArrayList<>(batch);
            rest.removeAll(done);
            inHand = rest;
            databaseFailed(e, rest.size());
            return done.size();
        }
        settle(done, doneBurials);
        if (leftPending) {
            // Retry the failed entries from our pending list shortly: each retry counts a delivery.
            ownPendingFirst = true;
            ownPendingAt = clock.instant().plus(RETRY_DELAY);
        }
        return done.size();
    }

    /**
     * Counts an attempt of a suspect entry as its failure before making it, so that a consumer
     * dying during the attempt is blamed on the entry (it was alone); a success forgets the count.
     * Returns the count including this attempt, or null when Redis cannot keep it.
     */
    private Long blameAhead(StreamEntry e) {
        return failures.count(e, 1);
    }

    /**
     * An entry failed alone, on its own data: counted as its failure (unless {@code blamed}, the
     * attempt was counted beforehand); dead-lettered once its failures exceed MAX_RETRIES, else
     * left pending for a retry.
     */
    private boolean poison(
            StreamEntry e,
            long blamed,
            RuntimeException error,
            IngestConfig cfg,
            List<StreamEntry> done,
            List<DeadLetters.Burial> doneBurials) {
        String reason = error.getMessage() == null ? error.toString() : error.getMessage();
        Long failed = blamed > 0 ? Long.valueOf(blamed) : failures.count(e, 1);
        if (failed != null && failed > cfg.maxRetries()) {
            bury(e, failed, reason, cfg, done, doneBurials);
            return false;
        }
        if (lastErrors.size() < MAX_REMEMBERED_ERRORS) {
            lastErrors.put(key(e), reason);
        }
        log.warn(
                "{}: entry {} {} failed ({} of {} failures allowed), left pending: {}",
                consumer,
                e.stream(),
                e.id(),
                failed == null ? "uncounted" : failed,
                cfg.maxRetries() + 1,
                reason);
        shared.metrics().eventsFailed.increment();
        return true;
    }

    private void bury(
            StreamEntry e,
            long failed,
            String reason,
            IngestConfig cfg,
            List<StreamEntry> done,
            List<DeadLetters.Burial> doneBurials) {
        String last = lastErrors.remove(key(e));
        DeadLetters.Burial b = new DeadLetters.Burial(
                e,
                "failed " + failed + " times on its own (MAX_RETRIES=" + cfg.maxRetries() + "): " + reason
                        + (last == null || last.equals(reason) ? "" : "; earlier: " + last));
        commit(List.of(), List.of(b));
        done.add(e);
        doneBurials.add(b);
    }

    private void commit(List<ParsedEntry> good, List<DeadLetters.Burial> buried) {
        commit(good, buried, null);
    }

    /**
     * One transaction, under the writer lock taken before anything else (see {@link
     * BatchWriter#write}). With {@code growInto}, once the lock is held the batch takes in
     * whatever arrived while this worker waited for it (group commit): a trickle then still makes
     * batches as large as the commit time allows, instead of each worker queueing a one-entry
     * batch read before the wait.
     */
    private void commit(List<ParsedEntry> good, List<DeadLetters.Burial> buried, List<StreamEntry> growInto) {
        Instant now = clock.instant();
        long t0 = System.nanoTime();
        BatchWriter.Outcome o = shared.jdbc().inTransaction(c -> {
            BatchWriter.lockWriter(c);
            if (growInto != null) {
                grow(growInto, good, buried);
            }
            String group = shared.config().consumerGroup();
            BatchWriter.Outcome out = BatchWriter.writeLocked(c, good, group, now);
            DeadLetters.insert(c, buried, group, now);
            return out;
        });
        shared.committed(o, buried, System.nanoTime() - t0);
    }

    private void grow(List<StreamEntry> batch, List<ParsedEntry> good, List<DeadLetters.Burial> buried) {
        IngestConfig cfg = shared.config();
        if (redis == null || ownPendingFirst || batch.size() >= cfg.batchSize()) {
            return;
        }
        List<StreamEntry> more;
        try {
            more = redis.next(cfg.streams(), cfg.consumerGroup(), consumer, cfg.batchSize() - batch.size(), null);
        } catch (RuntimeException e) {
            shared.redisFailed(e);
            return;
        }
        for (StreamEntry e : more) {
            batch.add(e);
            triage(e, good, buried);
        }
    }

    /** Copies dead letters to the dead-letter stream, then acknowledges everything settled. */
    private void settle(List<StreamEntry> entries, List<DeadLetters.Burial> buried) {
        IngestConfig cfg = shared.config();
        shared.breaker().success();
        shared.postgresOk();
        inHand = null;
        try {
            for (DeadLetters.Burial b : buried) {
                Map<String, String> fields = new LinkedHashMap<>(b.entry().fields());
                fields.put("dead_letter_stream", b.entry().stream());
                fields.put("dead_letter_entry_id", b.entry().id());
                fields.put("dead_letter_reason", b.reason());
                redis.add(cfg.deadLetterStream(), fields);
                lastErrors.remove(key(b.entry()));
            }
            byStream(entries).forEach((s, ids) -> redis.ack(s, cfg.consumerGroup(), ids));
            // Only a redelivered entry, or one counted in this pass, can have a failure count.
            failures.forget(entries.stream()
                    .filter(e -> e.deliveries() > 1 || failures.countedHere(e))
                    .toList());
            shared.redisOk();
        } catch (RuntimeException e) {
            // Committed but not acknowledged: the entries come back and change nothing.
            shared.redisFailed(e);
        }
    }

    private void databaseFailed(RuntimeException e, int entries) {
        boolean opened = shared.breaker().failure();
        shared.postgresFailed(e);
        shared.metrics().eventsFailed.increment(entries);
        if (opened) {
            log.error(
                    "{}: PostgreSQL failing ({}); circuit breaker open, consumption paused until a probe answers",
                    consumer,
                    e.getMessage());
        } else {
            log.warn("{}: batch not committed, kept for retry: {}", consumer, e.getMessage());
        }
    }

    /**
     * Errors that say nothing about the entries (connection lost, server shutting down, out of
     * resources, lock or serialisation conflicts, permissions): hold the batch and retry. Only
     * data exceptions (SQLSTATE 22) and constraint violations (23) blame the entries.
     */
    static boolean isInfrastructure(DataAccessException e) {
        String state = e.sqlState();
        return state == null || !(state.startsWith("22") || state.startsWith("23"));
    }

    private static Map<String, List<String>> byStream(List<StreamEntry> entries) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        entries.forEach(
                e -> out.computeIfAbsent(e.stream(), k -> new ArrayList<>()).add(e.id()));
        return out;
    }

    private static String key(StreamEntry e) {
        return e.stream() + "/" + e.id();
    }

    /**
     * Failures each entry caused itself, in a Redis hash per consumer group (shared by every
     * consumer, kept across restarts): failures on its own data, and deaths of a consumer while it
     * was processed alone. Redis's delivery count cannot tell those from deaths that had nothing
     * to do with the entry, so it only decides which entries are tried alone ({@link #suspect}).
     */
    private final class OwnFailures {
        private final java.util.Set<String> countedHere = new java.util.HashSet<>();

        String hash() {
            return failureHash(shared.config().consumerGroup());
        }

        /** Adds {@code by} to the entry's count; the new count, or null when Redis failed. */
        Long count(StreamEntry e, long by) {
            if (redis == null) {
                return null;
            }
            try {
                long n = redis.commands().hincrby(hash(), key(e), by);
                countedHere.add(key(e));
                return n;
            } catch (RuntimeException ex) {
                shared.redisFailed(ex);
                return null;
            }
        }

        boolean countedHere(StreamEntry e) {
            return countedHere.contains(key(e));
        }

        void forget(List<StreamEntry> settled) {
            if (!settled.isEmpty()) {
                redis.commands()
                        .hdel(hash(), settled.stream().map(StreamWorker::key).toArray(String[]::new));
                settled.forEach(e -> countedHere.remove(key(e)));
            }
        }
    }

    /** The Redis hash of {@link OwnFailures} for a consumer group. */
    static String failureHash(String consumerGroup) {
        return "chainsync_ingest_failures:" + consumerGroup;
    }
}
