package dev.chainsync.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.config.Env;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The purge of delivered messages, with the default retention and with one set in the environment. */
class WebhookRetentionTest {

    @Test
    void oldDeliveredMessagesGoWithTheirAttemptsAndEventsButDeadLettersAndRecentOnesStay() {
        try (WebhookKit kit = new WebhookKit("wh_retention", WebhookKit.testConfig())) {
            long endpoint = kit.endpoints
                    .create("http://127.0.0.1:9/hook", List.of("*"), "retention")
                    .endpoint()
                    .id();
            for (int i = 0; i < 3; i++) {
                kit.emit("transfer.completed", "{\"n\":" + i + "}");
            }
            kit.emit("nobody.listens", "{}");
            List<String> ids = kit.msgIds(endpoint);
            assertThat(ids).hasSize(4);
            // First message delivered long ago, second dead-lettered long ago, third delivered just now.
            kit.jdbc.update(
                    "UPDATE webhook_messages SET status = 'delivered', delivered_at = ? WHERE msg_id = ?",
                    kit.clock.instant(),
                    ids.get(0));
            kit.jdbc.update("UPDATE webhook_messages SET status = 'dead_lettered' WHERE msg_id = ?", ids.get(1));
            kit.jdbc.update("""
                    INSERT INTO webhook_attempts (message_id, endpoint_id, attempt, started_at, succeeded, latency_ms, status_code, dispatcher)
                    SELECT id, endpoint_id, 1, ?, true, 5, 204, 'test' FROM webhook_messages WHERE msg_id = ?""", kit.clock.instant(), ids.get(0));
            kit.clock.advance(WebhookConfig.DEFAULT_DELIVERED_RETENTION.plus(Duration.ofDays(1)));
            kit.jdbc.update(
                    "UPDATE webhook_messages SET status = 'delivered', delivered_at = ? WHERE msg_id = ?",
                    kit.clock.instant(),
                    ids.get(2));

            assertThat(kit.endpoints.purgeDelivered()).isEqualTo(1);

            assertThat(kit.msgIds(endpoint)).containsExactly(ids.get(1), ids.get(2), ids.get(3));
            assertThat(kit.count("SELECT count(*) FROM webhook_attempts")).isZero();
            assertThat(kit.count("SELECT count(*) FROM webhook_events"))
                    .as("events whose messages remain stay")
                    .isEqualTo(3);
            assertThat(kit.endpoints.purgeDelivered()).isZero();
        }
    }

    @Test
    void aRetentionSetInTheEnvironmentDecidesWhichDeliveredMessagesGo() {
        WebhookConfig twoDays = Env.read(
                Map.of(
                        "CHAINSYNC_WEBHOOK_RETENTION_MS",
                        String.valueOf(Duration.ofDays(2).toMillis())),
                env -> WebhookConfig.load(env, Path.of(".chainsync")));
        assertThat(twoDays.deliveredRetention()).isEqualTo(Duration.ofDays(2));
        WebhookConfig config = twoDays.toBuilder()
                .allowPrivateTargets(true)
                .timeout(WebhookKit.testConfig().timeout())
                .build();
        try (WebhookKit kit = new WebhookKit("wh_retention_env", config)) {
            long endpoint = kit.endpoints
                    .create("http://127.0.0.1:9/hook", List.of("*"), "retention")
                    .endpoint()
                    .id();
            kit.emit("transfer.completed", "{\"n\":1}");
            kit.emit("transfer.completed", "{\"n\":2}");
            List<String> ids = kit.msgIds(endpoint);
            // Delivered three days and one day before the purge: past two days, and within them.
            kit.jdbc.update(
                    "UPDATE webhook_messages SET status = 'delivered', delivered_at = ? WHERE msg_id = ?",
                    kit.clock.instant(),
                    ids.get(0));
            kit.clock.advance(Duration.ofDays(2));
            kit.jdbc.update(
                    "UPDATE webhook_messages SET status = 'delivered', delivered_at = ? WHERE msg_id = ?",
                    kit.clock.instant(),
                    ids.get(1));
            kit.clock.advance(Duration.ofDays(1));
            // The default retention keeps both: the configured value is what decides below.
            WebhookEndpoints withDefaults =
                    new WebhookEndpoints(kit.jdbc, WebhookKit.testConfig(), kit.box, kit.clock, new SecureRandom());
            assertThat(withDefaults.purgeDelivered()).isZero();
            assertThat(kit.msgIds(endpoint)).containsExactlyElementsOf(ids);

            assertThat(kit.endpoints.purgeDelivered()).isEqualTo(1);

            assertThat(kit.msgIds(endpoint)).containsExactly(ids.get(1));
        }
    }
}
