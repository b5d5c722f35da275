package dev.chainsync.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.testing.TestDatabases;
import dev.chainsync.webhook.Receiver.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WebhookFailureIsolationTest {
    private static TestDatabases.Scratch db;
    private WebhookKit kit;
    private Receiver receiver;

    @BeforeAll
    static void database() {
        db = TestDatabases.create("webhook_isolation", 12);
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
    }

    @AfterEach
    void tearDown() {
        if (receiver != null) {
            receiver.close();
        }
        if (kit != null) {
            kit.close();
        }
    }

    private void start(WebhookConfig config) {
        kit = new WebhookKit(db, config);
        receiver = Receiver.start();
    }

    private String status(long endpointId) {
        return kit.string("SELECT status FROM webhook_messages WHERE endpoint_id = ?", endpointId);
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            System.err.println("pass failed: " + e);
        }
    }

    /** A receiver answering 200 with a NUL byte in its body: its excerpt is stored, and nothing is re-sent. */
    @Test
    void aNulByteInAResponseBodyDoesNotUndoTheOutcomesOfItsBatch() {
        start(WebhookKit.testConfig());
        receiver.behaviour =
                h -> h.path().equals("/nul") ? new Reply(200, Map.of(), "ok\u0000", Duration.ZERO) : Reply.ok();
        long nul = kit.endpoints
                .create(receiver.url("/nul"), List.of("*"), null)
                .endpoint()
                .id();
        long good = kit.endpoints
                .create(receiver.url("/good"), List.of("*"), null)
                .endpoint()
                .id();
        kit.emit("a.b", "{}");
        WebhookDispatcher d = kit.dispatcher();
        for (int i = 0; i < 3; i++) {
            quietly(d::deliverDue);
            kit.clock.advance(kit.config.lease().plusSeconds(1)); // the claims expire
        }
        assertThat(receiver.hitsFor("/good"))
                .as("healthy endpoint: one event, one delivery")
                .hasSize(1);
        assertThat(receiver.hitsFor("/nul"))
                .as("a 200 is a delivery; not re-sent")
                .hasSize(1);
        assertThat(status(good)).isEqualTo("delivered");
        assertThat(status(nul)).isEqualTo("delivered");
        assertThat(kit.string("SELECT response_excerpt FROM webhook_attempts WHERE endpoint_id = ?", nul))
                .isEqualTo("ok" + dev.chainsync.db.PgText.NUL_STAND_IN);
    }

    /** One endpoint whose secret cannot be opened must not stop the other endpoints' deliveries. */
    @Test
    void anEndpointWithAnUnreadableSecretDoesNotStopOtherEndpoints() {
        start(WebhookKit.testConfig());
        long good = kit.endpoints
                .create(receiver.url("/good"), List.of("*"), null)
                .endpoint()
                .id();
        long other = kit.endpoints
                .create(receiver.url("/other"), List.of("*"), null)
                .endpoint()
                .id();
        // That endpoint's secret was sealed by an instance with another key (or the row is damaged).
        SecretBox foreign = SecretBox.of(WebhookKit.randomKey());
        kit.jdbc.update(
                "UPDATE webhook_endpoint_secrets SET key_id = ?, ciphertext = ? WHERE endpoint_id = ?",
                foreign.keyId(),
                foreign.seal(new byte[32], WebhookEndpoints.secretContext(other)),
                other);
        kit.emit("a.b", "{}");
        WebhookDispatcher d = kit.dispatcher();
        for (int i = 0; i < 3; i++) {
            quietly(d::deliverDue);
            kit.clock.advance(Duration.ofSeconds(1));
        }
        assertThat(receiver.hitsFor("/good"))
                .as("the endpoint with a good secret")
                .hasSize(1);
        assertThat(status(good)).isEqualTo("delivered");
        assertThat(receiver.hitsFor("/other")).as("nothing it could sign").isEmpty();
        // It waits for the operator (a key to restore) without spending its attempts.
        assertThat(kit.count("SELECT count(*) FROM webhook_attempts WHERE endpoint_id = ?", other))
                .isZero();
        assertThat(status(other)).isEqualTo("pending");
        assertThat(kit.instant("SELECT next_attempt_at FROM webhook_messages WHERE endpoint_id = ?", other))
                .isAfter(kit.clock.instant());
    }

    /** A Retry-After too large for a long is capped at the maximum, not ignored. */
    @Test
    void anOversizedRetryAfterIsCappedNotIgnored() {
        start(WebhookKit.testConfig().toBuilder()
                .retrySchedule(List.of(Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(5)), 0)
                .build());
        receiver.behaviour = h -> new Reply(503, Map.of("Retry-After", "99999999999999999999"), "", Duration.ZERO);
        long ep = kit.endpoints
                .create(receiver.url("/h"), List.of("*"), null)
                .endpoint()
                .id();
        kit.emit("a.b", "{}");
        Instant t0 = kit.clock.instant();
        kit.dispatcher().deliverDue();
        Instant next = kit.instant("SELECT next_attempt_at FROM webhook_messages WHERE endpoint_id = ?", ep);
        assertThat(next)
                .as("never earlier than asked, up to max-retry-after (24 h)")
                .isAfterOrEqualTo(t0.plus(kit.config.maxRetryAfter()));
    }
}
