package dev.chainsync.ingest;

import dev.chainsync.config.Env;
import dev.chainsync.config.HostPort;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where the Kafka ingest source reads ({@code CHAINSYNC_INGEST_SOURCE=kafka}): the brokers, the
 * topics rindexer publishes to, and the consumer group every instance joins.
 *
 * @param bootstrapServers {@code host:port} list as Kafka clients take it
 * @param topics the topics to consume, each one rindexer's {@code streams.kafka.topics[].topic}
 * @param groupId the Kafka consumer group; also the {@code consumer_group} of progress and dead letters
 */
public record KafkaSourceConfig(String bootstrapServers, List<String> topics, String groupId) {
    /** Kafka's legal topic names: ASCII letters, digits, '.', '_', '-', at most 249 characters. */
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    public KafkaSourceConfig {
        topics = List.copyOf(topics);
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS must be set");
        }
        for (String server : bootstrapServers.split(",")) {
            if (!HostPort.PATTERN.matcher(server.trim()).matches()
                    || !server.trim().matches(".*:[0-9]{1,5}")) {
                throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS: '" + server.trim() + "' is not host:port");
            }
        }
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("KAFKA_TOPICS must name at least one topic");
        }
        for (String t : topics) {
            if (!TOPIC.matcher(t).matches()) {
                throw new IllegalArgumentException("KAFKA_TOPICS: '" + t + "' is not a valid Kafka topic name");
            }
        }
        if (groupId == null || groupId.isBlank() || groupId.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("KAFKA_GROUP_ID must be non-empty, without whitespace");
        }
    }

    /**
     * Reads {@code KAFKA_BOOTSTRAP_SERVERS}, {@code KAFKA_TOPICS} and {@code KAFKA_GROUP_ID}
     * (default: {@code defaultGroup}, the Redis source's {@code CONSUMER_GROUP}); a problem is
     * recorded in {@code env} and null returned.
     */
    static KafkaSourceConfig load(Env env, String defaultGroup) {
        List<String> topics = Arrays.stream(env.string("KAFKA_TOPICS", "").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .distinct()
                .toList();
        try {
            return new KafkaSourceConfig(
                    env.raw("KAFKA_BOOTSTRAP_SERVERS"), topics, env.string("KAFKA_GROUP_ID", defaultGroup));
        } catch (IllegalArgumentException e) {
            env.problem(e.getMessage() + " (CHAINSYNC_INGEST_SOURCE=kafka)");
            return null;
        }
    }

    /** The ingest stream name of one partition: {@code <topic>:<partition>} (':' is never in a topic name). */
    static String stream(String topic, int partition) {
        return topic + ":" + partition;
    }

    /** The topic of a stream name made by {@link #stream}. */
    static String topicOf(String stream) {
        return stream.substring(0, stream.lastIndexOf(':'));
    }
}
