package dev.chainsync.app;

import dev.chainsync.db.Database;
import dev.chainsync.db.DatabaseConfig;
import dev.chainsync.db.Jdbc;
import dev.chainsync.ingest.BlockCoverage;
import dev.chainsync.ingest.Ingest;
import dev.chainsync.ingest.IngestConfig;
import dev.chainsync.testkit.EmbeddedRedis;
import dev.chainsync.testkit.IntuitionWorkload;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The ingest benchmark: a generated Intuition workload in rindexer's format (deposits,
 * redemptions and price changes dominating; some duplicates; out-of-order delivery) is loaded
 * into Redis, then consumed into fully updated tables. Reports the sustained rate, the ceiling
 * (the same event rows COPYed into bare tables), their ratio, the latency from an entry's append
 * to its commit at a steady offered load, and whether a rebuild reproduces the live tables.
 */
final class IngestBenchmark {
    static final String NETWORK = "intuition";
    static final List<String> EVENT_TABLES = BlockCoverage.EVENT_TABLES;
    static final Duration TIMEOUT = Duration.ofMinutes(20);

    private final int events;
    private final int workers;
    private final int batch;
    private final double duplicates;
    private final int window;
    private final int txPerBlock;
    private final int latencyEvents;
    private final double latencyRate;

    IngestBenchmark(
            int events,
            int workers,
            int batch,
            double duplicates,
            int window,
            int txPerBlock,
            int latencyEvents,
            double latencyRate) {
        if (events < 1
                || workers < 1
                || batch < 1
                || window < 1
                || txPerBlock < 1
                || duplicates < 0
                || duplicates > 1) {
            throw new IllegalArgumentException(
                    "events, workers, batch, window and tx-per-block must be positive; " + "duplicates in [0, 1]");
        }
        this.events = events;
        this.workers = workers;
        this.batch = batch;
        this.duplicates = duplicates;
        this.window = window;
        this.txPerBlock = txPerBlock;
        this.latencyEvents = latencyEvents;
        this.latencyRate = latencyRate;
    }

    record Result(
            int distinctEvents,
            int deliveredEvents,
            int entries,
            double loadSeconds,
            double ingestSeconds,
            String ingestCpu,
            double[] byQuarter,
            double copyEventsPerSecond,
            double floorMicrosPerEvent,
            double latencyOfferedPerSecond,
            double p50Ms,
            double p99Ms,
            double rebuildSeconds,
            boolean rebuildEqualsLive,
            Map<String, Long> rows,
            String database,
            String redis) {
        double eventsPerSecond() {
            return distinctEvents / ingestSeconds;
        }

        String report(int workers, int batch) {
            int cores = Runtime.getRuntime().availableProcessors();
            return String.format(
                    """
                    bench ingest: %,d distinct events (%,d delivered with duplicates) in %,d rindexer entries
                      machine: %d cores, %s; date %s
                      database: %s; redis: %s; %d workers, batch %d entries
                      loaded into Redis in %.1f s
                      live ingest (all projections, one transaction per batch) : %,.0f events/s (%,.0f delivered/s), %.1f s
                        CPU during live ingest: %s
                        by quarter of the events: %s events/s
                      ceiling (same event rows COPYed into bare tables)        : %,.0f events/s
                      ratio live / ceiling                                      : %.2f
                      database floor (server-side, set-based, one backend)      : %.1f µs per event -> at most %,.0f events/s on %d cores
                      entry append -> commit at %,.0f events/s offered          : p50 %.0f ms, p99 %.0f ms
                      rebuild of all derived tables                             : %.1f s, equals live: %s
                      derived rows: %s""",
                    distinctEvents,
                    deliveredEvents,
                    entries,
                    cores,
                    System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java " + Runtime.version(),
                    LocalDate.now(),
                    database,
                    redis,
                    workers,
                    batch,
                    loadSeconds,
                    eventsPerSecond(),
                    deliveredEvents / ingestSeconds,
                    ingestSeconds,
                    ingestCpu,
                    Arrays.stream(byQuarter)
                            .mapToObj(q -> Double.isNaN(q) ? "-" : String.format("%,.0f", q))
                            .collect(Collectors.joining(" / ")),
                    copyEventsPerSecond,
                    eventsPerSecond() / copyEventsPerSecond,
                    floorMicrosPerEvent,
                    cores * 1e6 / floorMicrosPerEvent,
                    cores,
                    latencyOfferedPerSecond,
                    p50Ms,
                    p99Ms,
                    rebuildSeconds,
                    rebuildEqualsLive ? "yes" : "NO",
                    rows);
        }
    }

