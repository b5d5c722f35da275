package dev.chainsync.webhook;

import dev.chainsync.config.Checks;
import dev.chainsync.config.Env;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Webhook delivery settings, read from {@code CHAINSYNC_WEBHOOK_*} variables and validated once.
 * Built in code with {@link #builder} or changed with {@link #toBuilder()}.
 *
 * @param dispatcherEnabled whether this instance runs the dispatcher (endpoints can be managed either way)
 * @param allowPrivateTargets switches the SSRF check off (tests and local development only)
 * @param encryptionKey base64 AES-256 key for endpoint secrets, or null to use {@code encryptionKeyFile}
 * @param encryptionKeyFile where the generated key lives when {@code encryptionKey} is not set
 * @param timeout an attempt succeeds only with a 2xx response, body included, within this
 * @param retrySchedule the delay before each attempt, the first 0 (sent as soon as the event commits); its
 *     size is the number of attempts
 * @param retryJitter each delay is spread uniformly over +/- this fraction
 * @param maxRetryAfter the longest {@code Retry-After} a receiver can ask for
 * @param disableAfter an endpoint failing without a single success for this long is disabled
 * @param secretOverlap how long a rotated-out secret keeps signing next to the new one
 * @param endpointConcurrency deliveries in flight per endpoint and dispatcher instance
 * @param batchSize most messages one claim takes
 * @param pollInterval how long the dispatcher waits before looking again when there was nothing to do
 * @param deliveredRetention delivered messages, their attempts and events are purged this long after delivery
 */
public record WebhookConfig(
        boolean dispatcherEnabled,
        boolean allowPrivateTargets,
        String encryptionKey,
        Path encryptionKeyFile,
        Duration timeout,
        List<Duration> retrySchedule,
        double retryJitter,
        Duration maxRetryAfter,
        Duration disableAfter,
        Duration secretOverlap,
        int endpointConcurrency,
        int batchSize,
        Duration pollInterval,
        Duration deliveredRetention) {

    public static final String KEY_FILE_NAME = "webhook-encryption.key";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    /** Svix's schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
    public static final List<Duration> DEFAULT_RETRY_SCHEDULE = List.of(
            Duration.ZERO,
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            Duration.ofHours(5),
            Duration.ofHours(10),
            Duration.ofHours(10));

    public static final double DEFAULT_RETRY_JITTER = 0.2;
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofHours(24);
    public static final Duration DEFAULT_DISABLE_AFTER = Duration.ofDays(5);
    public static final Duration DEFAULT_SECRET_OVERLAP = Duration.ofHours(24);
    public static final int DEFAULT_ENDPOINT_CONCURRENCY = 32;
    public static final int DEFAULT_BATCH_SIZE = 500;
    public static final Duration DEFAULT_POLL = Duration.ofMillis(20);
    public static final Duration DEFAULT_DELIVERED_RETENTION = Duration.ofDays(30);
    /**
     * The shortest retention accepted: the value is in milliseconds, and a number of days typed
     * there by mistake would otherwise purge every delivered message at the next pass.
     */
    public static final Duration MIN_DELIVERED_RETENTION = Duration.ofHours(1);

    public static final Duration MAX_DELIVERED_RETENTION = Duration.ofDays(3650);
    /** Beyond the two timeouts a claimed message may wait and run, margin for the finishing write. */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(30);

    /** Most attempts a retry schedule may give a message. */
    static final int MAX_ATTEMPTS = 100;

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

    public WebhookConfig {
        retrySchedule = List.copyOf(retrySchedule);
        new Checks()
                .that(
                        !retrySchedule.isEmpty() && retrySchedule.stream().noneMatch(Duration::isNegative),
                        "CHAINSYNC_WEBHOOK_RETRY_SCHEDULE needs at least one non-negative delay")
                // A message is due the moment its event commits; a first delay would be silently ignored.
                .that(
                        retrySchedule.isEmpty() || retrySchedule.getFirst().isZero(),
                        "CHAINSYNC_WEBHOOK_RETRY_SCHEDULE must start with 0: the first attempt is immediate")
                .that(
                        retrySchedule.size() <= MAX_ATTEMPTS,
                        "CHAINSYNC_WEBHOOK_RETRY_SCHEDULE has more than 100 attempts")
                .that(retryJitter >= 0 && retryJitter <= 1, "CHAINSYNC_WEBHOOK_RETRY_JITTER must be between 0 and 1")
                .present("CHAINSYNC_WEBHOOK_ENCRYPTION_KEY_FILE", encryptionKeyFile)
                .millis("CHAINSYNC_WEBHOOK_TIMEOUT_MS", timeout, Duration.ofMillis(100), Duration.ofMinutes(5))
                .millis("CHAINSYNC_WEBHOOK_MAX_RETRY_AFTER_MS", maxRetryAfter, Duration.ZERO, Duration.ofDays(7))
                .millis("CHAINSYNC_WEBHOOK_DISABLE_AFTER_MS", disableAfter, Duration.ofMinutes(1), Duration.ofDays(365))
                .millis("CHAINSYNC_WEBHOOK_SECRET_OVERLAP_MS", secretOverlap, Duration.ZERO, Duration.ofDays(30))
                .range("CHAINSYNC_WEBHOOK_ENDPOINT_CONCURRENCY", endpointConcurrency, 1, 1000)
                .range("CHAINSYNC_WEBHOOK_BATCH_SIZE", batchSize, 1, 10_000)
                .millis("CHAINSYNC_WEBHOOK_POLL_MS", pollInterval, Duration.ofMillis(1), Duration.ofMinutes(1))
                .millis(
                        "CHAINSYNC_WEBHOOK_RETENTION_MS",
                        deliveredRetention,
                        MIN_DELIVERED_RETENTION,
                        MAX_DELIVERED_RETENTION)
                .throwIfInvalid();
    }

    /** Defaults everywhere, the key file in {@code dataDir}. */
    public static WebhookConfig defaults(Path dataDir) {
        return new WebhookConfig(
                true,
                false,
                null,
                dataDir.resolve(KEY_FILE_NAME),
                DEFAULT_TIMEOUT,
                DEFAULT_RETRY_SCHEDULE,
                DEFAULT_RETRY_JITTER,
                DEFAULT_MAX_RETRY_AFTER,
                DEFAULT_DISABLE_AFTER,
                DEFAULT_SECRET_OVERLAP,
                DEFAULT_ENDPOINT_CONCURRENCY,
                DEFAULT_BATCH_SIZE,
                DEFAULT_POLL,
                DEFAULT_DELIVERED_RETENTION);
    }

    /**
     * Reads every {@code CHAINSYNC_WEBHOOK_*} variable; problems are collected in {@code env} (the
     * result is null then).
     */
    public static WebhookConfig load(Env env, Path dataDir) {
        String key = env.raw("CHAINSYNC_WEBHOOK_ENCRYPTION_KEY");
        if (key != null && !validKey(key)) {
            env.problem("CHAINSYNC_WEBHOOK_ENCRYPTION_KEY must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)");
            key = null;
        }
        List<Duration> schedule = DEFAULT_RETRY_SCHEDULE;
        String rawSchedule = env.raw("CHAINSYNC_WEBHOOK_RETRY_SCHEDULE");
        if (rawSchedule != null) {
            try {
                schedule = parseSchedule(rawSchedule);
            } catch (IllegalArgumentException e) {
                env.problem("CHAINSYNC_WEBHOOK_RETRY_SCHEDULE='" + rawSchedule + "' " + e.getMessage());
            }
        }
        boolean dispatcherEnabled = env.bool("CHAINSYNC_WEBHOOK_DISPATCHER_ENABLED", true);
        boolean allowPrivateTargets = env.bool("CHAINSYNC_WEBHOOK_ALLOW_PRIVATE_TARGETS", false);
        String encryptionKey = key;
        Path keyFile = env.path("CHAINSYNC_WEBHOOK_ENCRYPTION_KEY_FILE", dataDir.resolve(KEY_FILE_NAME));
        Duration timeout = env.millis("CHAINSYNC_WEBHOOK_TIMEOUT_MS", DEFAULT_TIMEOUT);
        List<Duration> retrySchedule = schedule;
        double jitter = env.fraction("CHAINSYNC_WEBHOOK_RETRY_JITTER", DEFAULT_RETRY_JITTER);
        Duration maxRetryAfter = env.millis("CHAINSYNC_WEBHOOK_MAX_RETRY_AFTER_MS", DEFAULT_MAX_RETRY_AFTER);
        Duration disableAfter = env.millis("CHAINSYNC_WEBHOOK_DISABLE_AFTER_MS", DEFAULT_DISABLE_AFTER);
        Duration secretOverlap = env.millis("CHAINSYNC_WEBHOOK_SECRET_OVERLAP_MS", DEFAULT_SECRET_OVERLAP);
        int concurrency = env.integer("CHAINSYNC_WEBHOOK_ENDPOINT_CONCURRENCY", DEFAULT_ENDPOINT_CONCURRENCY);
        int batchSize = env.integer("CHAINSYNC_WEBHOOK_BATCH_SIZE", DEFAULT_BATCH_SIZE);
        Duration poll = env.millis("CHAINSYNC_WEBHOOK_POLL_MS", DEFAULT_POLL);
        Duration retention = env.millis("CHAINSYNC_WEBHOOK_RETENTION_MS", DEFAULT_DELIVERED_RETENTION);
        return env.validated(() -> new WebhookConfig(
                dispatcherEnabled,
                allowPrivateTargets,
                encryptionKey,
                keyFile,
                timeout,
                retrySchedule,
                jitter,
                maxRetryAfter,
                disableAfter,
                secretOverlap,
                concurrency,
                batchSize,
                poll,
                retention));
    }

    /**
     * Parses {@code "0,5s,5m,30m,2h,5h,10h,10h"}: comma-separated durations with a unit of ms, s, m,
     * h or d (a bare number is seconds).
     */
    static List<Duration> parseSchedule(String raw) {
        List<Duration> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            Matcher m = DURATION.matcher(part.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException("must be comma-separated durations like 0,5s,5m,2h,1d");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            out.add(
                    switch (unit) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    });
        }
        return out;
    }

    private static boolean validKey(String key) {
        try {
            return Base64.getDecoder().decode(key).length == SecretBox.KEY_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Number of attempts a message gets before it is dead-lettered. */
    public int maxAttempts() {
        return retrySchedule.size();
    }

    /** How long a claim lasts: a message may wait for a free slot one timeout, then run one. */
    public Duration lease() {
        return timeout.multipliedBy(2).plus(LEASE_MARGIN);
    }

    @Override
    public String toString() {
        return "WebhookConfig[dispatcherEnabled=" + dispatcherEnabled + ", allowPrivateTargets=" + allowPrivateTargets
                + ", encryptionKey=" + (encryptionKey == null ? "file " + encryptionKeyFile : "***") + ", timeout="
                + timeout + ", retrySchedule=" + retrySchedule + ", retryJitter=" + retryJitter + ", maxRetryAfter="
                + maxRetryAfter + ", disableAfter=" + disableAfter + ", secretOverlap=" + secretOverlap
                + ", endpointConcurrency=" + endpointConcurrency + ", batchSize=" + batchSize + ", pollInterval="
                + pollInterval + ", deliveredRetention=" + deliveredRetention + "]";
    }

    /** A builder holding every default, the key file in {@code dataDir}. */
    public static Builder builder(Path dataDir) {
        return defaults(dataDir).toBuilder();
    }

    /** A builder holding this configuration, to change some fields of it. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Changes a {@link WebhookConfig} a field at a time and fails fast, like Caffeine's builder: a
     * setter given a bad value throws {@link dev.chainsync.config.ConfigException} at once, naming
     * the variable, rather than at {@link #build()} far from the mistake. Each setter re-runs the
     * record's own checks, so the rules live in one place (the compact constructor).
     */
    public static final class Builder {
        private WebhookConfig current;

        private Builder(WebhookConfig start) {
            this.current = start;
        }

        public Builder dispatcherEnabled(boolean value) {
            return set(c -> c.dispatcherEnabled = value);
        }

        public Builder allowPrivateTargets(boolean value) {
            return set(c -> c.allowPrivateTargets = value);
        }

        /** A base64 AES-256 key, or null to use the key file. */
        public Builder encryptionKey(String value) {
            return set(c -> c.encryptionKey = value);
        }

        public Builder encryptionKeyFile(Path value) {
            return set(c -> c.encryptionKeyFile = value);
        }

        public Builder timeout(Duration value) {
            return set(c -> c.timeout = value);
        }

        /** The schedule and its jitter together: each is only meaningful with the other. */
        public Builder retrySchedule(List<Duration> schedule, double jitter) {
            return set(c -> {
                c.retrySchedule = schedule;
                c.retryJitter = jitter;
            });
        }

        public Builder maxRetryAfter(Duration value) {
            return set(c -> c.maxRetryAfter = value);
        }

        public Builder disableAfter(Duration value) {
            return set(c -> c.disableAfter = value);
        }

        public Builder secretOverlap(Duration value) {
            return set(c -> c.secretOverlap = value);
        }

        public Builder endpointConcurrency(int value) {
            return set(c -> c.endpointConcurrency = value);
        }

        public Builder batchSize(int value) {
            return set(c -> c.batchSize = value);
        }

        public Builder pollInterval(Duration value) {
            return set(c -> c.pollInterval = value);
        }

        public Builder deliveredRetention(Duration value) {
            return set(c -> c.deliveredRetention = value);
        }

        /** The configuration built so far; every value in it has already been checked. */
        public WebhookConfig build() {
            return current;
        }

        private Builder set(Consumer<Fields> change) {
            Fields f = new Fields(current);
            change.accept(f);
            current = f.record();
            return this;
        }
    }

    /** The record's fields, mutable, while a builder's setter changes one of them. */
    private static final class Fields {
        boolean dispatcherEnabled;
        boolean allowPrivateTargets;
        String encryptionKey;
        Path encryptionKeyFile;
        Duration timeout;
        List<Duration> retrySchedule;
        double retryJitter;
        Duration maxRetryAfter;
        Duration disableAfter;
        Duration secretOverlap;
        int endpointConcurrency;
        int batchSize;
        Duration pollInterval;
        Duration deliveredRetention;

        Fields(WebhookConfig c) {
            dispatcherEnabled = c.dispatcherEnabled;
            allowPrivateTargets = c.allowPrivateTargets;
            encryptionKey = c.encryptionKey;
            encryptionKeyFile = c.encryptionKeyFile;
            timeout = c.timeout;
            retrySchedule = c.retrySchedule;
            retryJitter = c.retryJitter;
            maxRetryAfter = c.maxRetryAfter;
            disableAfter = c.disableAfter;
            secretOverlap = c.secretOverlap;
            endpointConcurrency = c.endpointConcurrency;
            batchSize = c.batchSize;
            pollInterval = c.pollInterval;
            deliveredRetention = c.deliveredRetention;
        }

        /** The record of these values; its compact constructor throws on the first bad one. */
        WebhookConfig record() {
            return new WebhookConfig(
                    dispatcherEnabled,
                    allowPrivateTargets,
                    encryptionKey,
                    encryptionKeyFile,
                    timeout,
                    retrySchedule,
                    retryJitter,
                    maxRetryAfter,
                    disableAfter,
                    secretOverlap,
                    endpointConcurrency,
                    batchSize,
                    pollInterval,
                    deliveredRetention);
        }
    }
}
