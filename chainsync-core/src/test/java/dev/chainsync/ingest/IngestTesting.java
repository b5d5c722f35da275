package dev.chainsync.ingest;

import dev.chainsync.db.Jdbc;
import dev.chainsync.testing.TestDatabases;
import dev.chainsync.testkit.EmbeddedRedis;
import dev.chainsync.testkit.IntuitionWorkload;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Test support for ingest: the Redis the tests use (the local one on 127.0.0.1:6379, else an
 * embedded Redis binary started once per JVM), entries pushed in rindexer's format, direct batch
 * commits, and snapshots of the derived tables for comparisons.
 */
final class IngestTesting {
    static final String LOCAL_REDIS = "redis://127.0.0.1:6379";
    private static String redisUrl;
    private static EmbeddedRedis embedded;

    private IngestTesting() {}

    static synchronized String redisUrl() {
        if (redisUrl != null) {
            return redisUrl;
        }
        try (RedisStreams probe = new RedisStreams(LOCAL_REDIS)) {
            probe.commands().ping();
            redisUrl = LOCAL_REDIS;
        } catch (RuntimeException e) {
            embedded = EmbeddedRedis.start();
            Runtime.getRuntime().addShutdownHook(new Thread(embedded::close));
            redisUrl = embedded.url();
        }
        return redisUrl;
    }

    /** A unique stream/group prefix, so tests never see each other's entries. */
    static String unique(String name) {
        return "cs_test_" + name + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * One stream of a scratch database and Redis for a test, with the dead-letter stream beside it;
     * closes what it started (ingest instances, Redis keys, the database).
     */
    static final class OneStream implements AutoCloseable {
        final TestDatabases.Scratch db;
        final Jdbc jdbc;
        final Redis redis = new Redis();
        final String prefix;
        final String stream;
        private final List<Ingest> started = new ArrayList<>();

        OneStream(String name) {
            db = database(name);
            jdbc = db.database().jdbc();
            prefix = unique(name);
            stream = prefix + "_deposited";
            redis.forget(stream);
            redis.forget(prefix + "_dead");
        }

        /** One worker, batches of 40, MAX_RETRIES 3, on this stream and its group. */
        IngestConfig config(java.time.Duration processingTimeout) {
            return new IngestConfig(
                    true,
                    redisUrl(),
                    List.of(stream),
                    prefix + "_group",
                    "c1",
                    40,
                    java.time.Duration.ofMillis(100),
                    1,
                    processingTimeout,
                    3,
                    2,
                    java.time.Duration.ofMillis(500),
                    prefix + "_dead");
        }

        Ingest start(IngestConfig cfg) {
            Ingest ingest = new Ingest(
                    jdbc, cfg, Clock.systemUTC(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            started.add(ingest);
            return ingest.start();
        }

        long pending() {
            return redis.pending(stream, prefix + "_group");
        }

        @Override
        public void close() {
            started.forEach(Ingest::close);
            redis.close();
            db.close();
        }
    }

    /** Plain Redis access for a test: push entries, inspect the group. */
    static final class Redis implements AutoCloseable {
        final RedisClient client = RedisClient.create(redisUrl());
        final StatefulRedisConnection<String, String> connection = client.connect();
        final RedisCommands<String, String> cmd = connection.sync();
        private final List<String> keys = new ArrayList<>();

        String push(String stream, String payload) {
            keys.add(stream);
            return cmd.xadd(stream, Map.of(StreamEntry.PAYLOAD_FIELD, payload));
        }

        String pushFields(String stream, Map<String, String> fields) {
            keys.add(stream);
            return cmd.xadd(stream, fields);
        }

        void pushAll(List<IntuitionWorkload.Entry> entries) {
            for (IntuitionWorkload.Entry e : entries) {
                push(e.stream(), e.payload());
            }
        }

        long pending(String stream, String group) {
            try {
                return cmd.xpending(stream, group).getCount();
            } catch (RuntimeException e) {
                return -1;
            }
        }

        void forget(String key) {
            keys.add(key);
        }

        @Override
        public void close() {
            try {
                if (!keys.isEmpty()) {
                    cmd.del(keys.stream().distinct().toArray(String[]::new));
                }
            } finally {
                connection.close();
                client.shutdown();
            }
        }
    }

    /** The configuration a test ingest runs with: fast timeouts, small batches. */
    static IngestConfig config(List<String> streams, String group, String consumer) {
        return new IngestConfig(
                true,
                redisUrl(),
                streams,
                group,
                consumer,
                50,
                java.time.Duration.ofMillis(100),
                1,
                java.time.Duration.ofSeconds(30),
                3,
                3,
                java.time.Duration.ofMillis(500),
                group + "_dead");
    }

    /** Commits entries through the batch writer, as a consumer would, in batches of {@code batch}. */
    static void commit(Jdbc jdbc, List<IntuitionWorkload.Entry> entries, int batch, long firstMillis) {
        List<ParsedEntry> parsed = new ArrayList<>();
        long ms = firstMillis;
        for (IntuitionWorkload.Entry e : entries) {
            StreamEntry se =
                    new StreamEntry(e.stream(), (ms++) + "-0", Map.of(StreamEntry.PAYLOAD_FIELD, e.payload()), 1);
            parsed.add(EntryParser.parse(se));
            if (parsed.size() == batch) {
                new BatchWriter(jdbc).write(parsed, "g", Instant.parse("2026-11-22T00:00:00Z"));
                parsed.clear();
            }
        }
        if (!parsed.isEmpty()) {
            new BatchWriter(jdbc).write(parsed, "g", Instant.parse("2026-11-22T00:00:00Z"));
        }
    }

    /** Every derived table as sorted rows of normalised text (numbers without trailing zeros). */
    static Map<String, List<String>> derived(Jdbc jdbc) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String t : Derivation.STEPS) {
            out.put(t, rows(jdbc, "SELECT * FROM " + t));
        }
        return out;
    }

    /** Table by table, showing only the rows that differ. */
    static void assertSameDerived(Jdbc actual, Jdbc expected) {
        Map<String, List<String>> a = derived(actual);
        Map<String, List<String>> e = derived(expected);
        for (String t : Derivation.STEPS) {
            List<String> missing = new ArrayList<>(e.get(t));
            missing.removeAll(a.get(t));
            List<String> extra = new ArrayList<>(a.get(t));
            extra.removeAll(e.get(t));
            org.assertj.core.api.Assertions.assertThat(extra)
                    .as(t + ": rows not expected (missing: " + missing + ")")
                    .isEmpty();
            org.assertj.core.api.Assertions.assertThat(missing)
                    .as(t + ": rows missing")
                    .isEmpty();
        }
    }

    static List<String> rows(Jdbc jdbc, String sql) {
        return dev.chainsync.testing.TableRows.sorted(jdbc, sql);
    }

    static long count(Jdbc jdbc, String table) {
        return jdbc.queryOne("SELECT count(*) FROM " + table, r -> r.getLong(1)).orElseThrow();
    }

    /** Events in all typed event tables. */
    static long events(Jdbc jdbc) {
        long n = 0;
        for (String t : List.of(
                "atom_created_events",
                "triple_created_events",
                "deposited_events",
                "redeemed_events",
                "share_price_changed_events",
                "generic_events")) {
            n += count(jdbc, t);
        }
        return n;
    }

    static int eventCount(List<IntuitionWorkload.Entry> entries) {
        return entries.stream().mapToInt(IntuitionWorkload.Entry::events).sum();
    }

    static TestDatabases.Scratch database(String name) {
        return TestDatabases.create(name, 4);
    }

    static Clock clock() {
        return Clock.systemUTC();
    }
}
