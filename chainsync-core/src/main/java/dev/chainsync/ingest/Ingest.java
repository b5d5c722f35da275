package dev.chainsync.ingest;

import dev.chainsync.chain.ChainHealth;
import dev.chainsync.db.Jdbc;
import dev.chainsync.ingest.ChainEvent.Generic;
import dev.chainsync.worker.PollingWorker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingest: rindexer's Redis Streams (or, with {@code CHAINSYNC_INGEST_SOURCE=kafka}, its Kafka
 * topics) into the Intuition event tables and their projections, with exactly-once effect. {@link #start()} runs {@code WORKERS} consumers of the group on threads
 * it owns; {@link #close()} lets each finish the batch in flight. Also answers status, dead
 * letters and replays, and rebuilds the derived tables.
 */
public final class Ingest implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Ingest.class);
    /** Longest a blocking read waits, so shutdown is never held up for BATCH_TIMEOUT_MS. */
    static final Duration MAX_BLOCK = Duration.ofMillis(1000);
    /** After a read that returned less than a batch, one more read waits this long for the rest. */
    static final Duration LINGER = Duration.ofMillis(20);
    /** A worker with nothing to do (or a breaker open) waits this long before its next pass. */
    static final Duration IDLE_DELAY = Duration.ofMillis(50);
    /** Stream statistics for /metrics are refreshed at most this often. */
    static final Duration STATS_TTL = Duration.ofSeconds(1);

    private final IngestConfig config;
    private final Clock clock;
    private final Shared shared;
    private final List<PollingWorker> threads = new ArrayList<>();
    private final List<StreamWorker> workers = new ArrayList<>();
    private final List<KafkaWorker> kafkaWorkers = new ArrayList<>();
    private EvmWorker evmWorker;
    private volatile EvmLogClient evmClient;
    private Runnable afterDatabaseCommit = () -> {};
    private RedisStreams admin;
    private volatile Status cachedStatus;
    private volatile long cachedAt;
    private boolean started;
    private boolean closed;

    public Ingest(Jdbc jdbc, IngestConfig config, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.clock = clock;
        this.shared = new Shared(jdbc, config, clock, registry);
        for (String stream : config.kafkaSource() || config.evmSource() ? List.<String>of() : config.streams()) {
            Gauge.builder("chainsync_ingest_stream_lag", () -> streamGauge(stream, 0))
                    .tag("stream", stream)
                    .description("Entries of the stream not yet delivered to the consumer group")
                    .register(registry);
            Gauge.builder("chainsync_ingest_pending", () -> streamGauge(stream, 1))
                    .tag("stream", stream)
                    .description("Entries delivered to the group and not yet acknowledged")
                    .register(registry);
        }
        for (String stream : config.evmSource() ? List.of(config.evm().stream()) : config.streams()) {
            shared.metrics().syncLag(stream, this::running);
        }
        Gauge.builder("chainsync_ingest_dead_letters_unreplayed", () -> safeDeadLetters())
                .description("Dead letters not replayed")
                .register(registry);
    }

    public IngestConfig config() {
        return config;
    }

    /** Connects, creates the consumer group on every stream, starts the workers. A no-op when disabled. */
    public synchronized Ingest start() {
        if (!config.enabled()) {
            log.info("ingest disabled (no REDIS_URL)");
            return this;
        }
        if (started) {
            throw new IllegalStateException("ingest already started");
        }
        started = true;
        if (config.kafkaSource()) {
            return startKafka();
        }
        if (config.evmSource()) {
            return startEvm();
        }
        // Workers connect (and create the group) themselves and reconnect after failures, so a
        // Redis that is down now makes ingest unhealthy, not the whole service fail to start.
        for (int i = 0; i < config.workers(); i++) {
            StreamWorker w =
                    new StreamWorker(shared, config.consumerName(i), () -> new RedisStreams(config.redisUrl()), clock);
            workers.add(w);
            threads.add(new PollingWorker("ingest-" + w.consumer(), IDLE_DELAY, w::pass).start());
        }
        log.info(
                "ingest consuming {} as {} x{} in group {} (batch {}, processing timeout {} ms)",
                config.streams(),
                config.consumerName(),
                config.workers(),
                config.consumerGroup(),
                config.batchSize(),
                config.processingTimeout().toMillis());
        return this;
    }

    /** {@code WORKERS} members of the Kafka consumer group, each on a thread and consumer of its own. */
    private Ingest startKafka() {
        for (int i = 0; i < config.workers(); i++) {
            String name = config.consumerName(i);
            KafkaWorker w =
                    new KafkaWorker(shared, name, KafkaWorker.consumers(config, name), clock, afterDatabaseCommit);
            kafkaWorkers.add(w);
            threads.add(new PollingWorker("ingest-" + name, IDLE_DELAY, w::pass).start());
        }
        log.info(
                "ingest consuming Kafka topics {} from {} as {} x{} in group {} (batch {})",
                config.kafka().topics(),
                config.kafka().bootstrapServers(),
                config.consumerName(),
                config.workers(),
                config.kafka().groupId(),
                config.batchSize());
        return this;
    }

    /**
     * One reader of the EVM nodes: ranges are read and committed in block order, so one worker per
     * network (more instances are safe: the checkpoint's version check lets one of them commit a range).
     */
    private Ingest startEvm() {
        EvmSourceConfig evm = config.evm();
        evmClient = new EvmLogClient(evm, clock, shared.registry());
        evmWorker = new EvmWorker(shared, evm, evmClient, clock);
        threads.add(new PollingWorker("ingest-evm-" + evm.network(), evm.pollInterval(), evmWorker::pass).start());
        log.info("ingest reading {} from EVM nodes ({})", evm.contracts(), evm);
        return this;
    }

    /** Test seam: runs in a Kafka worker between the database commit and the offset commit. */
    Ingest afterDatabaseCommit(Runnable hook) {
        this.afterDatabaseCommit = hook;
        return this;
    }

    public synchronized boolean running() {
        return started && !closed;
    }

    /** Each worker finishes the batch in flight (commit and acknowledge), then the connections close. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        threads.forEach(PollingWorker::close);
        workers.forEach(StreamWorker::close);
        kafkaWorkers.forEach(KafkaWorker::close);
        if (evmClient != null) {
            evmClient.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (started) {
            log.info("ingest stopped");
        }
    }

    private synchronized RedisStreams admin() {
        if (admin == null) {
            admin = new RedisStreams(config.redisUrl());
        }
        return admin;
    }

    // ------------------------------------------------------------------ health and status

    /**
     * What {@code /health} reports, in the replaced service's terms; {@code rpcEndpoints} are the
     * EVM source's nodes (none for the Redis and Kafka sources).
     */
    public record Health(
            boolean enabled,
            boolean redisConsumerHealthy,
            boolean postgresSyncHealthy,
            String circuitBreakerState,
            Instant lastCheck,
            long totalEventsProcessed,
            long totalEventsFailed,
            String lastError,
            List<ChainHealth.Endpoint> rpcEndpoints) {
        public boolean circuitBreakerClosed() {
            return "closed".equals(circuitBreakerState);
        }

        public boolean healthy() {
            return !enabled || (redisConsumerHealthy && postgresSyncHealthy && circuitBreakerClosed());
        }
    }

    public Health health() {
        return new Health(
                config.enabled() && running(),
                shared.redisHealthy,
                shared.postgresHealthy(),
                shared.breaker().state().name().toLowerCase(java.util.Locale.ROOT),
                clock.instant(),
                (long) shared.metrics().eventsProcessed.count(),
                (long) shared.metrics().eventsFailed.count(),
                shared.lastError,
                evmClient == null ? List.of() : evmClient.health());
    }

    /** One stream as a consumer group sees it, with what that group has committed from it. */
    public record StreamStatus(
            String stream,
            String consumerGroup,
            Long length,
            Long lag,
            Long pending,
            String lastDeliveredId,
            String lastCommittedEntryId,
            long committedEntries,
            long committedEvents,
            long newEvents,
            Long lastBlockNumber,
            Instant lastCommitAt) {}

    /** Streams, lag, pending, dead letters, unknown events and reorgs. */
    public record Status(
            boolean running,
            String consumerGroup,
            String breakerState,
            List<StreamStatus> streams,
            long deadLetters,
            long deadLettersNotReplayed,
            Map<String, Long> unknownEvents,
            long reorgs,
            String redisError) {}

    private record Progress(String lastId, long entries, long events, long fresh, Long block, Instant at) {}

    private record StreamKey(String stream, String group) {}

    /**
     * Reads the progress table, and the streams themselves when Redis answers. Lists the configured
     * streams (for the configured group) and then every other stream and group the database holds
     * progress for, so a status taken without the service's REDIS_STREAMS or CONSUMER_GROUP still
     * shows everything that was consumed.
     */
    public Status status() {
        Jdbc jdbc = shared.jdbc();
        Map<StreamKey, Progress> progress = progress(jdbc);
        Map<String, Long> unknown = new LinkedHashMap<>();
        jdbc.query(
                "SELECT event_name, count(*) FROM generic_events GROUP BY event_name ORDER BY event_name",
                r -> unknown.put(r.getString(1), r.getLong(2)));
        long reorgs = jdbc.queryOne("SELECT count(*) FROM ingest_reorgs", r -> r.getLong(1))
                .orElse(0L);

        List<StreamKey> keys = new ArrayList<>();
        if (config.evmSource()) {
            keys.add(new StreamKey(config.evm().stream(), config.progressGroup()));
        } else if (!config.kafkaSource()) {
            config.streams().forEach(s -> keys.add(new StreamKey(s, config.consumerGroup())));
        }
        progress.keySet().stream().filter(k -> !keys.contains(k)).forEach(keys::add);
        String redisError = null;
        List<StreamStatus> streams = new ArrayList<>();
        for (StreamKey key : keys) {
            Long length = null;
            Long lag = null;
            Long pending = null;
            String lastDelivered = null;
            if (redisError == null && !config.kafkaSource() && !config.evmSource()) {
                try {
                    Map<String, Object> group = groupInfo(key.stream(), key.group());
                    length = admin().commands().xlen(key.stream());
                    if (group != null) {
                        pending = asLong(group.get("pending"));
                        lag = asLong(group.get("lag"));
                        lastDelivered = group.get("last-delivered-id") == null
                                ? null
                                : group.get("last-delivered-id").toString();
                    }
                } catch (RuntimeException e) {
                    redisError = e.getMessage() == null ? e.toString() : e.getMessage();
                }
            }
            Progress p = progress.getOrDefault(key, new Progress(null, 0, 0, 0, null, null));
            streams.add(new StreamStatus(
                    key.stream(),
                    key.group(),
                    length,
                    lag,
                    pending,
                    lastDelivered,
                    p.lastId(),
                    p.entries(),
                    p.events(),
                    p.fresh(),
                    p.block(),
                    p.at()));
        }
        return new Status(
                running(),
                config.consumerGroup(),
                shared.breaker().state().name().toLowerCase(java.util.Locale.ROOT),
                streams,
                DeadLetters.count(jdbc, false),
                DeadLetters.count(jdbc, true),
                unknown,
                reorgs,
                redisError);
    }

    /** Every stream and group with committed progress: the configured group's first, then by name. */
    private Map<StreamKey, Progress> progress(Jdbc jdbc) {
        Map<StreamKey, Progress> progress = new LinkedHashMap<>();
        jdbc.query(
                """
                SELECT stream, consumer_group, last_entry_id, entries, events, new_events, last_block_number, updated_at
                  FROM ingest_progress ORDER BY consumer_group <> ?, consumer_group, stream""",
                r -> progress.put(
                        new StreamKey(r.getString(1), r.getString(2)),
                        new Progress(
                                r.getString(3),
                                r.getLong(4),
                                r.getLong(5),
                                r.getLong(6),
                                Jdbc.nullableLong(r, "last_block_number"),
                                Jdbc.instant(r, "updated_at"))),
                config.progressGroup());
        return progress;
    }

    private Map<String, Object> groupInfo(String stream, String groupName) {
        List<Object> groups;
        try {
            groups = admin().commands().xinfoGroups(stream);
        } catch (io.lettuce.core.RedisCommandExecutionException e) {
            return null; // no such stream yet
        }
        for (Object g : groups) {
            if (g instanceof List<?> kv) {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 0; i + 1 < kv.size(); i += 2) {
                    m.put(String.valueOf(kv.get(i)), kv.get(i + 1));
                }
                if (groupName.equals(String.valueOf(m.get("name")))) {
                    return m;
                }
            }
        }
        return null;
    }

    private static Long asLong(Object o) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        if (o == null) {
            return null;
        }
        try {
            return Long.parseLong(o.toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private double streamGauge(String stream, int which) {
        if (!running()) {
            return Double.NaN;
        }
        long now = System.nanoTime();
        Status s = cachedStatus;
        if (s == null || now - cachedAt > STATS_TTL.toNanos()) {
            try {
                s = status();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
            cachedStatus = s;
            cachedAt = now;
        }
        for (StreamStatus st : s.streams()) {
            if (st.stream().equals(stream) && st.consumerGroup().equals(config.consumerGroup())) {
                Long v = which == 0 ? st.lag() : st.pending();
                return v == null ? Double.NaN : v;
            }
        }
        return Double.NaN;
    }

    private double safeDeadLetters() {
        try {
            return DeadLetters.count(shared.jdbc(), true);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    // ------------------------------------------------------------------ dead letters

    /** Newest first; {@code beforeId} is the keyset cursor. */
    public List<DeadLetter> deadLetters(String stream, Long beforeId, int limit) {
        return DeadLetters.list(shared.jdbc(), stream, beforeId, limit);
    }

    public Optional<DeadLetter> deadLetter(long id) {
        return DeadLetters.find(shared.jdbc(), id);
    }

    /** What a replay request came to. */
    public enum ReplayOutcome {
        REPLAYED,
        NOT_FOUND,
        ALREADY_REPLAYED,
        NOT_RUNNING
    }

    /**
     * Appends the dead letter's fields, unchanged, to its original stream as a new entry, so it
     * goes through the whole pipeline again (and is dead-lettered again if it still cannot be
     * processed); the row records when and as which entry.
     */
    public synchronized ReplayOutcome replay(long id) {
        Optional<DeadLetter> found = deadLetter(id);
        if (found.isEmpty()) {
            return ReplayOutcome.NOT_FOUND;
        }
        DeadLetter d = found.get();
        if (d.replayedAt() != null) {
            return ReplayOutcome.ALREADY_REPLAYED;
        }
        if (!running()) {
            return ReplayOutcome.NOT_RUNNING;
        }
        Map<String, String> fields = new LinkedHashMap<>(d.fields());
        // A dead letter of a replay already names the first publication.
        fields.putIfAbsent(StreamEntry.ORIGINAL_ID_FIELD, d.entryId());
        String newId = config.kafkaSource()
                ? KafkaReplay.send(config.kafka(), d.stream(), fields)
                : config.evmSource() ? evmWorker.replay(d, fields) : admin().add(d.stream(), fields);
        DeadLetters.markReplayed(shared.jdbc(), id, newId, clock.instant());
        log.info("dead letter {} ({} {}) replayed as {}", id, d.stream(), d.entryId(), newId);
        return ReplayOutcome.REPLAYED;
    }

    // ------------------------------------------------------------------ rebuild

    /** What a rebuild did. */
    public record RebuildResult(Map<String, Long> rows, Duration took) {}

    /** Hears each finished step of a rebuild: its index, the step count, its name. */
    @FunctionalInterface
    public interface RebuildProgress {
        void stepDone(int index, int steps, String name);
    }

    /** The derived tables, in the order a rebuild recomputes them. */
    public static List<String> derivedTables() {
        return Derivation.STEPS;
    }

    /**
     * Recomputes every derived table from the event tables, in one transaction under the writer
     * lock (live consumers wait, readers see the old rows until the commit).
     */
    public static RebuildResult rebuild(Jdbc jdbc, RebuildProgress progress) {
        long t0 = System.nanoTime();
        Map<String, Long> rows = jdbc.inTransaction(c -> {
            BatchWriter.lockWriter(c);
            IntConsumer step = i -> progress.stepDone(i, Derivation.STEPS.size(), Derivation.STEPS.get(i));
            Derivation.derive(c, Derivation.Scope.ALL, step);
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String t : Derivation.STEPS) {
                counts.put(
                        t,
                        Jdbc.query(c, "SELECT count(*) FROM " + t, r -> r.getLong(1))
                                .getFirst());
            }
            return counts;
        });
        return new RebuildResult(rows, Duration.ofNanos(System.nanoTime() - t0));
    }

    // ------------------------------------------------------------------ shared worker state

    /** What the workers of one {@link Ingest} share: configuration, database, breaker, metrics, health. */
    static final class Shared {
        private final Jdbc jdbc;
        private final IngestConfig config;
        private final Breaker breaker;
        private final IngestMetrics metrics;
        private final Clock clock;
        private final MeterRegistry registry;
        volatile boolean redisHealthy = true;
        volatile boolean lastBatchOk = true;
        volatile String lastError;

        Shared(Jdbc jdbc, IngestConfig config, Clock clock, MeterRegistry registry) {
            this.jdbc = jdbc;
            this.config = config;
            this.clock = clock;
            this.registry = registry;
            this.breaker = new Breaker(config.breakerThreshold(), config.breakerTimeout(), clock);
            this.metrics = new IngestMetrics(
                    registry,
                    clock,
                    () -> redisHealthy,
                    this::postgresHealthy,
                    () -> breaker.state() != Breaker.State.CLOSED);
        }

        Jdbc jdbc() {
            return jdbc;
        }

        IngestConfig config() {
            return config;
        }

        Breaker breaker() {
            return breaker;
        }

        MeterRegistry registry() {
            return registry;
        }

        IngestMetrics metrics() {
            return metrics;
        }

        /** Whether PostgreSQL answered the last batch or probe: what it said, not the breaker's state. */
        boolean postgresHealthy() {
            return lastBatchOk;
        }

        /**
         * May a worker go to the database? While the breaker is open, the worker given its trial
         * probes PostgreSQL ({@code SELECT 1}): an answer closes the breaker at once, a failure
         * keeps it open until the next probe.
         */
        boolean databaseAvailable() {
            return switch (breaker.permit()) {
                case GRANTED -> true;
                case DENIED -> false;
                case TRIAL -> probe();
            };
        }

        private boolean probe() {
            try {
                jdbc.queryOne("SELECT 1", r -> r.getInt(1));
            } catch (RuntimeException e) {
                breaker.failure();
                postgresFailed(e);
                return false;
            }
            breaker.success();
            postgresOk();
            log.info("ingest: PostgreSQL answers again; circuit breaker closed");
            return true;
        }

        void redisOk() {
            redisHealthy = true;
        }

        void redisFailed(RuntimeException e) {
            sourceFailed("redis", e);
        }

        /** The source (Redis or Kafka) failed; {@code /health} reports it as the consumer's health. */
        void sourceFailed(String source, RuntimeException e) {
            if (redisHealthy) {
                log.warn("ingest: {} call failed: {}", source, e.toString());
            }
            redisHealthy = false;
            lastError = source + ": " + e.getMessage();
        }

        void postgresOk() {
            lastBatchOk = true;
        }

        void postgresFailed(RuntimeException e) {
            lastBatchOk = false;
            lastError = "postgres: " + e.getMessage();
        }

        void committed(BatchWriter.Outcome o, List<DeadLetters.Burial> buried, long nanos) {
            Instant now = clock.instant();
            metrics.batchesProcessed.increment();
            metrics.eventsProcessed.increment(o.events());
            metrics.newEvents.increment(o.fresh().size());
            metrics.processing.record(Duration.ofNanos(nanos));
            metrics.eventProcessing.record(Duration.ofNanos(nanos));
            metrics.committed(o.events());
            if (!buried.isEmpty()) {
                metrics.deadLettered.increment(buried.size());
                metrics.eventsFailed.increment(buried.size());
                buried.forEach(b -> log.warn(
                        "dead-lettered {} {}: {}", b.entry().stream(), b.entry().id(), b.reason()));
            }
            if (o.reorgs() > 0) {
                metrics.reorgs.increment(o.reorgs());
                log.info("applied {} reorg notification(s): {} events rolled back", o.reorgs(), o.reorgDeleted());
            }
            Map<String, Long> unknown = new LinkedHashMap<>();
            for (var s : o.fresh().all()) {
                Instant block = s.event().meta().blockTimestamp();
                if (block != null && !block.isAfter(now)) {
                    metrics.endToEnd.record(Duration.between(block, now));
                }
                if (block != null) {
                    metrics.applied(s.entry().stream(), block);
                }
                if (s.event() instanceof Generic g) {
                    unknown.merge(g.eventName(), 1L, Long::sum);
                }
            }
            unknown.forEach(metrics::unknownEvent);
            long nowMs = now.toEpochMilli();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (var s : o.fresh().all()) {
                StreamEntry e = s.entry();
                if (seen.add(e.stream() + e.id()) && e.millis() <= nowMs) {
                    metrics.entryToCommit.record(Duration.ofMillis(nowMs - e.millis()));
                }
            }
        }
    }
}
