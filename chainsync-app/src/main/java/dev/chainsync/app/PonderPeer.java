package dev.chainsync.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainsync.chain.LocalTools;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Ponder ({@code bench/peers/ponder}, handlers equivalent to chainsync's Intuition projections)
 * indexing one contract over a block range into a PostgreSQL schema: the peer of
 * {@code bench ingest --source evm}. Installs its packages ({@code npm ci}) when missing, runs
 * {@code ponder start} until the end block is indexed, stops it and answers events per second;
 * answers empty, saying why, where Node.js, npm or the project is missing or Ponder fails.
 */
final class PonderPeer {
    /** The Ponder project, relative to the repository root. */
    static final String DIRECTORY = "bench/peers/ponder";
    /**
     * Blocks Ponder 0.16 treats as not final on a chain it does not know (anvil's 31337 included):
     * it backfills only up to {@code head - 30} and indexes later blocks one at a time in its
     * realtime mode, much slower. A fair run has the end block at least this far below the head.
     */
    static final int FINALITY_BLOCKS = 30;
    /** The Intuition event tables the handlers fill, one row per event. */
    static final List<String> EVENT_TABLES = List.of(
            "atom_created_events",
            "triple_created_events",
            "deposited_events",
            "redeemed_events",
            "share_price_changed_events");

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,44}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);

    private PonderPeer() {}

    /**
     * What Ponder indexes and where.
     *
     * @param rpcUrl the node's JSON-RPC URL
     * @param contract the Intuition events contract's address
     * @param startBlock first block indexed (inclusive)
     * @param endBlock last block indexed (inclusive)
     * @param jdbcUrl the database, {@code jdbc:postgresql://host:port/name}
     * @param schema the schema Ponder writes its tables into (dropped first)
     */
    record Target(
            URI rpcUrl,
            long chainId,
            String contract,
            long startBlock,
            long endBlock,
            String jdbcUrl,
            String user,
            String password,
            String schema) {
        Target {
            if (schema == null || !SCHEMA.matcher(schema).matches()) {
                throw new IllegalArgumentException("schema must be a lower-case identifier of at most 45 characters");
            }
            if (startBlock < 0 || endBlock < startBlock) {
                throw new IllegalArgumentException("need 0 <= startBlock <= endBlock");
            }
            if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException("jdbcUrl must be jdbc:postgresql://...");
            }
        }

        /** The connection string Ponder (node-postgres) takes. */
        String ponderDatabaseUrl() {
            String rest = jdbcUrl.substring("jdbc:postgresql://".length());
            int query = rest.indexOf('?');
            rest = query < 0 ? rest : rest.substring(0, query);
            String credentials =
                    user == null ? "" : encode(user) + (password == null ? "" : ":" + encode(password)) + "@";
            return "postgresql://" + credentials + rest;
        }

        private static String encode(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        }
    }

    /**
     * One run: {@code events} rows in the event tables, {@code wall} from starting the process to
     * the end block indexed, {@code indexing} from its HTTP server answering (schema created, sync
     * started) to the end block indexed; {@code backfillOnly} when no block was left for its
     * realtime mode.
     */
    record Run(long events, Duration wall, Duration indexing, boolean backfillOnly) {
        /** Events per second over the indexing time (Ponder's start-up excluded). */
        double eventsPerSecond() {
            return events / Math.max(1e-9, indexing.toNanos() / 1e9);
        }

        /** Events per second over the whole run, start-up included. */
        double eventsPerSecondWall() {
            return events / Math.max(1e-9, wall.toNanos() / 1e9);
        }
    }

    /** {@code bench/peers/ponder} found from the working directory upwards, or null. */
    static Path findDirectory() {
        return LocalTools.findAbove(DIRECTORY, "package.json");
    }

    /**
     * Runs Ponder over {@code target} until its end block is indexed or {@code timeout} passed;
     * empty (with the reason on {@code out}) when it cannot run or does not finish.
     */
    static Optional<Run> run(Target target, Duration timeout, PrintStream out) {
        Path dir = findDirectory();
        if (dir == null) {
            out.println("ponder: skipped, " + DIRECTORY + " not found above "
                    + Path.of("").toAbsolutePath());
            return Optional.empty();
        }
        String missing = missingTool();
        if (missing != null) {
            out.println("ponder: skipped, " + missing);
            return Optional.empty();
        }
        if (!install(dir, out)) {
            return Optional.empty();
        }
        long head = headBlock(target.rpcUrl());
        boolean backfillOnly = head - target.endBlock() >= FINALITY_BLOCKS;
        if (!backfillOnly) {
            out.printf(
                    "ponder: the end block %d is less than %d blocks below the head %d: Ponder indexes the last"
                            + " blocks in its slower realtime mode; mine %d more blocks first for its backfill rate%n",
                    target.endBlock(), FINALITY_BLOCKS, head, FINALITY_BLOCKS - (head - target.endBlock()));
        }
        dropSchema(target);
        try {
            return measure(dir, target, timeout, backfillOnly, out);
        } catch (IOException e) {
            out.println("ponder: failed to run: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Why Node.js or npm cannot run here, or null when both can. */
    static String missingTool() {
        for (String tool : List.of("node", "npm")) {
            try {
                Process p = new ProcessBuilder(tool, "--version")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    return tool + " --version failed: install Node.js 20+ and npm";
                }
            } catch (IOException e) {
                return tool + " is not installed (Ponder needs Node.js 20+ and npm)";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        return null;
    }

    /** Runs {@code npm ci} in {@code dir} unless Ponder is installed; false (said on {@code out}) when it fails. */
    static boolean install(Path dir, PrintStream out) {
        if (Files.isRegularFile(dir.resolve("node_modules/ponder/package.json"))) {
            return true;
        }
        out.println("ponder: installing " + DIRECTORY + " (npm ci)...");
        try {
            Path log = Files.createTempFile("ponder-npm-ci", ".log");
            Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                LocalTools.stop(p);
                out.println("ponder: skipped, npm ci did not finish within " + INSTALL_TIMEOUT + " (log: " + log + ")");
                return false;
            }
            if (p.exitValue() != 0) {
                out.println("ponder: skipped, npm ci failed with " + p.exitValue() + " (log: " + log + ")");
                return false;
            }
            return true;
        } catch (IOException e) {
            out.println("ponder: skipped, npm ci could not run: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Optional<Run> measure(
            Path dir, Target target, Duration timeout, boolean backfillOnly, PrintStream out) throws IOException {
        int port = freePort();
        Path log = Files.createTempFile("ponder-" + target.schema(), ".log");
        ProcessBuilder pb = new ProcessBuilder(
                        dir.resolve("node_modules/.bin/ponder").toString(),
                        "--log-format",
                        "json",
                        "start",
                        "--schema",
                        target.schema(),
                        "--port",
                        String.valueOf(port),
                        "--hostname",
                        "127.0.0.1")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment()
                .putAll(Map.of(
                        "PONDER_TELEMETRY_DISABLED", "true",
                        "DATABASE_URL", target.ponderDatabaseUrl(),
                        "PONDER_RPC_URL", target.rpcUrl().toString(),
                        "PONDER_CHAIN_ID", String.valueOf(target.chainId()),
                        "PONDER_CONTRACT", target.contract(),
                        "PONDER_START_BLOCK", String.valueOf(target.startBlock()),
                        "PONDER_END_BLOCK", String.valueOf(target.endBlock())));
        long start = System.nanoTime();
        Process process = pb.start();
        try {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            URI base = URI.create("http://127.0.0.1:" + port);
            long serving = -1;
            long deadline = start + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    out.println(
                            "ponder: exited with " + process.exitValue() + " before the end block (log: " + log + ")");
                    return Optional.empty();
                }
                if (serving < 0 && status(http, base.resolve("/health")) == 200) {
                    serving = System.nanoTime();
                }
                if (serving >= 0 && indexedBlock(http, base) >= target.endBlock()) {
                    long done = System.nanoTime();
                    return Optional.of(new Run(
                            countEvents(target),
                            Duration.ofNanos(done - start),
                            Duration.ofNanos(done - serving),
                            backfillOnly));
                }
                process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS);
            }
            out.println("ponder: the end block was not indexed within " + timeout + " (log: " + log + ")");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            LocalTools.stop(process);
        }
    }

    /** The block Ponder's indexing has reached ({@code /status}), or -1 before it says. */
    private static long indexedBlock(HttpClient http, URI base) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(base.resolve("/status"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return -1;
            }
            long least = Long.MAX_VALUE;
            for (JsonNode chain : JSON.readTree(r.body())) {
                least = Math.min(least, chain.path("block").path("number").asLong(-1));
            }
            return least == Long.MAX_VALUE ? -1 : least;
        } catch (IOException notYet) {
            return -1;
        }
    }

    private static int status(HttpClient http, URI url) throws InterruptedException {
        try {
            return http.send(
                            HttpRequest.newBuilder(url)
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException notYet) {
            return -1;
        }
    }

    /** The node's head block number. */
    static long headBlock(URI rpcUrl) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(rpcUrl)
                                    .timeout(Duration.ofSeconds(10))
                                    .header("Content-Type", "application/json")
                                    .POST(
                                            HttpRequest.BodyPublishers.ofString(
                                                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return Long.decode(JSON.readTree(r.body()).path("result").asText());
        } catch (IOException e) {
            throw new UncheckedIOException("eth_blockNumber failed on " + rpcUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Drops the schema, so Ponder starts empty (it refuses a schema another build of the app used). */
    static void dropSchema(Target target) {
        sql(target, s -> s.execute("DROP SCHEMA IF EXISTS " + target.schema() + " CASCADE"));
    }

    /** Rows in the event tables of the schema. */
    static long countEvents(Target target) {
        long[] total = {0};
        sql(target, s -> {
            for (String table : EVENT_TABLES) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + target.schema() + "." + table)) {
                    rs.next();
                    total[0] += rs.getLong(1);
                }
            }
        });
        return total[0];
    }

    private interface SqlWork {
        void on(Statement s) throws SQLException;
    }

    private static void sql(Target target, SqlWork work) {
        try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
                Statement s = c.createStatement()) {
            work.on(s);
        } catch (SQLException e) {
            throw new IllegalStateException("ponder schema " + target.schema() + ": " + e.getMessage(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
