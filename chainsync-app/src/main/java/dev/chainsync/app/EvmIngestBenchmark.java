package dev.chainsync.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.chainsync.chain.evm.AnvilNode;
import dev.chainsync.chain.evm.IntuitionEventsContract;
import dev.chainsync.db.Database;
import dev.chainsync.db.DatabaseConfig;
import dev.chainsync.db.Jdbc;
import dev.chainsync.ingest.EvmSourceConfig;
import dev.chainsync.ingest.Ingest;
import dev.chainsync.ingest.IngestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bench ingest --source evm}: anvil filled with generated Intuition events (the
 * IntuitionEvents contract's {@code fill}), then read by chainsync's native EVM source into fully
 * updated tables. Prints, in the same run, the node's raw {@code eth_getLogs} delivery rate over the
 * same blocks and the database floor of the same events (the two limits), and Ponder indexing the
 * same contract into the same PostgreSQL ({@link PonderPeer}).
 */
final class EvmIngestBenchmark {
    static final String NETWORK = "anvil";
    static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int events;
    private final int perBlock;
    private final int maxRange;
    private final boolean ponder;

    EvmIngestBenchmark(int events, int perBlock, int maxRange, boolean ponder) {
        if (events < 1 || perBlock < 1 || perBlock > 3_000 || maxRange < 1) {
            throw new IllegalArgumentException("events and max-range must be positive, events-per-block 1 to 3000");
        }
        this.events = events;
        this.perBlock = perBlock;
        this.maxRange = maxRange;
        this.ponder = ponder;
    }

    record Result(
            long events,
            long blocks,
            double fillSeconds,
            double rawPerSecond,
            double ingestSeconds,
            String ingestCpu,
            double floorMicrosPerEvent,
            boolean rebuildEqualsLive,
            Optional<PonderPeer.Run> ponder,
            String ponderNote,
            String database) {
        double eventsPerSecond() {
            return events / ingestSeconds;
        }

        String report(int perBlock, int maxRange) {
            int cores = Runtime.getRuntime().availableProcessors();
            double floorRate = cores * 1e6 / floorMicrosPerEvent;
            double tighter = Math.min(rawPerSecond, floorRate);
            String peer = ponder.map(p -> String.format(
                            "%,.0f events/s (indexing; %,.0f with start-up), %,d events%s -> chainsync/ponder %.1fx",
                            p.eventsPerSecond(),
                            p.eventsPerSecondWall(),
                            p.events(),
                            p.backfillOnly() ? "" : ", partly in its realtime mode",
                            eventsPerSecond() / p.eventsPerSecond()))
                    .orElse("not measured (" + ponderNote + ")");
            return String.format(
                    """
                    bench ingest --source evm: %,d Intuition events in %,d blocks (%d per block) on anvil
                      machine: %d cores, %s; date %s
                      database: %s; eth_getLogs ranges of at most %d blocks
                      filled anvil in %.1f s
                      chainsync native EVM source (decode, events, all projections, checkpoint): %,.0f events/s, %.1f s
                        CPU during ingest: %s
                      node's raw eth_getLogs delivery over the same blocks (fetch + JSON parse): %,.0f events/s
                      database floor (server-side, set-based, one backend): %.1f µs per event -> at most %,.0f events/s on %d cores
                      chainsync / tighter limit (%,.0f events/s)                          : %.2f
                      ponder 0.16 (same contract, same PostgreSQL, equivalent handlers)  : %s
                      rebuild of all derived tables equals live: %s""",
                    events,
                    blocks,
                    perBlock,
                    cores,
                    System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java " + Runtime.version(),
                    LocalDate.now(),
                    database,
                    maxRange,
                    fillSeconds,
                    eventsPerSecond(),
                    ingestSeconds,
                    ingestCpu,
                    rawPerSecond,
                    floorMicrosPerEvent,
                    floorRate,
                    cores,
                    tighter,
                    eventsPerSecond() / tighter,
                    peer,
                    rebuildEqualsLive ? "yes" : "NO");
        }
    }

    Result run() throws Exception {
        Path dir = AnvilNode.findDirectory();
        String unavailable = AnvilNode.unavailableReason(dir);
        if (unavailable != null) {
            throw new IllegalStateException("bench ingest --source evm needs anvil: " + unavailable);
        }
        try (AnvilNode node = AnvilNode.start(dir)) {
            String contract = node.deployIntuitionEvents();
            long t0 = System.nanoTime();
            long lastFilled = fill(node, contract);
            double fillSeconds = (System.nanoTime() - t0) / 1e9;
            // Blocks on top, so Ponder reads every filled block in its backfill (not its slower realtime mode).
            node.mine(PonderPeer.FINALITY_BLOCKS + 5);
            long head = blockNumber(node.url());
            double raw = rawGetLogs(node.url(), contract, head);
            return withDatabase(node, contract, lastFilled, head, fillSeconds, raw);
        }
    }

    /** Emits the events, {@code perBlock} per transaction, a block each; returns the last block with events. */
    private long fill(AnvilNode node, String contract) {
        long last = 0;
        for (long first = 0; first < events; first += perBlock) {
            int count = (int) Math.min(perBlock, events - first);
            JsonNode receipt = node.transact(
                    contract, IntuitionEventsContract.fillCall(first, count), IntuitionEventsContract.fillGas(count));
            last = Long.decode(receipt.path("blockNumber").asText());
        }
        return last;
    }

    /**
     * The node's own limit: every log of the contract fetched in ranges of {@code maxRange} blocks
     * and parsed, one request after the other, as any reader must at the least.
     */
    private double rawGetLogs(URI url, String contract, long head) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long logs = 0;
        int range = Math.min(maxRange, Math.max(1, 5_000 / perBlock)); // the source's own target per range
        long t0 = System.nanoTime();
        for (long from = 0; from <= head; from += range) {
            long to = Math.min(head, from + range - 1);
            String body = JSON.writeValueAsString(Map.of(
                    "jsonrpc",
                    "2.0",
                    "id",
                    1,
                    "method",
                    "eth_getLogs",
                    "params",
                    List.of(Map.of(
                            "address",
                            contract,
                            "fromBlock",
                            "0x" + Long.toHexString(from),
                            "toBlock",
                            "0x" + Long.toHexString(to)))));
            HttpResponse<byte[]> r = http.send(
                    HttpRequest.newBuilder(url)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            logs += JSON.readTree(r.body()).path("result").size();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (logs != events) {
            throw new IllegalStateException("the node returned " + logs + " logs for " + events + " events");
        }
        return logs / seconds;
    }

    private Result withDatabase(AnvilNode node, String contract, long lastFilled, long head, double fill, double raw)
            throws Exception {
        Path tmp = Files.createTempDirectory("chainsync-bench-evm");
        String externalUrl = System.getenv("DATABASE_URL");
        String scratch = "chainsync_bench_evm_" + System.currentTimeMillis();
        DatabaseConfig base = null;
        DatabaseConfig dbConfig;
        if (externalUrl != null && !externalUrl.isBlank()) {
            base = ChainsyncConfig.fromEnvironment(Map.of("DATABASE_URL", externalUrl))
                    .database();
            IngestBenchmark.admin(base, "CREATE DATABASE " + scratch);
            dbConfig = new DatabaseConfig(
                    base.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + scratch + "$1"),
                    base.user(),
                    base.password(),
                    6);
        } else {
            dbConfig = new DatabaseConfig(null, "postgres", null, 6);
        }
        try (Database db = Databases.open(dbConfig, tmp, "bench-evm")) {
            db.migrate();
            return measure(db, dbConfig, node, contract, lastFilled, head, fill, raw);
        } finally {
            if (base != null) {
                IngestBenchmark.admin(base, "DROP DATABASE IF EXISTS " + scratch + " WITH (FORCE)");
            }
            try (var files = Files.walk(tmp)) {
                files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Result measure(
            Database db,
            DatabaseConfig dbConfig,
            AnvilNode node,
            String contract,
            long lastFilled,
            long head,
            double fill,
            double raw)
            throws Exception {
        Jdbc jdbc = db.jdbc();
        IngestConfig cfg = ingestConfig(node, contract);
        CpuUse cpu = CpuUse.now();
        long t0 = System.nanoTime();
        try (Ingest ingest = new Ingest(jdbc, cfg, Clock.systemUTC(), new SimpleMeterRegistry()).start()) {
            awaitCheckpoint(jdbc, head);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String cpuUse = cpu.describeUntil(CpuUse.now(), seconds);
        long stored = IngestBenchmark.eventsStored(jdbc);
        if (stored != events) {
            throw new IllegalStateException("chainsync stored " + stored + " events of " + events);
        }
        IngestBenchmark.EventRowBounds bounds = IngestBenchmark.eventRowBounds(db);
        for (String t : Ingest.derivedTables()) {
            jdbc.update("CREATE TABLE bench_live_" + t + " AS SELECT * FROM " + t);
        }
        long t1 = System.nanoTime();
        Ingest.rebuild(jdbc, (i, n, name) -> {});
        double rebuildSeconds = (System.nanoTime() - t1) / 1e9;
        double floorMicros = (bounds.keyedInsertSeconds() / bounds.rows() + rebuildSeconds / stored) * 1e6;
        boolean equal = IngestBenchmark.liveEqualsRebuilt(jdbc);

        Optional<PonderPeer.Run> peer =
                ponder ? ponderPeer(db, dbConfig, node, contract, lastFilled) : Optional.empty();
        String note = ponder ? "see the ponder: lines above" : "--no-ponder";
        return new Result(
                events,
                head + 1,
                fill,
                raw,
                seconds,
                cpuUse,
                floorMicros,
                equal,
                peer,
                note,
                db.describe().replaceAll("\\(data in .*\\)", "(embedded)"));
    }

    /** Ingest from the EVM source only: one worker, no Redis streams read. */
    private IngestConfig ingestConfig(AnvilNode node, String contract) {
        EvmSourceConfig evm = new EvmSourceConfig(
                List.of(node.url()),
                List.of(contract),
                0,
                NETWORK,
                EvmSourceConfig.DEFAULT_REQUEST_TIMEOUT,
                maxRange,
                Duration.ofMillis(20));
        IngestConfig d = IngestConfig.defaults();
        IngestConfig cfg = new IngestConfig(
                true,
                d.redisUrl(),
                d.streams(),
                d.consumerGroup(),
                "bench-evm",
                d.batchSize(),
                d.batchTimeout(),
                1,
                d.processingTimeout(),
                d.maxRetries(),
                d.breakerThreshold(),
                d.breakerTimeout(),
                d.deadLetterStream(),
                null,
                evm);
        return cfg;
    }

    /** Runs the Ponder indexer over the same blocks into the same database, printing its lines. */
    private static Optional<PonderPeer.Run> ponderPeer(
            Database db, DatabaseConfig dbConfig, AnvilNode node, String contract, long lastFilled) {
        HikariDataSource ds = (HikariDataSource) db.dataSource();
        return PonderPeer.run(
                new PonderPeer.Target(
                        node.url(),
                        AnvilNode.CHAIN_ID,
                        contract,
                        0,
                        lastFilled,
                        ds.getJdbcUrl(),
                        ds.getUsername(),
                        dbConfig.password(),
                        "ponder_bench"),
                TIMEOUT,
                System.out);
    }

    private static void awaitCheckpoint(Jdbc jdbc, long head) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            long at = jdbc.queryOne(
                            "SELECT block_number FROM evm_ingest_checkpoints WHERE network = ?",
                            r -> r.getLong(1),
                            NETWORK)
                    .orElse(-1L);
            if (at >= head) {
                return;
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the EVM source did not reach block " + head + " within " + TIMEOUT);
    }

    private static long blockNumber(URI url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(url)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return Long.decode(JSON.readTree(r.body()).path("result").asText());
    }
}
