package dev.chainsync.ingest;

import static dev.chainsync.ingest.IngestTesting.count;
import static dev.chainsync.ingest.IngestTesting.derived;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chainsync.db.Jdbc;
import dev.chainsync.testing.TestDatabases;
import dev.chainsync.testkit.IntuitionWorkload;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kafka source on a real KRaft broker started inside the test JVM, feeding the real
 * PostgreSQL, with records exactly as rindexer's Kafka sink publishes them (the Redis entry's
 * JSON as the value, the topic's static key, the message id in the {@code x-rindexer-id} header).
 */
class KafkaIngestTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String NET = "intuition";
    /** rindexer's {@code topics[].key}: one static key per topic. */
    static final String KEY = "intuition";

    static KafkaClusterTestKit cluster;
    static Admin admin;
    static KafkaProducer<String, byte[]> producer;

    TestDatabases.Scratch db;
    Jdbc jdbc;
    String prefix;
    IntuitionWorkload workload;
    final List<Ingest> started = new ArrayList<>();
    final List<AutoCloseable> closeLast = new ArrayList<>();

    @BeforeAll
    static void startBroker() {
        try {
            cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                            .setCombined(true)
                            .setNumBrokerNodes(1)
                            .setNumControllerNodes(1)
                            .build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception | LinkageError e) {
            Assumptions.abort("the in-JVM Kafka broker (KafkaClusterTestKit) could not start here: " + e);
        }
        admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (producer != null) {
            producer.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        db = IngestTesting.database("kafka");
        jdbc = db.database().jdbc();
        prefix = IngestTesting.unique("k");
        workload = IntuitionWorkload.create(NET, prefix, 20, true, 11);
        admin.createTopics(workload.streams().stream()
                        .map(t -> new NewTopic(t, 1, (short) 1))
                        .toList())
                .all()
                .get();
    }

    @AfterEach
    void tearDown() throws Exception {
        started.forEach(Ingest::close);
        for (AutoCloseable c : closeLast) {
            c.close();
        }
        db.close();
    }

    IngestConfig config() {
        return new IngestConfig(
                true,
                IngestConfig.DEFAULT_REDIS_URL,
                List.of(),
                prefix + "_group",
                "k1",
                40,
                Duration.ofMillis(100),
                1,
                Duration.ofSeconds(30),
                2,
                2,
                Duration.ofMillis(500),
                prefix + "_dead",
                new KafkaSourceConfig(cluster.bootstrapServers(), workload.streams(), prefix + "_group"));
    }

    Ingest start(IngestConfig cfg, Runnable afterDatabaseCommit) {
        return start(cfg, afterDatabaseCommit, jdbc);
    }

    Ingest start(IngestConfig cfg, Runnable afterDatabaseCommit, Jdbc on) {
        Ingest i = new Ingest(on, cfg, Clock.systemUTC(), new SimpleMeterRegistry())
                .afterDatabaseCommit(afterDatabaseCommit);
        started.add(i);
        return i.start();
    }

    Ingest start() {
        return start(config(), () -> {});
    }

    /** As rindexer's Kafka sink sends it: value = the JSON, key = the topic's static key, id in a header. */
    static void publish(String topic, byte[] value) throws Exception {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, KEY, value);
        r.headers().add("x-rindexer-id", ("m-" + System.nanoTime()).getBytes(StandardCharsets.UTF_8));
        producer.send(r).get();
    }

    static void publishAll(List<IntuitionWorkload.Entry> entries) throws Exception {
        for (IntuitionWorkload.Entry e : entries) {
            publish(e.stream(), e.payload().getBytes(StandardCharsets.UTF_8));
        }
    }

    long committedEntries() {
        return jdbc.queryOne("SELECT coalesce(sum(entries), 0) FROM ingest_progress", r -> r.getLong(1))
                .orElse(0L);
    }

    /** Whether the group's committed offset has reached the end of every partition of {@code topics}. */
    boolean offsetsCaughtUp(List<String> topics) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(prefix + "_group")
                .partitionsToOffsetAndMetadata()
                .get();
        Map<TopicPartition, OffsetSpec> ends =
                topics.stream().collect(Collectors.toMap(t -> new TopicPartition(t, 0), t -> OffsetSpec.latest()));
        var latest = admin.listOffsets(ends).all().get();
        return latest.entrySet().stream().allMatch(e -> {
            OffsetAndMetadata c = committed.get(e.getKey());
            return e.getValue().offset() == 0
                    || (c != null && c.offset() == e.getValue().offset());
        });
    }

    void awaitSettled(long entries) {
        await().atMost(WAIT)
                .ignoreExceptions()
                .until(() -> committedEntries() >= entries && offsetsCaughtUp(workload.streams()));
    }

    /** The derived tables are what committing exactly {@code entries}, once and in order, gives. */
    void assertDerivedAsFrom(List<IntuitionWorkload.Entry> entries) {
        try (TestDatabases.Scratch expected = IngestTesting.database("kafka_expected")) {
            IngestTesting.commit(expected.database().jdbc(), entries, 50, 1_000);
            IngestTesting.assertSameDerived(jdbc, expected.database().jdbc());
        }
    }

    /** Each event table's event keys, so two databases can be compared without their source columns. */
    static Map<String, List<String>> eventKeys(Jdbc on) {
        return java.util.stream.Stream.of(
                        "atom_created_events",
                        "triple_created_events",
                        "deposited_events",
                        "redeemed_events",
                        "share_price_changed_events",
                        "generic_events")
                .collect(Collectors.toMap(
                        t -> t,
                        t -> IngestTesting.rows(on, "SELECT transaction_hash, log_index, block_number FROM " + t)));
    }

    @Test
    void eventsLandAsTheyDoThroughRedisAndReplaysChangeNothing() throws Exception {
        List<IntuitionWorkload.Entry> entries = workload.events(400, 6);
        publishAll(entries);
        Ingest ingest = start();
        awaitSettled(entries.size());
        assertThat(IngestTesting.events(jdbc)).isEqualTo(IngestTesting.eventCount(entries));
        Ingest.Status status = ingest.status();
        assertThat(status.redisError()).isNull();
        assertThat(status.streams())
                .extracting(Ingest.StreamStatus::stream)
                .containsExactlyInAnyOrderElementsOf(
                        workload.streams().stream().map(t -> t + ":0").toList());
        assertThat(status.streams().stream()
                        .mapToLong(Ingest.StreamStatus::newEvents)
                        .sum())
                .isEqualTo(IngestTesting.eventCount(entries));
        assertThat(ingest.health().healthy()).isTrue();

        // The same entries through the Redis source, into a database of their own.
        try (IngestTesting.OneStream redisSide = new IngestTesting.OneStream("kafka_vs_redis")) {
            workload.streams().forEach(redisSide.redis::forget);
            redisSide.redis.pushAll(entries);
            IngestConfig redisCfg = IngestTesting.config(workload.streams(), redisSide.prefix + "_group", "r1");
            redisSide.start(redisCfg);
            await().atMost(WAIT)
                    .ignoreExceptions()
                    .until(() -> IngestTesting.events(redisSide.jdbc) == IngestTesting.eventCount(entries));
            IngestTesting.assertSameDerived(jdbc, redisSide.jdbc);
            assertThat(eventKeys(jdbc)).isEqualTo(eventKeys(redisSide.jdbc));
        }

        // rindexer republishes everything (a producer restart): read again, nothing changes.
        Map<String, List<String>> before = derived(jdbc);
        publishAll(entries);
        awaitSettled(2L * entries.size());
        assertThat(IngestTesting.events(jdbc)).isEqualTo(IngestTesting.eventCount(entries));
        assertThat(derived(jdbc)).isEqualTo(before);
        assertThat(count(jdbc, "ingest_dead_letters")).isZero();
    }

    @Test
    void aPoisonRecordIsDeadLetteredWithItsReasonAndTheRecordsAfterItLand() throws Exception {
        String topic = workload.stream("deposited");
        List<IntuitionWorkload.Entry> entries = workload.events(30, 3);
        publish(topic, "{\"event_name\":\"Deposited\",\"event_data\":[".getBytes(StandardCharsets.UTF_8));
        publish(topic, new byte[] {'{', (byte) 0xC3, '}'}); // not UTF-8
        publish(topic, null); // a tombstone
        publishAll(entries);
        Ingest ingest = start();
        // Dead letters are not progress: settled is every good entry committed and every offset past.
        awaitSettled(entries.size());

        assertThat(IngestTesting.events(jdbc)).isEqualTo(IngestTesting.eventCount(entries));
        List<String> reasons = IngestTesting.rows(jdbc, "SELECT stream, reason FROM ingest_dead_letters");
        assertThat(reasons).hasSize(3);
        assertThat(String.join("\n", reasons))
                .contains(topic + ":0")
                .contains("unparseable")
                .contains("not valid UTF-8")
                .contains("record has no value");

        // A replay publishes the record to its topic again; still poison, it is dead-lettered anew.
        long id = jdbc.queryOne("SELECT min(id) FROM ingest_dead_letters WHERE reason LIKE '%JSON%'", r -> r.getLong(1))
                .orElseThrow();
        assertThat(ingest.replay(id)).isEqualTo(Ingest.ReplayOutcome.REPLAYED);
        await().atMost(WAIT).until(() -> count(jdbc, "ingest_dead_letters") == 4);
        assertThat(jdbc.queryOne(
                                "SELECT replayed_entry_id FROM ingest_dead_letters WHERE id = ?",
                                r -> r.getString(1),
                                id)
                        .orElseThrow())
                .startsWith(topic + ":0/");
    }

    @Test
    void aRecordFailingOnItsOwnDataIsRetriedAloneThenDeadLetteredWithoutHoldingTheOthers() throws Exception {
        // A check the database enforces and the parser does not: the record is valid, its row is refused.
        jdbc.update("""
                CREATE FUNCTION refuse_tx() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.transaction_hash = '%s' THEN
                    RAISE EXCEPTION 'refused by the test' USING ERRCODE = '22023';
                  END IF;
                  RETURN NEW;
                END $$;
                CREATE TRIGGER refuse_tx BEFORE INSERT ON deposited_events
                  FOR EACH ROW EXECUTE FUNCTION refuse_tx()""".formatted(EntryParserTest.TX));
        String topic = workload.stream("deposited");
        List<IntuitionWorkload.Entry> entries = workload.events(40, 3);
        publish(
                topic,
                ("{\"event_name\":\"Deposited\",\"network\":\"base\",\"event_data\":["
                                + EntryParserTest.deposit(EntryParserTest.TERM, "1", "") + "]}")
                        .getBytes(StandardCharsets.UTF_8));
        publishAll(entries);
        start();
        awaitSettled(entries.size());

        assertThat(IngestTesting.events(jdbc)).isEqualTo(IngestTesting.eventCount(entries));
        assertThat(jdbc.queryOne("SELECT reason FROM ingest_dead_letters", r -> r.getString(1))
                        .orElseThrow())
                .contains("failed 3 times on its own (MAX_RETRIES=2)")
                .contains("refused by the test");
    }

    @Test
    void aCrashBetweenTheDatabaseCommitAndTheOffsetCommitReplaysWithoutDoubleEffect() throws Exception {
        List<IntuitionWorkload.Entry> entries = workload.events(120, 4);
        publishAll(entries);
        AtomicInteger crashes = new AtomicInteger();
        Ingest first = start(config(), () -> {
            crashes.incrementAndGet();
            throw new Crash(); // the worker thread dies: committed in PostgreSQL, not in Kafka
        });
        await().atMost(WAIT).dontCatchUncaughtExceptions().until(() -> crashes.get() == 1);
        long committedBeforeCrash = committedEntries();
        assertThat(committedBeforeCrash).isPositive();
        first.close();
        assertThat(offsetsCaughtUp(workload.streams())).isFalse();

        start();
        awaitSettled(entries.size() + committedBeforeCrash);
        // The crashed batch was read twice (progress counts every committed read) but applied once.
        assertThat(committedEntries()).isEqualTo(entries.size() + committedBeforeCrash);
        assertThat(IngestTesting.events(jdbc)).isEqualTo(IngestTesting.eventCount(entries));
        assertDerivedAsFrom(entries);
    }

    @Test
    void aReorgNotificationRollsBackTheForkedBlocks() throws Exception {
        List<IntuitionWorkload.Entry> kept = workload.blocks(4, 3);
        long fork = workload.nextBlock();
        List<IntuitionWorkload.Entry> forked = workload.blocks(3, 3);
        publishAll(kept);
        publishAll(forked);
        start();
        awaitSettled(kept.size() + forked.size());
        assertThat(IngestTesting.events(jdbc))
                .isEqualTo(IngestTesting.eventCount(kept) + IngestTesting.eventCount(forked));

        byte[] reorg = IntuitionWorkload.reorgPayload(NET, fork, 3).getBytes(StandardCharsets.UTF_8);
        for (String topic : workload.streams()) {
            publish(topic, reorg);
        }
        awaitSettled(kept.size() + forked.size() + workload.streams().size());
        assertThat(count(jdbc, "ingest_reorgs")).isPositive();
        assertThat(IngestTesting.events(jdbc)).isEqualTo(IngestTesting.eventCount(kept));
        assertDerivedAsFrom(kept);
    }

    @Test
    void consumptionResumesAfterTheBrokerWasDown() throws Exception {
        List<IntuitionWorkload.Entry> before = workload.events(60, 3);
        List<IntuitionWorkload.Entry> after = workload.events(60, 3);
        publishAll(before);
        Ingest ingest = start();
        awaitSettled(before.size());

        var broker = cluster.brokers().values().iterator().next();
        broker.shutdown();
        broker.awaitShutdown();
        await().atMost(WAIT).until(() -> !ingest.health().redisConsumerHealthy());
        broker.startup();
        cluster.waitForReadyBrokers();

        publishAll(after);
        awaitSettled(before.size() + after.size());
        assertThat(IngestTesting.events(jdbc))
                .isEqualTo(IngestTesting.eventCount(before) + IngestTesting.eventCount(after));
        await().atMost(WAIT).until(() -> ingest.health().redisConsumerHealthy());
    }

    @Test
    void aPostgresOutageRewindsThePartitionsAndConsumptionResumesAlone() throws Exception {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(db.jdbcUrl());
        hc.setUsername("postgres");
        hc.setMaximumPoolSize(3);
        hc.setConnectionTimeout(250); // an outage shows at once
        hc.setValidationTimeout(250);
        HikariDataSource ds = new HikariDataSource(hc);
        closeLast.add(ds);
        List<IntuitionWorkload.Entry> first = workload.events(100, 4);
        List<IntuitionWorkload.Entry> second = workload.events(100, 4);
        publishAll(first);
        Ingest ingest = start(config(), () -> {}, new Jdbc(ds));
        awaitSettled(first.size());

        postgresAdmin("ALTER DATABASE " + db.name() + " ALLOW_CONNECTIONS false");
        postgresAdmin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db.name() + "'");
        try {
            publishAll(second);
            await().atMost(WAIT).until(() -> !ingest.health().circuitBreakerClosed());
            assertThat(ingest.health().postgresSyncHealthy()).isFalse();
            assertThat(offsetsCaughtUp(workload.streams()))
                    .as("read but not committed to the database, so not committed to Kafka")
                    .isFalse();
        } finally {
            postgresAdmin("ALTER DATABASE " + db.name() + " ALLOW_CONNECTIONS true");
        }
        awaitSettled(first.size() + second.size());
        await().atMost(WAIT).until(() -> ingest.health().healthy());
        assertThat(count(jdbc, "ingest_dead_letters"))
                .as("an outage is not the records' fault")
                .isZero();
        List<IntuitionWorkload.Entry> all = new ArrayList<>(first);
        all.addAll(second);
        assertThat(IngestTesting.events(jdbc)).isEqualTo(IngestTesting.eventCount(all));
        assertDerivedAsFrom(all);
    }

    private static void postgresAdmin(String sql) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(TestDatabases.urlFor("postgres"), "postgres", null);
                var s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Stands for the process dying: not an exception the worker would catch and retry. */
    static final class Crash extends Error {
        Crash() {
            super("simulated crash between the database commit and the offset commit");
        }
    }
}