    Result run() throws Exception {
        Path tmp = Files.createTempDirectory("chainsync-bench-ingest");
        String externalUrl = System.getenv("DATABASE_URL");
        String scratch = "chainsync_bench_ingest_" + System.currentTimeMillis();
        DatabaseConfig dbConfig;
        DatabaseConfig base = null;
        if (externalUrl != null && !externalUrl.isBlank()) {
            base = ChainsyncConfig.fromEnvironment(Map.of("DATABASE_URL", externalUrl))
                    .database();
            admin(base, "CREATE DATABASE " + scratch);
            dbConfig = new DatabaseConfig(
                    base.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + scratch + "$1"),
                    base.user(),
                    base.password(),
                    workers + 4);
        } else {
            dbConfig = new DatabaseConfig(null, "postgres", null, workers + 4);
        }
        EmbeddedRedis embedded = null;
        String redisUrl = System.getenv("REDIS_URL");
        if (redisUrl == null || redisUrl.isBlank()) {
            redisUrl = reachable(IngestConfig.DEFAULT_REDIS_URL) ? IngestConfig.DEFAULT_REDIS_URL : null;
        }
        if (redisUrl == null) {
            embedded = EmbeddedRedis.start();
            redisUrl = embedded.url();
        }
        try (Database db = Databases.open(dbConfig, tmp, "bench-ingest")) {
            db.migrate();
            return measure(db, redisUrl, embedded != null);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
            if (base != null) {
                admin(base, "DROP DATABASE IF EXISTS " + scratch + " WITH (FORCE)");
            }
            try (var files = Files.walk(tmp)) {
                files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Result measure(Database db, String redisUrl, boolean embeddedRedis) throws Exception {
        Jdbc jdbc = db.jdbc();
        String prefix = "bench_" + UUID.randomUUID().toString().substring(0, 8);
        IntuitionWorkload workload = IntuitionWorkload.create(NETWORK, prefix, Math.max(100, events / 40), false, 42);
        List<IntuitionWorkload.Entry> chain = workload.events(events, txPerBlock);
        List<IntuitionWorkload.Entry> delivered = deliveryOrder(chain);
        int distinct = chain.stream().mapToInt(IntuitionWorkload.Entry::events).sum();
        int deliveredEvents =
                delivered.stream().mapToInt(IntuitionWorkload.Entry::events).sum();
        List<String> streams = workload.streams();
        RedisClient client = RedisClient.create(redisUrl);
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            long t0 = System.nanoTime();
            push(redis, delivered);
            double loadSeconds = (System.nanoTime() - t0) / 1e9;

            IngestConfig cfg = ingestConfig(redisUrl, streams, prefix);
            long t1 = System.nanoTime();
            CpuUse cpu1 = CpuUse.now();
            long[] quarters = new long[4];
            try (Ingest ingest = new Ingest(jdbc, cfg, Clock.systemUTC(), new SimpleMeterRegistry()).start()) {
                awaitCommitted(jdbc, redis, streams, cfg.consumerGroup(), distinct, quarters);
            }
            double ingestSeconds = (System.nanoTime() - t1) / 1e9;
            double[] byQuarter = quarterRates(t1, quarters, distinct);
            String ingestCpu = cpu1.describeUntil(CpuUse.now(), ingestSeconds);

            EventRowBounds rowBounds = eventRowBounds(db);

            // Latency at a steady offered load (default half the measured rate), fresh blocks, same group.
            double offered = latencyRate > 0 ? latencyRate : Math.max(1000, distinct / ingestSeconds / 2);
            double[] latency = {0, 0};
            if (latencyEvents > 0) {
                latency = latency(jdbc, redis, workload, cfg, distinct, offered);
            }
            // Live tables kept aside, then recomputed from the events and compared row by row (by value).
            for (String t : Ingest.derivedTables()) {
                jdbc.update("CREATE TABLE bench_live_" + t + " AS SELECT * FROM " + t);
            }
            long eventsStored = eventsStored(jdbc);
            long t2 = System.nanoTime();
            Ingest.RebuildResult rebuilt = Ingest.rebuild(jdbc, (i, n, name) -> {});
            double rebuildSeconds = (System.nanoTime() - t2) / 1e9;
            // The floor: one backend's time per event for the event rows (server-side) plus the derived
            // tables computed set-based from scratch, which is cheaper than keeping them up to date.
            double floorMicros =
                    (rowBounds.keyedInsertSeconds() / rowBounds.rows() + rebuildSeconds / eventsStored) * 1e6;
            boolean equal = liveEqualsRebuilt(jdbc);
            redis.sync().del(streams.toArray(String[]::new));
            redis.sync().del(cfg.deadLetterStream());
            return new Result(
                    distinct,
                    deliveredEvents,
                    delivered.size(),
                    loadSeconds,
                    ingestSeconds,
                    ingestCpu,
                    byQuarter,
                    rowBounds.copyEventsPerSecond(),
                    floorMicros,
                    offered,
                    latency[0],
                    latency[1],
                    rebuildSeconds,
                    equal,
                    rebuilt.rows(),
                    db.describe().replaceAll("\\(data in .*\\)", "(embedded)"),
                    embeddedRedis ? "embedded " + redisUrl : redisUrl);
        } finally {
            client.shutdown();
        }
    }

    private IngestConfig ingestConfig(String redisUrl, List<String> streams, String prefix) {
        return new IngestConfig(
                true,
                redisUrl,
                streams,
                prefix + "_group",
                "bench",
                batch,
                Duration.ofMillis(100),
                workers,
                Duration.ofSeconds(60),
                3,
                5,
                Duration.ofSeconds(5),
                prefix + "_dead");
    }

    /**
     * Events per second within each quarter of the run, which started at {@code start} and passed
     * the quarter marks at {@code quarters}: the first pays for JIT compilation, later ones show
     * whether the rate holds as the tables grow.
     */
    private static double[] quarterRates(long start, long[] quarters, int distinct) {
        double[] byQuarter = new double[quarters.length];
        for (int k = 0; k < quarters.length; k++) {
            long from = k == 0 ? start : quarters[k - 1];
            // One commit can cross two marks between polls: such a quarter has no rate of its own.
            byQuarter[k] = quarters[k] > from
                    ? distinct / (double) quarters.length / ((quarters[k] - from) / 1e9)
                    : Double.NaN;
        }
        return byQuarter;
    }

    static long eventsStored(Jdbc jdbc) {
        long eventsStored = 0;
        for (String t : EVENT_TABLES) {
            eventsStored += jdbc.queryOne("SELECT count(*) FROM " + t, r -> r.getLong(1))
                    .orElse(0L);
        }
        return eventsStored;
    }

    /** Compares each live table kept aside with its rebuilt counterpart (by value), dropping the live copy. */
    static boolean liveEqualsRebuilt(Jdbc jdbc) {
        boolean equal = true;
        for (String t : Ingest.derivedTables()) {
            long diff = jdbc.queryOne(
                            "SELECT (SELECT count(*) FROM (SELECT * FROM bench_live_" + t + " EXCEPT ALL "
                                    + "SELECT * FROM " + t + ") a) + (SELECT count(*) FROM (SELECT * FROM " + t
                                    + " EXCEPT ALL "
                                    + "SELECT * FROM bench_live_" + t + ") b)",
                            r -> r.getLong(1))
                    .orElseThrow();
            equal &= diff == 0;
            jdbc.update("DROP TABLE bench_live_" + t);
        }
        return equal;
    }

    /** Chain order, then a fraction of entries again (producer restarts), then local shuffles (parallel indexing). */
    private List<IntuitionWorkload.Entry> deliveryOrder(List<IntuitionWorkload.Entry> chain) {
        Random r = new Random(7);
        List<IntuitionWorkload.Entry> out = new ArrayList<>(chain);
        int dups = (int) Math.round(chain.size() * duplicates);
        for (int i = 0; i < dups; i++) {
            int at = r.nextInt(out.size());
            out.add(Math.min(out.size(), at + r.nextInt(window)), chain.get(r.nextInt(chain.size())));
        }
        for (int start = 0; start < out.size(); start += window) {
            Collections.shuffle(out.subList(start, Math.min(out.size(), start + window)), r);
        }
        return out;
    }

    private static void push(StatefulRedisConnection<String, String> redis, List<IntuitionWorkload.Entry> entries) {
        RedisAsyncCommands<String, String> async = redis.async();
        redis.setAutoFlushCommands(false);
        try {
            List<RedisFuture<String>> pending = new ArrayList<>();
            for (IntuitionWorkload.Entry e : entries) {
                pending.add(async.xadd(e.stream(), Map.of("payload", e.payload())));
                if (pending.size() == 1000) {
                    redis.flushCommands();
                    LettuceFutures.awaitAll(60, TimeUnit.SECONDS, pending.toArray(RedisFuture[]::new));
                    pending.clear();
                }
            }
            redis.flushCommands();
            LettuceFutures.awaitAll(60, TimeUnit.SECONDS, pending.toArray(RedisFuture[]::new));
        } finally {
            redis.setAutoFlushCommands(true);
        }
    }

    private static void awaitCommitted(
            Jdbc jdbc, StatefulRedisConnection<String, String> redis, List<String> streams, String group, long expected)
            throws InterruptedException {
        awaitCommitted(jdbc, redis, streams, group, expected, new long[0]);
    }

    /**
     * Waits until {@code expected} new events are committed and nothing is pending; {@code marks[k]}
     * receives the time (nanoTime) at which the count first reached (k + 1) / marks.length of it.
     */
    private static void awaitCommitted(
            Jdbc jdbc,
            StatefulRedisConnection<String, String> redis,
            List<String> streams,
            String group,
            long expected,
            long[] marks)
            throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            long fresh = jdbc.queryOne(
                            "SELECT coalesce(sum(new_events), 0) FROM ingest_progress WHERE consumer_group = ?",
                            r -> r.getLong(1),
                            group)
                    .orElse(0L);
            long seen = System.nanoTime();
            for (int k = 0; k < marks.length; k++) {
                if (marks[k] == 0 && fresh * marks.length >= expected * (k + 1)) {
                    marks[k] = seen;
                }
            }
            if (fresh >= expected) {
                long pending = 0;
                for (String s : streams) {
                    pending += redis.sync().xpending(s, group).getCount();
                }
                if (pending == 0) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("ingest did not finish within " + TIMEOUT);
    }

    /**
     * What the database alone needs for the event rows: the rows COPYed (binary, from memory) into
     * index-free copies of the event tables (the ceiling), and the same rows inserted server-side,
     * sorted, into copies with the real keys and indexes (part of the floor).
     */
    record EventRowBounds(double copyEventsPerSecond, double keyedInsertSeconds, long rows) {}

    static EventRowBounds eventRowBounds(Database db) throws SQLException, IOException {
        try (Connection c = db.dataSource().getConnection()) {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            long rows = 0;
            List<byte[]> data = new ArrayList<>();
            for (String t : EVENT_TABLES) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                copy.copyOut("COPY " + t + " TO STDOUT (FORMAT binary)", out);
                data.add(out.toByteArray());
                c.createStatement().execute("CREATE TABLE bare_" + t + " (LIKE " + t + ")");
                c.createStatement().execute("CREATE TABLE keyed_" + t + " (LIKE " + t + " INCLUDING ALL)");
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < EVENT_TABLES.size(); i++) {
                rows += copy.copyIn(
                        "COPY bare_" + EVENT_TABLES.get(i) + " FROM STDIN (FORMAT binary)",
                        new ByteArrayInputStream(data.get(i)));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            // Server-side, no client encoding or network: what a batch's event inserts cost at the least.
            long t1 = System.nanoTime();
            for (String t : EVENT_TABLES) {
                c.createStatement()
                        .execute(
                                "INSERT INTO keyed_" + t + " SELECT * FROM bare_" + t
                                        + " ORDER BY transaction_hash, log_index ON CONFLICT (transaction_hash, log_index) DO NOTHING");
            }
            double keyedSeconds = (System.nanoTime() - t1) / 1e9;
            for (String t : EVENT_TABLES) {
                c.createStatement().execute("DROP TABLE bare_" + t);
                c.createStatement().execute("DROP TABLE keyed_" + t);
            }
            return new EventRowBounds(rows / seconds, keyedSeconds, rows);
        }
    }

    /** Pushes fresh blocks at {@code perSecond} while consuming; percentiles of entry append -> commit. */
    private double[] latency(
            Jdbc jdbc,
            StatefulRedisConnection<String, String> redis,
            IntuitionWorkload workload,
            IngestConfig cfg,
            long committedBefore,
            double perSecond)
            throws InterruptedException {
        List<IntuitionWorkload.Entry> more = workload.events(latencyEvents, txPerBlock);
        int moreEvents = more.stream().mapToInt(IntuitionWorkload.Entry::events).sum();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Ingest ingest = new Ingest(jdbc, cfg, Clock.systemUTC(), registry).start()) {
            long start = System.nanoTime();
            int sent = 0;
            for (IntuitionWorkload.Entry e : more) {
                long due = start + (long) (sent / perSecond * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                redis.sync().xadd(e.stream(), Map.of("payload", e.payload()));
                sent += e.events();
            }
            awaitCommitted(jdbc, redis, workload.streams(), cfg.consumerGroup(), committedBefore + moreEvents);
            Timer t = registry.find("chainsync_ingest_entry_to_commit_seconds").timer();
            double p50 = 0;
            double p99 = 0;
            for (ValueAtPercentile v : t.takeSnapshot().percentileValues()) {
                if (v.percentile() == 0.5) {
                    p50 = v.value(TimeUnit.MILLISECONDS);
                } else if (v.percentile() == 0.99) {
                    p99 = v.value(TimeUnit.MILLISECONDS);
                }
            }
            return new double[] {p50, p99};
        }
    }

    private static boolean reachable(String url) {
        RedisClient c = RedisClient.create(url);
        try (var conn = c.connect()) {
            conn.sync().ping();
            return true;
        } catch (RuntimeException e) {
            return false;
        } finally {
            c.shutdown();
        }
    }

    static void admin(DatabaseConfig base, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(base.jdbcUrl(), base.user(), base.password())) {
            c.createStatement().execute(sql);
        }
    }
}
