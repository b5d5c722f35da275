package dev.chainsync.ingest;

import dev.chainsync.config.Checks;
import dev.chainsync.config.Env;
import dev.chainsync.config.HostPort;
import dev.chainsync.config.Redact;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Ingest settings. The variable names and defaults are those of the Redis-to-PostgreSQL service
 * chainsync replaces, so its deployment files keep working; the few additions are prefixed
 * {@code CHAINSYNC_INGEST_}.
 *
 * @param enabled whether {@code serve} consumes: {@code REDIS_URL} is set, or {@code --ingest}
 * @param consumerName this instance's consumer name; with several workers each appends {@code -<n>}
 * @param kafka the Kafka source's settings when {@code CHAINSYNC_INGEST_SOURCE=kafka}; null otherwise
 * @param evm the native EVM source's settings when {@code CHAINSYNC_INGEST_SOURCE=evm}; null otherwise
 */
public record IngestConfig(
        boolean enabled,
        String redisUrl,
        List<String> streams,
        String consumerGroup,
        String consumerName,
        int batchSize,
        Duration batchTimeout,
        int workers,
        Duration processingTimeout,
        int maxRetries,
        int breakerThreshold,
        Duration breakerTimeout,
        String deadLetterStream,
        KafkaSourceConfig kafka,
        EvmSourceConfig evm) {

    public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
    public static final String DEFAULT_STREAMS = "rindexer_producer";
    public static final String DEFAULT_CONSUMER_GROUP = "postgres-sync";
    public static final int DEFAULT_BATCH_SIZE = 100;
    public static final Duration DEFAULT_BATCH_TIMEOUT = Duration.ofMillis(5000);
    public static final int DEFAULT_WORKERS = 4;
    public static final Duration DEFAULT_PROCESSING_TIMEOUT = Duration.ofMillis(30_000);
    public static final int DEFAULT_MAX_RETRIES = 3;
    public static final int DEFAULT_BREAKER_THRESHOLD = 5;
    public static final Duration DEFAULT_BREAKER_TIMEOUT = Duration.ofMillis(60_000);
    /**
     * The dead-letter stream's name before it was derived from the group: one name that every
     * deployment on a Redis shared. Now the prefix of {@link #defaultDeadLetterStream}.
     */
    public static final String LEGACY_DEAD_LETTER_STREAM = "chainsync_ingest_dead_letters";
    /** The consumer name prefix when {@code CONSUMER_NAME} is unset; the host name follows. */
    public static final String CONSUMER_NAME_PREFIX = "chainsync-";

    /** {@code CHAINSYNC_INGEST_SOURCE} values: Redis Streams (the default), Kafka, or an EVM node directly. */
    public static final List<String> SOURCES = List.of("redis", "kafka", "evm");

    public IngestConfig {
        streams = List.copyOf(streams);
        String urlProblem = redisUrlProblem(redisUrl);
        new Checks()
                .that(urlProblem == null, "REDIS_URL=" + Redact.url(redisUrl) + " " + urlProblem)
                .that(kafka == null || evm == null, "one ingest source: Kafka or EVM, not both")
                .that(kafka != null || evm != null || !streams.isEmpty(), "REDIS_STREAMS must name at least one stream")
                .that(
                        !hasWhitespace(consumerName) && !hasWhitespace(consumerGroup),
                        "CONSUMER_NAME and CONSUMER_GROUP must not contain whitespace")
                .that(
                        !streams.contains(deadLetterStream),
                        "CHAINSYNC_INGEST_DEAD_LETTER_STREAM must not be one of REDIS_STREAMS")
                .range("BATCH_SIZE", batchSize, 1, 100_000)
                .millis("BATCH_TIMEOUT_MS", batchTimeout, Duration.ofMillis(1), Duration.ofMinutes(10))
                .range("WORKERS", workers, 1, 64)
                .millis("PROCESSING_TIMEOUT_MS", processingTimeout, Duration.ofMillis(100), Duration.ofDays(1))
                .range("MAX_RETRIES", maxRetries, 0, 1000)
                .range("CIRCUIT_BREAKER_THRESHOLD", breakerThreshold, 1, 10_000)
                .millis("CIRCUIT_BREAKER_TIMEOUT_MS", breakerTimeout, Duration.ofMillis(10), Duration.ofHours(1))
                .throwIfInvalid();
    }

    /** Settings for the Redis Streams source. */
    public IngestConfig(
            boolean enabled,
            String redisUrl,
            List<String> streams,
            String consumerGroup,
            String consumerName,
            int batchSize,
            Duration batchTimeout,
            int workers,
            Duration processingTimeout,
            int maxRetries,
            int breakerThreshold,
            Duration breakerTimeout,
            String deadLetterStream) {
        this(
                enabled,
                redisUrl,
                streams,
                consumerGroup,
                consumerName,
                batchSize,
                batchTimeout,
                workers,
                processingTimeout,
                maxRetries,
                breakerThreshold,
                breakerTimeout,
                deadLetterStream,
                null,
                null);
    }

    /** Settings for the Redis Streams or (with {@code kafka}) the Kafka source. */
    public IngestConfig(
            boolean enabled,
            String redisUrl,
            List<String> streams,
            String consumerGroup,
            String consumerName,
            int batchSize,
            Duration batchTimeout,
            int workers,
            Duration processingTimeout,
            int maxRetries,
            int breakerThreshold,
            Duration breakerTimeout,
            String deadLetterStream,
            KafkaSourceConfig kafka) {
        this(
                enabled,
                redisUrl,
                streams,
                consumerGroup,
                consumerName,
                batchSize,
                batchTimeout,
                workers,
                processingTimeout,
                maxRetries,
                breakerThreshold,
                breakerTimeout,
                deadLetterStream,
                kafka,
                null);
    }

    /** Whether ingest reads logs from EVM nodes itself (no rindexer). */
    public boolean evmSource() {
        return evm != null;
    }

    /** Whether ingest reads Kafka rather than Redis Streams. */
    public boolean kafkaSource() {
        return kafka != null;
    }

    /** The consumer group of committed progress and dead letters: Kafka's group id or the Redis group. */
    String progressGroup() {
        return kafka != null ? kafka.groupId() : consumerGroup;
    }

    /**
     * Reads the ingest variables into {@code env}, which collects problems for the caller to
     * report together with everyone else's (the result is null then).
     */
    public static IngestConfig load(Env env) {
        String url = env.raw("REDIS_URL");
        String source = env.oneOf("CHAINSYNC_INGEST_SOURCE", "redis", SOURCES);
        boolean kafkaSource = "kafka".equals(source);
        boolean evmSource = "evm".equals(source);
        boolean enabled = env.bool("CHAINSYNC_INGEST_ENABLED", url != null || kafkaSource || evmSource);
        String redisUrl = url == null ? DEFAULT_REDIS_URL : url;
        List<String> streams = Arrays.stream(
                        env.string("REDIS_STREAMS", DEFAULT_STREAMS).split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .distinct()
                .toList();
        String group = env.string("CONSUMER_GROUP", DEFAULT_CONSUMER_GROUP);
        String name = env.string("CONSUMER_NAME", defaultConsumerName(env.raw("HOSTNAME")));
        int batchSize = env.integer("BATCH_SIZE", DEFAULT_BATCH_SIZE);
        Duration batchTimeout = env.millis("BATCH_TIMEOUT_MS", DEFAULT_BATCH_TIMEOUT);
        int workers = env.integer("WORKERS", DEFAULT_WORKERS);
        Duration processingTimeout = env.millis("PROCESSING_TIMEOUT_MS", DEFAULT_PROCESSING_TIMEOUT);
        int maxRetries = env.integer("MAX_RETRIES", DEFAULT_MAX_RETRIES);
        int breakerThreshold = env.integer("CIRCUIT_BREAKER_THRESHOLD", DEFAULT_BREAKER_THRESHOLD);
        Duration breakerTimeout = env.millis("CIRCUIT_BREAKER_TIMEOUT_MS", DEFAULT_BREAKER_TIMEOUT);
        String deadLetters = env.string("CHAINSYNC_INGEST_DEAD_LETTER_STREAM", defaultDeadLetterStream(group));
        KafkaSourceConfig kafka = kafkaSource ? KafkaSourceConfig.load(env, group) : null;
        EvmSourceConfig evm = evmSource ? EvmSourceConfig.load(env) : null;
        return env.validated(() -> new IngestConfig(
                enabled,
                redisUrl,
                streams,
                group,
                name,
                batchSize,
                batchTimeout,
                workers,
                processingTimeout,
                maxRetries,
                breakerThreshold,
                breakerTimeout,
                deadLetters,
                kafka,
                evm));
    }

    /** Why Lettuce could not use {@code url}, found now rather than at the first connection; null when it can. */
    private static String redisUrlProblem(String url) {
        if (url == null || !(url.startsWith("redis://") || url.startsWith("rediss://"))) {
            return "must start with redis:// or rediss://";
        }
        // Lettuce takes "host:notaport" as a host name and fails only when it connects.
        String rest = url.substring(url.indexOf("://") + 3);
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c, rest.lastIndexOf('@') + 1);
            end = i >= 0 ? Math.min(end, i) : end;
        }
        String hostPort = rest.substring(rest.lastIndexOf('@', end) + 1, end);
        if (!HostPort.PATTERN.matcher(hostPort).matches()) {
            return "is not a valid Redis URL (host[:port] expected, got '" + hostPort + "')";
        }
        return null;
    }

    private static boolean hasWhitespace(String s) {
        return s == null || s.chars().anyMatch(Character::isWhitespace);
    }

    /** The default configuration (what no variables give), for tools and tests. */
    public static IngestConfig defaults() {
        return Env.read(Map.of(), IngestConfig::load);
    }

    /** The dead-letter stream of a consumer group when CHAINSYNC_INGEST_DEAD_LETTER_STREAM is unset. */
    public static String defaultDeadLetterStream(String consumerGroup) {
        return LEGACY_DEAD_LETTER_STREAM + ":" + consumerGroup;
    }

    /**
     * Stable per host, so a restarted instance finds its own pending entries again (the seed used
     * a random UUID per start and stranded them).
     */
    static String defaultConsumerName(String hostnameVariable) {
        String host = hostnameVariable;
        if (host == null) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        return CONSUMER_NAME_PREFIX + host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
    }

    /** The consumer name of worker {@code index}. */
    String consumerName(int index) {
        return workers == 1 ? consumerName : consumerName + "-" + index;
    }

    public IngestConfig withEnabled(boolean on) {
        return new IngestConfig(
                on,
                redisUrl,
                streams,
                consumerGroup,
                consumerName,
                batchSize,
                batchTimeout,
                workers,
                processingTimeout,
                maxRetries,
                breakerThreshold,
                breakerTimeout,
                deadLetterStream,
                kafka,
                evm);
    }

    public IngestConfig withRedis(String url, List<String> newStreams) {
        return new IngestConfig(
                enabled,
                url,
                newStreams,
                consumerGroup,
                consumerName,
                batchSize,
                batchTimeout,
                workers,
                processingTimeout,
                maxRetries,
                breakerThreshold,
                breakerTimeout,
                deadLetterStream,
                kafka,
                evm);
    }

    @Override
    public String toString() {
        return "IngestConfig[enabled=" + enabled + ", redis=" + Redact.url(redisUrl) + ", streams=" + streams
                + ", group=" + consumerGroup + ", consumer=" + consumerName + ", batchSize=" + batchSize
                + ", batchTimeout=" + batchTimeout.toMillis() + "ms, workers=" + workers + ", processingTimeout="
                + processingTimeout.toMillis() + "ms, maxRetries=" + maxRetries + ", breaker=" + breakerThreshold
                + "/" + breakerTimeout.toMillis() + "ms, deadLetterStream=" + deadLetterStream
                + (kafka == null ? "" : ", kafka=" + kafka) + (evm == null ? "" : ", evm=" + evm) + "]";
    }
}
