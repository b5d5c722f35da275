package dev.chainsync.outbox;

import dev.chainsync.chain.Commitment;
import dev.chainsync.config.Checks;
import dev.chainsync.config.Env;
import java.time.Duration;
import java.util.List;

/**
 * The outbox relay and confirmation tracker; valid by construction. Change one field with
 * {@link #toBuilder()}.
 */
public record RelayConfig(
        boolean enabled,
        String instanceId,
        int batchSize,
        Duration pollInterval,
        Duration confirmPollInterval,
        Duration lease,
        int maxAttempts,
        Duration retryBase,
        Duration retryCap,
        Commitment commitment,
        Duration unhealthyPendingAge) {
    public static final int DEFAULT_BATCH_SIZE = 200;
    public static final Duration DEFAULT_POLL = Duration.ofMillis(200);
    public static final Duration DEFAULT_CONFIRM_POLL = Duration.ofMillis(400);
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_ATTEMPTS = 8;
    public static final Duration DEFAULT_RETRY_BASE = Duration.ofMillis(500);
    public static final Duration DEFAULT_RETRY_CAP = Duration.ofMinutes(5);
    public static final Commitment DEFAULT_COMMITMENT = Commitment.CONFIRMED;
    public static final Duration DEFAULT_UNHEALTHY_PENDING_AGE = Duration.ofMinutes(10);

    public RelayConfig {
        new Checks()
                .that(instanceId != null && !instanceId.isBlank(), "CHAINSYNC_RELAY_INSTANCE_ID must not be blank")
                .range("CHAINSYNC_RELAY_BATCH_SIZE", batchSize, 1, 10_000)
                .millis("CHAINSYNC_RELAY_POLL_MS", pollInterval, Duration.ofMillis(1), Duration.ofMinutes(1))
                .millis("CHAINSYNC_CONFIRM_POLL_MS", confirmPollInterval, Duration.ofMillis(1), Duration.ofMinutes(1))
                .millis("CHAINSYNC_RELAY_LEASE_MS", lease, Duration.ofSeconds(1), Duration.ofHours(1))
                .range("CHAINSYNC_RELAY_MAX_ATTEMPTS", maxAttempts, 1, 1000)
                .millis("CHAINSYNC_RETRY_BASE_MS", retryBase, Duration.ofMillis(1), Duration.ofHours(1))
                .millis("CHAINSYNC_RETRY_MAX_MS", retryCap, Duration.ofMillis(1), Duration.ofDays(1))
                .that(
                        retryBase == null || retryCap == null || retryCap.compareTo(retryBase) >= 0,
                        "CHAINSYNC_RETRY_MAX_MS must not be smaller than CHAINSYNC_RETRY_BASE_MS")
                .present("CHAINSYNC_CONFIRMATION_COMMITMENT", commitment)
                .millis(
                        "CHAINSYNC_HEALTH_MAX_PENDING_AGE_MS",
                        unhealthyPendingAge,
                        Duration.ofSeconds(1),
                        Duration.ofDays(30))
                .throwIfInvalid();
    }

    /** Every default; the instance id is this host and process. */
    public static RelayConfig defaults() {
        return builder().build();
    }

    /** A builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration, to change some fields of it. */
    public Builder toBuilder() {
        return new Builder()
                .enabled(enabled)
                .instanceId(instanceId)
                .batchSize(batchSize)
                .pollInterval(pollInterval)
                .confirmPollInterval(confirmPollInterval)
                .lease(lease)
                .maxAttempts(maxAttempts)
                .retryBase(retryBase)
                .retryCap(retryCap)
                .commitment(commitment)
                .unhealthyPendingAge(unhealthyPendingAge);
    }

    /** Reads the relay's variables; problems are collected in {@code env} (the result is null then). */
    public static RelayConfig load(Env env) {
        String commitment = env.oneOf(
                "CHAINSYNC_CONFIRMATION_COMMITMENT",
                DEFAULT_COMMITMENT.wireName(),
                List.of(Commitment.CONFIRMED.wireName(), Commitment.FINALIZED.wireName()));
        Builder b = builder()
                .enabled(env.bool("CHAINSYNC_RELAY_ENABLED", true))
                .instanceId(env.string("CHAINSYNC_RELAY_INSTANCE_ID", defaultInstanceId()))
                .batchSize(env.integer("CHAINSYNC_RELAY_BATCH_SIZE", DEFAULT_BATCH_SIZE))
                .pollInterval(env.millis("CHAINSYNC_RELAY_POLL_MS", DEFAULT_POLL))
                .confirmPollInterval(env.millis("CHAINSYNC_CONFIRM_POLL_MS", DEFAULT_CONFIRM_POLL))
                .lease(env.millis("CHAINSYNC_RELAY_LEASE_MS", DEFAULT_LEASE))
                .maxAttempts(env.integer("CHAINSYNC_RELAY_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))
                .retryBase(env.millis("CHAINSYNC_RETRY_BASE_MS", DEFAULT_RETRY_BASE))
                .retryCap(env.millis("CHAINSYNC_RETRY_MAX_MS", DEFAULT_RETRY_CAP))
                .commitment(Commitment.parse(commitment))
                .unhealthyPendingAge(env.millis("CHAINSYNC_HEALTH_MAX_PENDING_AGE_MS", DEFAULT_UNHEALTHY_PENDING_AGE));
        return env.validated(b::build);
    }

    private static String defaultInstanceId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "local");
        return host + "-" + ProcessHandle.current().pid();
    }

    /** Collects fields for a {@link RelayConfig}; {@link #build()} validates them. */
    public static final class Builder {
        private boolean enabled = true;
        private String instanceId = defaultInstanceId();
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration pollInterval = DEFAULT_POLL;
        private Duration confirmPollInterval = DEFAULT_CONFIRM_POLL;
        private Duration lease = DEFAULT_LEASE;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration retryBase = DEFAULT_RETRY_BASE;
        private Duration retryCap = DEFAULT_RETRY_CAP;
        private Commitment commitment = DEFAULT_COMMITMENT;
        private Duration unhealthyPendingAge = DEFAULT_UNHEALTHY_PENDING_AGE;

        private Builder() {}

        public Builder enabled(boolean value) {
            enabled = value;
            return this;
        }

        public Builder instanceId(String value) {
            instanceId = value;
            return this;
        }

        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        public Builder pollInterval(Duration value) {
            pollInterval = value;
            return this;
        }

        public Builder confirmPollInterval(Duration value) {
            confirmPollInterval = value;
            return this;
        }

        public Builder lease(Duration value) {
            lease = value;
            return this;
        }

        public Builder maxAttempts(int value) {
            maxAttempts = value;
            return this;
        }

        public Builder retryBase(Duration value) {
            retryBase = value;
            return this;
        }

        public Builder retryCap(Duration value) {
            retryCap = value;
            return this;
        }

        public Builder commitment(Commitment value) {
            commitment = value;
            return this;
        }

        public Builder unhealthyPendingAge(Duration value) {
            unhealthyPendingAge = value;
            return this;
        }

        public RelayConfig build() {
            return new RelayConfig(
                    enabled,
                    instanceId,
                    batchSize,
                    pollInterval,
                    confirmPollInterval,
                    lease,
                    maxAttempts,
                    retryBase,
                    retryCap,
                    commitment,
                    unhealthyPendingAge);
        }
    }
}
