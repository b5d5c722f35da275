package dev.chainsync.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.config.ConfigException;
import dev.chainsync.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookConfigTest {
    @TempDir
    Path dir;

    /** The webhook section read from {@code vars}, with the key file in {@link #dir}. */
    private WebhookConfig load(Map<String, String> vars) {
        return Env.read(vars, env -> WebhookConfig.load(env, dir));
    }

    @Test
    void defaultsFollowSvixAndStandardWebhooks() {
        WebhookConfig c = load(Map.of());
        assertThat(c.retrySchedule())
                .containsExactly(
                        Duration.ZERO,
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(5),
                        Duration.ofMinutes(30),
                        Duration.ofHours(2),
                        Duration.ofHours(5),
                        Duration.ofHours(10),
                        Duration.ofHours(10));
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.disableAfter()).isEqualTo(Duration.ofDays(5));
        assertThat(c.secretOverlap()).isEqualTo(Duration.ofHours(24));
        assertThat(c.allowPrivateTargets()).isFalse();
        assertThat(c.encryptionKeyFile()).isEqualTo(dir.resolve("webhook-encryption.key"));
        assertThat(c.lease()).isGreaterThan(c.timeout().multipliedBy(2));
        assertThat(c.deliveredRetention()).isEqualTo(Duration.ofDays(30));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-86400000", "30", "3599999", "315360000001", "30d", "soon"})
    void aRetentionThatIsNotAtLeastAnHourIsRejectedByName(String value) {
        assertThatThrownBy(() -> load(Map.of("CHAINSYNC_WEBHOOK_RETENTION_MS", value)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .singleElement()
                        .asString()
                        .startsWith("CHAINSYNC_WEBHOOK_RETENTION_MS='" + value + "' ")
                        .containsAnyOf("must be between 3600000 and 315360000000", "is not an integer"));
    }

    @Test
    void aRetentionOfAnHourOrMoreIsAcceptedAndShownInTheEffectiveConfiguration() {
        WebhookConfig c = load(Map.of("CHAINSYNC_WEBHOOK_RETENTION_MS", "3600000"));
        assertThat(c.deliveredRetention()).isEqualTo(Duration.ofHours(1));
        assertThat(c.toString()).contains("deliveredRetention=PT1H");
        // A record built in code is checked like one read from the environment: the builder's setter
        // throws at once, naming the variable, and the builder keeps its last good values.
        WebhookConfig.Builder builder = WebhookConfig.builder(dir);
        assertThatThrownBy(() -> builder.deliveredRetention(Duration.ZERO))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactly(
                                "CHAINSYNC_WEBHOOK_RETENTION_MS='0' must be between 3600000 and 315360000000"));
        assertThat(builder.build()).isEqualTo(WebhookConfig.defaults(dir));
        assertThat(builder.batchSize(7).build().batchSize()).isEqualTo(7);
        assertThatThrownBy(() -> builder.retrySchedule(List.of(Duration.ofSeconds(1)), 2))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .hasSize(2)
                        .anySatisfy(p -> assertThat(p).contains("must start with 0"))
                        .anySatisfy(p -> assertThat(p).contains("CHAINSYNC_WEBHOOK_RETRY_JITTER")));
    }

    @Test
    void everySettingIsReadAndBadValuesAreReportedTogetherWithoutEchoingTheKey() {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        WebhookConfig c = load(Map.of(
                "CHAINSYNC_WEBHOOK_RETRY_SCHEDULE",
                "0, 1s,250ms,2m,1h,1d,3",
                "CHAINSYNC_WEBHOOK_ALLOW_PRIVATE_TARGETS",
                "true",
                "CHAINSYNC_WEBHOOK_ENCRYPTION_KEY",
                key,
                "CHAINSYNC_WEBHOOK_TIMEOUT_MS",
                "3000",
                "CHAINSYNC_WEBHOOK_ENDPOINT_CONCURRENCY",
                "7"));
        assertThat(c.retrySchedule())
                .containsExactly(
                        Duration.ZERO,
                        Duration.ofSeconds(1),
                        Duration.ofMillis(250),
                        Duration.ofMinutes(2),
                        Duration.ofHours(1),
                        Duration.ofDays(1),
                        Duration.ofSeconds(3));
        assertThat(c.allowPrivateTargets()).isTrue();
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.endpointConcurrency()).isEqualTo(7);
        assertThat(c.toString()).doesNotContain(key);

        assertThatThrownBy(() -> load(Map.of(
                        "CHAINSYNC_WEBHOOK_RETRY_SCHEDULE",
                        "5s,soon",
                        "CHAINSYNC_WEBHOOK_ENCRYPTION_KEY",
                        "c2hvcnQ=",
                        "CHAINSYNC_WEBHOOK_TIMEOUT_MS",
                        "5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CHAINSYNC_WEBHOOK_RETRY_SCHEDULE")
                .hasMessageContaining("CHAINSYNC_WEBHOOK_ENCRYPTION_KEY must be 32 bytes")
                .hasMessageContaining("CHAINSYNC_WEBHOOK_TIMEOUT_MS")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("c2hvcnQ="));
    }

    @Test
    void aScheduleThatDoesNotStartAtZeroIsRefusedNotSilentlyShortened() {
        assertThatThrownBy(() -> load(Map.of("CHAINSYNC_WEBHOOK_RETRY_SCHEDULE", "1m,5m")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CHAINSYNC_WEBHOOK_RETRY_SCHEDULE")
                .hasMessageContaining("must start with 0");
    }

    @Test
    void theKeyFileIsGeneratedOwnerOnlyOnFirstStartAndReusedAfter() throws Exception {
        Path file = dir.resolve("sub/webhook-encryption.key");
        SecretBox first = SecretBox.loadOrGenerate(file);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        SecretBox again = SecretBox.loadOrGenerate(file);
        assertThat(again.keyId()).isEqualTo(first.keyId());
        byte[] sealed = first.seal("hello".getBytes(), "webhook-endpoint:1");
        assertThat(new String(again.open(sealed, "webhook-endpoint:1", first.keyId())))
                .isEqualTo("hello");
        // Bound to its endpoint: the same ciphertext under another endpoint does not open.
        assertThatThrownBy(() -> again.open(sealed, "webhook-endpoint:2", first.keyId()))
                .hasMessageContaining("failed authentication");
        SecretBox other = SecretBox.of(WebhookKit.randomKey());
        assertThatThrownBy(() -> other.open(sealed, "webhook-endpoint:1", first.keyId()))
                .hasMessageContaining("CHAINSYNC_WEBHOOK_ENCRYPTION_KEY");
        assertThat(WebhookConfig.parseSchedule("0,5s")).isEqualTo(List.of(Duration.ZERO, Duration.ofSeconds(5)));
    }
}
