package dev.chainsync.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Sends a dead letter of the Kafka source back to its topic, so it goes through the pipeline again. */
final class KafkaReplay {
    /** How long a replay waits for the broker's acknowledgement. */
    static final long SEND_TIMEOUT_SECONDS = 15;

    private KafkaReplay() {}

    /**
     * Publishes the dead letter's payload to the topic of {@code stream}, its first publication's
     * id in the {@code chainsync_original_id} header; returns the new record's entry id.
     */
    static String send(KafkaSourceConfig kafka, String stream, Map<String, String> fields) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        String payload = fields.get(StreamEntry.PAYLOAD_FIELD);
        var record = new ProducerRecord<byte[], byte[]>(
                KafkaSourceConfig.topicOf(stream),
                null,
                payload == null ? null : payload.getBytes(StandardCharsets.UTF_8));
        String original = fields.get(StreamEntry.ORIGINAL_ID_FIELD);
        if (original != null) {
            record.headers().add(StreamEntry.ORIGINAL_ID_FIELD, original.getBytes(StandardCharsets.UTF_8));
        }
        try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            RecordMetadata m = producer.send(record).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return KafkaSourceConfig.stream(m.topic(), m.partition()) + "/" + m.timestamp() + "-" + m.offset();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("replay to Kafka topic " + record.topic() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay to Kafka interrupted", e);
        }
    }
}
