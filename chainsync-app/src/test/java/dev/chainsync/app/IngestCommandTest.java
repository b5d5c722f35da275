package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chainsync.db.Jdbc;
import dev.chainsync.ingest.Ingest;
import dev.chainsync.ingest.IngestConfig;
import dev.chainsync.testing.TableRows;
import dev.chainsync.testing.TestDatabases;
import dev.chainsync.testkit.EmbeddedRedis;
import dev.chainsync.testkit.IntuitionWorkload;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code chainsync ingest rebuild} and {@code chainsync ingest status} run in-process through
 * {@link Main}, configured by environment variables, on a scratch database filled by live
 * ingestion from real Redis streams.
 */
class IngestCommandTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final List<String> EVENT_TABLES = List.of(
            "atom_created_events",
            "triple_created_events",
            "deposited_events",
            "redeemed_events",
            "share_price_changed_events",
            "generic_events");
    /** A Deposited entry cut short: unparseable, so it is dead-lettered. */
    static final String TRUNCATED = "{\"event_name\":\"Deposited\",\"event_data\":";

    @TempDir
    Path dir;

    EmbeddedRedis embedded;
    RedisClient client;
    StatefulRedisConnection<String, String> connection;
    RedisCommands<String, String> redis;
    String redisUrl;
    TestDatabases.Scratch db;
    Jdbc jdbc;
    String prefix;
    IntuitionWorkload workload;

    /** Exit code and what the command printed to its two writers. */
    record Run(int exitCode, String out, String err) {}

    @BeforeEach
    void setUp() {
        redisUrl = "redis://127.0.0.1:6379";
        RedisClient probe = RedisClient.create(redisUrl);
        try (var c = probe.connect()) {
            c.sync().ping();
        } catch (RuntimeException e) {
            embedded = EmbeddedRedis.start();
            redisUrl = embedded.url();
        } finally {
            probe.shutdown();
        }
        client = RedisClient.create(redisUrl);
        connection = client.connect();
        redis = connection.sync();
        db = TestDatabases.create("ingest_cli", 4);
        jdbc = db.database().jdbc();
        prefix = "cs_cli_" + UUID.randomUUID().toString().substring(0, 8);
        workload = IntuitionWorkload.create("intuition", prefix, 12, true, 5);
    }

    @AfterEach
    void tearDown() {
        try {
            List<String> keys = new ArrayList<>(workload.streams());
            keys.add(deadLetterStream());
            redis.del(keys.toArray(String[]::new));
            connection.close();
            client.shutdown();
        } finally {
            db.close();
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    // ------------------------------------------------------------------ rebuild

    @Test
    void rebuildRestoresCorruptedDerivedTablesToWhatLiveIngestionProducedAndReportsEachStep() {
        ingestLive(workload.events(300, 6), 0);
        Map<String, List<String>> live = derived();
        assertThat(live.get("atom")).isNotEmpty();
        assertThat(live.get("position")).isNotEmpty();
        assertThat(live.get("vault")).isNotEmpty();
        corrupt();
        assertThat(derived()).as("the corruption took").isNotEqualTo(live);

        Run r = chainsync(env(db.jdbcUrl()), "ingest", "rebuild");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(derived()).isEqualTo(live);
        List<String> steps = Ingest.derivedTables();
        for (int i = 0; i < steps.size(); i++) {
            assertThat(r.out()).contains((i + 1) + "/" + steps.size() + " " + steps.get(i));
        }
        assertThat(r.out()).contains("[" + "#".repeat(IngestCommand.BAR_WIDTH) + "] " + steps.size() + "/");
        assertThat(r.out()).containsPattern("rebuilt in \\d+[.,]\\d s:");
        Map<String, Long> printed = printedRowCounts(r.out());
        assertThat(printed.keySet()).containsExactlyElementsOf(steps);
        for (String table : steps) {
            assertThat(printed.get(table)).as(table).isEqualTo(count("SELECT count(*) FROM " + table));
        }
    }

    @Test
    void aRebuildThatFailsPartWayRollsBackEverythingAndSaysWhyOnOneLine() throws Exception {
        ingestLive(workload.events(200, 6), 0);
        corrupt();
        Map<String, List<String>> corrupted = derived();
        List<String> steps = Ingest.derivedTables();
        String last = steps.getLast();
        String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "options=-c%20lock_timeout%3D1000";
        try (Connection holder = db.database().dataSource().getConnection()) {
            // Readers may go on, writers of the last table must wait: the rebuild gives up there.
            holder.setAutoCommit(false);
            holder.createStatement().execute("LOCK TABLE " + last + " IN SHARE MODE");

            Run r = chainsync(env(url), "ingest", "rebuild");

            assertThat(r.exitCode()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(r.err().lines().toList())
                    .singleElement()
                    .asString()
                    .startsWith("chainsync ingest rebuild: ")
                    .contains("lock timeout");
            assertThat(r.out())
                    .contains((steps.size() - 1) + "/" + steps.size() + " " + steps.get(steps.size() - 2))
                    .doesNotContain(steps.size() + "/" + steps.size())
                    .doesNotContain("rebuilt in");
            holder.rollback();
        }
        assertThat(derived())
                .as("the first eight steps were rolled back with the ninth")
                .isEqualTo(corrupted);
    }

    // ------------------------------------------------------------------ status

    @Test
    void statusPrintsTheTrueLengthLagPendingCommittedEntriesAndDeadLetters() {
        List<IntuitionWorkload.Entry> entries = workload.events(200, 5);
        Map<String, Long> good = perStream(entries);
        Map<String, Long> lastBlock = new HashMap<>();
        entries.forEach(e -> lastBlock.merge(e.stream(), e.block(), Math::max));
        Map<String, String> lastGoodId = ingestLive(entries, 1);
        String pendingStream = workload.stream("deposited");
        String laggingStream = workload.streams().stream()
                .filter(s -> !s.equals(pendingStream))
                .findFirst()
                .orElseThrow();
        // A consumer that read seven entries and died before acknowledging them; four more never read.
        for (int i = 0; i < 7; i++) {
            redis.xadd(pendingStream, Map.of("payload", "{\"held\":" + i + "}"));
        }
        redis.xreadgroup(
                Consumer.from(group(), "crashed"),
                XReadArgs.Builder.count(100),
                XReadArgs.StreamOffset.lastConsumed(pendingStream));
        for (int i = 0; i < 4; i++) {
            redis.xadd(laggingStream, Map.of("payload", "{\"unread\":" + i + "}"));
        }
        assertThat(redis.xpending(pendingStream, group()).getCount()).isEqualTo(7);

        Run r = chainsync(env(db.jdbcUrl()), "ingest", "status");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("consumer group " + group());
        Map<String, List<String>> rows = statusRows(r.out());
        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(workload.streams());
        for (String stream : workload.streams()) {
            long extra = stream.equals(pendingStream) ? 7 + 1 : stream.equals(laggingStream) ? 4 : 0;
            List<String> row = rows.get(stream);
            long committed = good.getOrDefault(stream, 0L);
            assertThat(row.get(0)).as(stream + " length").isEqualTo(String.valueOf(committed + extra));
            assertThat(row.get(1)).as(stream + " lag").isEqualTo(stream.equals(laggingStream) ? "4" : "0");
            assertThat(row.get(2)).as(stream + " pending").isEqualTo(stream.equals(pendingStream) ? "7" : "0");
            assertThat(row.get(3)).as(stream + " committed entries").isEqualTo(String.valueOf(committed));
            assertThat(row.get(5)).as(stream + " last block").isEqualTo(String.valueOf(lastBlock.get(stream)));
            assertThat(row.get(6)).as(stream + " last committed entry").isEqualTo(lastGoodId.get(stream));
        }
        long newEvents = rows.values().stream()
                .mapToLong(row -> Long.parseLong(row.get(4)))
                .sum();
        assertThat(newEvents)
                .isEqualTo(entries.stream()
                        .mapToInt(IntuitionWorkload.Entry::events)
                        .sum());
        assertThat(r.out()).contains("dead letters: 1 (1 not replayed)").contains("reorgs applied: 0");
        assertThat(redis.xlen(deadLetterStream())).isEqualTo(1);

        // Redis gone: what the database knows is still printed, the Redis figures are not guessed.
        String nowhere = "redis://127.0.0.1:" + EmbeddedRedis.freePort();
        Map<String, String> down = new HashMap<>(env(db.jdbcUrl()));
        down.put("REDIS_URL", nowhere);
        Run blind = chainsync(down, "ingest", "status");

        assertThat(blind.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(blind.err().lines().toList())
                .singleElement()
                .asString()
                .startsWith("chainsync ingest status: Redis at " + nowhere + " not reachable");
        Map<String, List<String>> blindRows = statusRows(blind.out());
        assertThat(blindRows.keySet()).containsExactlyInAnyOrderElementsOf(workload.streams());
        blindRows.forEach((stream, row) -> {
            assertThat(row.subList(0, 3)).as(stream).containsOnly("-");
            assertThat(row.subList(3, 7)).as(stream).isEqualTo(rows.get(stream).subList(3, 7));
        });
        assertThat(blind.out()).contains("dead letters: 1 (1 not replayed)");
        assertThat(redis.xpending(pendingStream, group()).getCount()).isEqualTo(7);

        // Without REDIS_STREAMS: every stream the database holds progress for, not just the default.
        Map<String, String> unnamed = new HashMap<>(env(db.jdbcUrl()));
        unnamed.remove("REDIS_STREAMS");
        Run all = chainsync(unnamed, "ingest", "status");
        assertThat(all.exitCode()).as(all.err()).isZero();
        Map<String, List<String>> allRows = statusRows(all.out());
        assertThat(allRows.keySet()).containsExactlyInAnyOrderElementsOf(workload.streams());
        allRows.forEach((stream, row) -> assertThat(row).as(stream).isEqualTo(rows.get(stream)));
    }

    // ------------------------------------------------------------------ unreachable database

    @ParameterizedTest
    @ValueSource(strings = {"rebuild", "status"})
    void anUnreachableDatabaseIsOneClearLineAndExitOne(String command) {
        String url = "jdbc:postgresql://127.0.0.1:" + EmbeddedRedis.freePort() + "/nowhere";

        Run r = chainsync(env(url), "ingest", command);

        assertThat(r.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.err().lines().toList())
                .singleElement()
                .asString()
                .startsWith("chainsync ingest " + command + ": cannot connect to the database at " + url)
                .contains("refused");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anInvalidIngestConfigurationIsExitTwoNamingEveryProblem() {
        Map<String, String> bad = new HashMap<>(env(db.jdbcUrl()));
        bad.put("REDIS_URL", "http://127.0.0.1:6379");
        bad.put("WORKERS", "0");

        Run r = chainsync(bad, "ingest", "status");

        assertThat(r.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(r.err())
                .startsWith("chainsync: invalid configuration")
                .contains("REDIS_URL=http://127.0.0.1:6379")
                .contains("WORKERS='0'");
        assertThat(r.out()).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private Run chainsync(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    private Map<String, String> env(String jdbcUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "user=postgres");
        env.put("CHAINSYNC_DATA_DIR", dir.toString());
        env.put("REDIS_URL", redisUrl);
        env.put("REDIS_STREAMS", String.join(",", workload.streams()));
        env.put("CONSUMER_GROUP", group());
        env.put("CONSUMER_NAME", "cli-test");
        env.put("WORKERS", "1");
        env.put("BATCH_TIMEOUT_MS", "100");
        env.put("CHAINSYNC_INGEST_DEAD_LETTER_STREAM", deadLetterStream());
        return env;
    }

    private String group() {
        return prefix + "_group";
    }

    private String deadLetterStream() {
        return prefix + "_dead";
    }

    /**
     * Pushes {@code entries}, then {@code bad} truncated entries to the deposited stream, and runs
     * live ingestion (configured like the commands) until everything is committed or buried;
     * returns each stream's last good entry id.
     */
    private Map<String, String> ingestLive(List<IntuitionWorkload.Entry> entries, int bad) {
        Map<String, String> lastId = new HashMap<>();
        for (IntuitionWorkload.Entry e : entries) {
            lastId.put(e.stream(), redis.xadd(e.stream(), Map.of("payload", e.payload())));
        }
        for (int i = 0; i < bad; i++) {
            redis.xadd(workload.stream("deposited"), Map.of("payload", TRUNCATED));
        }
        long events = entries.stream().mapToInt(IntuitionWorkload.Entry::events).sum();
        IngestConfig config = ChainsyncConfig.fromEnvironment(env(db.jdbcUrl())).ingest();
        try (Ingest ingest = new Ingest(jdbc, config, Clock.systemUTC(), new SimpleMeterRegistry()).start()) {
            await().atMost(WAIT)
                    .ignoreExceptions()
                    .until(() -> events() == events
                            && count("SELECT count(*) FROM ingest_dead_letters") == bad
                            && workload.streams().stream()
                                    .allMatch(s -> redis.xpending(s, group()).getCount() == 0));
        }
        return lastId;
    }

    /** Breaks every kind of derived row: missing rows, wrong numbers, emptied tables, a row that should not be. */
    private void corrupt() {
        jdbc.update("DELETE FROM atom WHERE term_id IN (SELECT term_id FROM atom ORDER BY term_id LIMIT 3)");
        jdbc.update("UPDATE position SET shares = shares + 1");
        jdbc.update("UPDATE vault SET total_assets = 0, position_count = position_count + 5");
        jdbc.update("TRUNCATE triple_term, predicate_object");
        jdbc.update("""
                INSERT INTO atom (term_id, creator_id, wallet_id, data, raw_data, transaction_hash, last_event_block,
                                  last_event_log_index, created_at)
                SELECT 'bogus-' || term_id, creator_id, wallet_id, data, raw_data, transaction_hash, last_event_block,
                       last_event_log_index, created_at FROM atom LIMIT 1""");
    }

    private static Map<String, Long> perStream(List<IntuitionWorkload.Entry> entries) {
        Map<String, Long> out = new HashMap<>();
        entries.forEach(e -> out.merge(e.stream(), 1L, Long::sum));
        return out;
    }

    private long events() {
        long n = 0;
        for (String t : EVENT_TABLES) {
            n += count("SELECT count(*) FROM " + t);
        }
        return n;
    }

    private long count(String sql) {
        return jdbc.queryOne(sql, r -> r.getLong(1)).orElseThrow();
    }

    /** Every derived table as sorted rows of text, numbers without trailing zeros. */
    private Map<String, List<String>> derived() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String table : Ingest.derivedTables()) {
            out.put(table, TableRows.sorted(jdbc, "SELECT * FROM " + table));
        }
        return out;
    }

    /** The "  table   1,234 rows" lines of a rebuild's summary. */
    private static Map<String, Long> printedRowCounts(String out) {
        Map<String, Long> counts = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^  (\\S+)\\s+([\\d,.\\u00a0\\u202f ]+) rows$")
                .matcher(out);
        while (m.find()) {
            counts.put(m.group(1), Long.parseLong(m.group(2).replaceAll("\\D", "")));
        }
        return counts;
    }

    /** Status table rows by stream: length, lag, pending, entries, new events, block, last committed entry. */
    private Map<String, List<String>> statusRows(String out) {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String line : out.lines().toList()) {
            String[] cells = line.trim().split("\\s+");
            if (cells.length == 8 && workload.streams().contains(cells[0])) {
                rows.put(cells[0], List.of(cells).subList(1, 8));
            }
        }
        return rows;
    }
}
