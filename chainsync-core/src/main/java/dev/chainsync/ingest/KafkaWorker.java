package dev.chainsync.ingest;

import dev.chainsync.db.DataAccessException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the Kafka consumer group, driven pass by pass by a {@code PollingWorker}: polls a
 * batch of rindexer's records, commits it in one database transaction through the same parser
 * and writer as the Redis source, and only then commits the batch's offsets to Kafka.
 *
 * <p>A crash between the two commits replays the batch, which changes nothing (events are keyed by
 * {@code (transaction_hash, log_index)}, dead letters by their record). When PostgreSQL fails the
 * worker seeks back to the batch's first offsets and the breaker paces the retries. A record that
 * cannot be parsed, or fails alone on its own data 1 + MAX_RETRIES times, is dead-lettered, so it
 * never blocks its partition.
 */
final class KafkaWorker {
    private static final Logger log = LoggerFactory.getLogger(KafkaWorker.class);
    /** How long an offset commit may take before it is left for the next pass. */
    static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);
    /** An idle worker checks that a broker answers this often. */
    static final Duration BROKER_CHECK = Duration.ofSeconds(5);
    /** How long that check waits for an answer. */
    static final Duration BROKER_CHECK_TIMEOUT = Duration.ofSeconds(2);
    /** After a failed consumer the worker reconnects no sooner than this. */
    static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private final Ingest.Shared shared;
    private final String name;
    private final Supplier<Consumer<byte[], byte[]>> connect;
    private final Clock clock;
    private final Runnable afterDatabaseCommit;
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private Consumer<byte[], byte[]> consumer;
    private Instant reconnectAt;
    private Instant nextBrokerCheck;

    /**
     * @param afterDatabaseCommit runs between the database commit and the offset commit (a test
     *     seam for a crash there; production passes a no-op)
     */
    KafkaWorker(
            Ingest.Shared shared,
            String name,
            Supplier<Consumer<byte[], byte[]>> connect,
            Clock clock,
            Runnable afterDatabaseCommit) {
        this.shared = shared;
        this.name = name;
        this.connect = connect;
        this.clock = clock;
        this.afterDatabaseCommit = afterDatabaseCommit;
    }

    /** A consumer of the configured group: manual offset commits, from the earliest offset when the group has none. */
    static Supplier<Consumer<byte[], byte[]>> consumers(IngestConfig cfg, String clientId) {
        return () -> {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.kafka().bootstrapServers());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, cfg.kafka().groupId());
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, cfg.batchSize());
            return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        };
    }

    String name() {
        return name;
    }

    /** One pass; returns how many records it settled (0 lets the worker pause). */
    int pass() {
        if (!shared.databaseAvailable()) {
            return 0;
        }
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try {
            connected();
            commitOffsets(); // left over from a pass whose offset commit failed
            Duration block = shared.config().batchTimeout().compareTo(Ingest.MAX_BLOCK) < 0
                    ? shared.config().batchTimeout()
                    : Ingest.MAX_BLOCK;
            consumer.poll(block).forEach(records::add);
            if (records.isEmpty()) {
                checkBroker(); // an idle poll does not notice a broker that went away
            } else {
                nextBrokerCheck = clock.instant().plus(BROKER_CHECK);
            }
            shared.redisOk();
        } catch (KafkaException | IllegalStateException e) {
            shared.sourceFailed("kafka", e);
            disconnect();
            return 0;
        }
        return records.isEmpty() ? 0 : process(records);
    }

    /**
     * While idle, asks the brokers for metadata at most every BROKER_CHECK: a poll with nothing to
     * return waits quietly for a broker that is down, so health would otherwise never show it.
     */
    private void checkBroker() {
        Instant now = clock.instant();
        if (nextBrokerCheck != null && now.isBefore(nextBrokerCheck)) {
            return;
        }
        nextBrokerCheck = now.plus(BROKER_CHECK);
        consumer.listTopics(BROKER_CHECK_TIMEOUT);
    }

    private void connected() {
        if (consumer != null) {
            return;
        }
        Instant now = clock.instant();
        if (reconnectAt != null && now.isBefore(reconnectAt)) {
            throw new IllegalStateException("Kafka consumer failed; reconnecting at " + reconnectAt);
        }
        reconnectAt = now.plus(RECONNECT_DELAY);
        Consumer<byte[], byte[]> c = connect.get();
        c.subscribe(shared.config().kafka().topics(), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // Every record polled so far is committed to the database: hand its offsets over.
                commitOffsets();
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                log.info("{}: assigned {}", name, partitions);
            }
        });
        consumer = c;
    }

    private void disconnect() {
        Consumer<byte[], byte[]> c = consumer;
        consumer = null;
        uncommitted.clear(); // the group replays them from its committed offsets: no double effect
        if (c != null) {
            try {
                c.close(COMMIT_TIMEOUT);
            } catch (RuntimeException ignored) {
                // already broken
            }
        }
    }

    /** Commits what is settled, then closes the consumer (after the worker thread stopped). */
    void close() {
        if (consumer != null) {
            commitOffsets();
        }
        disconnect();
    }

    // ------------------------------------------------------------------ processing

    /** A polled record as the pipeline sees it, with where it came from. */
    private record Held(StreamEntry entry, TopicPartition partition, long offset) {}

    private int process(List<ConsumerRecord<byte[], byte[]>> records) {
        List<Held> batch = records.stream()
                .map(r -> new Held(entry(r), new TopicPartition(r.topic(), r.partition()), r.offset()))
                .toList();
        List<ParsedEntry> good = new ArrayList<>();
        List<DeadLetters.Burial> buried = new ArrayList<>();
        batch.forEach(h -> StreamWorker.triage(name, h.entry(), good, buried));
        try {
            commit(good, buried);
            settled(batch);
            return batch.size();
        } catch (DataAccessException e) {
            if (StreamWorker.isInfrastructure(e)) {
                return databaseFailed(e, batch);
            }
            log.warn("{}: batch of {} records failed on its data ({}); one by one", name, batch.size(), e.getMessage());
        } catch (RuntimeException e) {
            log.warn("{}: batch of {} records failed ({}); one by one", name, batch.size(), e.toString(), e);
        }
        return isolate(batch, good, buried);
    }

    /** After a data error: each record alone, so one poison record cannot hold its partition back. */
    private int isolate(List<Held> batch, List<ParsedEntry> good, List<DeadLetters.Burial> buried) {
        int attempts = shared.config().maxRetries() + 1;
        List<Held> done = new ArrayList<>();
        try {
            if (!buried.isEmpty()) {
                commit(List.of(), buried);
                buried.forEach(b -> done.add(held(batch, b.entry())));
            }
            for (ParsedEntry p : good) {
                String reason = null;
                for (int i = 0; i < attempts && (i == 0 || reason != null); i++) {
                    reason = tryAlone(p);
                }
                if (reason != null) {
                    commit(
                            List.of(),
                            List.of(new DeadLetters.Burial(
                                    p.entry(),
                                    "failed " + attempts + " times on its own (MAX_RETRIES=" + (attempts - 1) + "): "
                                            + reason)));
                }
                done.add(held(batch, p.entry()));
            }
        } catch (DataAccessException e) {
            List<Held> rest = batch.stream().filter(h -> !done.contains(h)).toList();
            databaseFailed(e, rest); // the done ones come back too if they follow a rewound offset: no-ops
            return done.size();
        }
        settled(batch);
        return batch.size();
    }

    /** Null when the entry committed alone, else why it failed on its own data. */
    private String tryAlone(ParsedEntry p) {
        try {
            commit(List.of(p), List.of());
            return null;
        } catch (DataAccessException e) {
            if (StreamWorker.isInfrastructure(e)) {
                throw e;
            }
            return e.getMessage() == null ? e.toString() : e.getMessage();
        } catch (RuntimeException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    private static Held held(List<Held> batch, StreamEntry e) {
        return batch.stream().filter(h -> h.entry() == e).findFirst().orElseThrow();
    }

    /** One transaction under the writer lock: events, projections, reorgs, progress and dead letters. */
    private void commit(List<ParsedEntry> good, List<DeadLetters.Burial> buried) {
        Instant now = clock.instant();
        long t0 = System.nanoTime();
        String group = shared.config().progressGroup();
        BatchWriter.Outcome o = shared.jdbc().inTransaction(c -> {
            BatchWriter.Outcome out = BatchWriter.write(c, good, group, now);
            DeadLetters.insert(c, buried, group, now);
            return out;
        });
        shared.committed(o, buried, System.nanoTime() - t0);
    }

    /** The whole batch is in the database: its offsets may go to Kafka. */
    private void settled(List<Held> batch) {
        shared.breaker().success();
        shared.postgresOk();
        afterDatabaseCommit.run();
        for (Held h : batch) {
            uncommitted.merge(
                    h.partition(), new OffsetAndMetadata(h.offset() + 1), (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        commitOffsets();
    }

    /**
     * Commits the settled offsets. A failure (broker away, partitions moved) keeps them for the
     * next pass; if this consumer loses them meanwhile, their records come back and change nothing.
     */
    private void commitOffsets() {
        if (uncommitted.isEmpty() || consumer == null) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(uncommitted);
        offsets.keySet().retainAll(consumer.assignment());
        try {
            if (!offsets.isEmpty()) {
                consumer.commitSync(offsets, COMMIT_TIMEOUT);
            }
            uncommitted.clear();
            shared.redisOk();
        } catch (KafkaException e) {
            shared.sourceFailed("kafka", e);
            log.warn("{}: offsets {} not committed yet: {}", name, offsets, e.toString());
        }
    }

    /**
     * PostgreSQL failed: rewind each partition to the first record not committed, so the next
     * poll reads them again (as it would after a restart). Returns 0 records settled.
     */
    private int databaseFailed(RuntimeException e, List<Held> notDone) {
        Map<TopicPartition, Long> first = new LinkedHashMap<>();
        notDone.forEach(h -> first.merge(h.partition(), h.offset(), Math::min));
        first.forEach((tp, offset) -> {
            try {
                consumer.seek(tp, offset);
            } catch (IllegalStateException gone) {
                // No longer ours: the new owner starts from the committed offset.
            }
        });
        boolean opened = shared.breaker().failure();
        shared.postgresFailed(e);
        shared.metrics().eventsFailed.increment(notDone.size());
        if (opened) {
            log.error("{}: PostgreSQL failing ({}); circuit breaker open", name, e.getMessage());
        } else {
            log.warn("{}: batch not committed, will be read again: {}", name, e.getMessage());
        }
        return 0;
    }

    /**
     * A record as an entry of the pipeline: stream {@code <topic>:<partition>}, id {@code
     * <timestamp ms>-<offset>} (the shape of a Redis id, so reorg notifications order against
     * events as they do for Redis), the value as the {@code payload} field. A value that is
     * missing (a tombstone) or not UTF-8 is a defect: the entry is dead-lettered, not dropped.
     */
    static StreamEntry entry(ConsumerRecord<byte[], byte[]> r) {
        String stream = KafkaSourceConfig.stream(r.topic(), r.partition());
        String id = Math.max(0, r.timestamp()) + "-" + r.offset();
        if (r.value() == null) {
            return new StreamEntry(stream, id, Map.of(), 1, List.of("record has no value"));
        }
        try {
            String payload = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(r.value()))
                    .toString();
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put(StreamEntry.PAYLOAD_FIELD, payload);
            Header original = r.headers().lastHeader(StreamEntry.ORIGINAL_ID_FIELD);
            if (original != null && original.value() != null) {
                fields.put(StreamEntry.ORIGINAL_ID_FIELD, new String(original.value(), StandardCharsets.UTF_8));
            }
            return new StreamEntry(stream, id, fields, 1);
        } catch (CharacterCodingException e) {
            return new StreamEntry(
                    stream,
                    id,
                    Map.of(StreamEntry.PAYLOAD_FIELD, new String(r.value(), StandardCharsets.UTF_8)),
                    1,
                    List.of("record value is not valid UTF-8"));
        }
    }
}
