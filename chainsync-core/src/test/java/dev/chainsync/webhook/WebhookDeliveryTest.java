package dev.chainsync.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import dev.chainsync.json.Json;
import dev.chainsync.testing.TestDatabases;
import dev.chainsync.webhook.Receiver.Hit;
import dev.chainsync.webhook.Receiver.Reply;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dispatcher against a real local HTTP receiver; signatures checked with the reference verifier. */
class WebhookDeliveryTest {
    private static TestDatabases.Scratch db;
    private WebhookKit kit;

    @BeforeAll
    static void database() {
        db = TestDatabases.create("webhooks", 12);
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
    }

    private Receiver receiver;

    @AfterEach
    void tearDown() {
        if (receiver != null) {
            receiver.close();
        }
        if (kit != null) {
            kit.close();
        }
    }

    private void start(String name, WebhookConfig config) {
        kit = new WebhookKit(db, config);
        receiver = Receiver.start();
    }

    private static void verify(String secret, Hit hit) throws WebhookVerificationException {
        new Webhook(secret).verify(hit.body(), hit.headers());
    }

    private WebhookMessage message(long endpointId, String msgId) {
        return kit.endpoints.message(endpointId, msgId).orElseThrow();
    }

    @Test
    void deliveryIsSignedPerStandardWebhooksAndVerifiesWithTheReferenceLibrary() throws Exception {
        start("wh_sign", WebhookKit.testConfig());
        WebhookEndpoints.Created ep = kit.endpoints.create(receiver.url("/hook"), List.of("credential.*"), "test");
        String eventId = kit.emit("credential.confirmed", "{\"hash\":\"abc\",\"slot\":7}");

        assertThat(kit.dispatcher().deliverDue()).isEqualTo(1);

        assertThat(receiver.hits).hasSize(1);
        Hit hit = receiver.hits.peek();
        verify(ep.secret(), hit);
        String msgId = kit.msgIds(ep.endpoint().id()).getFirst();
        assertThat(hit.id()).isEqualTo(msgId).startsWith("msg_");
        assertThat(Long.parseLong(hit.timestamp()))
                .isEqualTo(kit.clock.instant().getEpochSecond());
        assertThat(hit.signature()).matches("v1,[A-Za-z0-9+/=]+");
        assertThat(hit.headers().get("content-type")).containsExactly("application/json");
        JsonNode body = Json.MAPPER.readTree(hit.body());
        assertThat(body.path("type").asText()).isEqualTo("credential.confirmed");
        assertThat(Instant.parse(body.path("timestamp").asText())).isEqualTo(kit.clock.instant());
        assertThat(body.path("data").path("hash").asText()).isEqualTo("abc");
        assertThat(body.path("data").path("slot").asInt()).isEqualTo(7);
        // A tampered body or another secret does not verify.
        Hit tampered = new Hit(
                hit.path(),
                hit.id(),
                hit.timestamp(),
                hit.signature(),
                hit.body().replace("abc", "abd"),
                hit.headers());
        assertThatThrownBy(() -> verify(ep.secret(), tampered)).isInstanceOf(WebhookVerificationException.class);
        String other = kit.endpoints
                .create(receiver.url("/other"), List.of("ingest.dead_lettered"), null)
                .secret();
        assertThatThrownBy(() -> verify(other, hit)).isInstanceOf(WebhookVerificationException.class);

        WebhookMessage m = message(ep.endpoint().id(), msgId);
        assertThat(m.status()).isEqualTo(WebhookMessage.Status.DELIVERED);
        assertThat(m.eventId()).isEqualTo(eventId);
        assertThat(m.deliveredAt()).isEqualTo(kit.clock.instant());
        assertThat(kit.endpoints.attempts(ep.endpoint().id(), msgId))
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.succeeded()).isTrue();
                    assertThat(a.statusCode()).isEqualTo(204);
                    assertThat(a.attempt()).isEqualTo(1);
                });
        assertThat(kit.registry
                        .get("chainsync_webhook_deliveries_total")
                        .tag("outcome", "delivered")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(kit.registry
                        .get("chainsync_webhook_event_to_delivered_seconds")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void afterRotationBothSecretsSignDuringTheOverlapThenOnlyTheNewOne() throws Exception {
        WebhookConfig c = WebhookKit.testConfig().toBuilder()
                .secretOverlap(Duration.ofMinutes(1))
                .build();
        start("wh_rotate", c);
        WebhookEndpoints.Created ep = kit.endpoints.create(receiver.url("/hook"), List.of("*"), null);
        WebhookEndpoints.Rotated rotated =
                kit.endpoints.rotateSecret(ep.endpoint().id()).orElseThrow();
        assertThat(rotated.secret()).startsWith("whsec_").isNotEqualTo(ep.secret());
        assertThat(rotated.previousSecretExpiresAt())
                .isEqualTo(kit.clock.instant().plus(Duration.ofMinutes(1)));
        WebhookDispatcher d = kit.dispatcher();

        kit.emit("a.b", "{}");
        d.deliverDue();
        Hit during = receiver.hits.poll();
        assertThat(during.signature().split(" ")).hasSize(2);
        verify(ep.secret(), during);
        verify(rotated.secret(), during);

        kit.clock.advance(Duration.ofSeconds(61));
        kit.emit("a.b", "{}");
        d.deliverDue();
        Hit after = receiver.hits.poll();
        assertThat(after.signature().split(" ")).hasSize(1);
        verify(rotated.secret(), after);
        assertThatThrownBy(() -> verify(ep.secret(), after)).isInstanceOf(WebhookVerificationException.class);
    }

    /** Returns the given uniforms in turn, so jitter is known exactly. */
    private static RandomGenerator uniforms(double... values) {
        return new RandomGenerator() {
            int i;

            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public double nextDouble() {
                return values[i++ % values.length];
            }
        };
    }

    @Test
    void failuresFollowTheScheduleWithJitterThenDeadLetter() {
        start("wh_schedule", WebhookKit.testConfig());
        receiver.behaviour = h -> new Reply(500, Map.of(), "x".repeat(5000), Duration.ZERO);
        long ep = kit.endpoints
                .create(receiver.url("/hook"), List.of("*"), null)
                .endpoint()
                .id();
        kit.emit("a.b", "{}");
        String msgId = kit.msgIds(ep).getFirst();
        // Jitter factors 0.8, 1.0 and 1.2 (the uniform 0, 0.5 and 1) in turn.
        WebhookDispatcher d = kit.dispatcher(kit.config, uniforms(0.0, 0.5, 1.0));
        List<Duration> schedule = WebhookConfig.DEFAULT_RETRY_SCHEDULE;
        double[] factors = {0.8, 1.0, 1.2};

        for (int attempt = 1; attempt <= schedule.size(); attempt++) {
            assertThat(d.deliverDue()).as("attempt " + attempt).isEqualTo(1);
            WebhookMessage m = message(ep, msgId);
            assertThat(m.attempts()).isEqualTo(attempt);
            assertThat(m.lastStatusCode()).isEqualTo(500);
            if (attempt == schedule.size()) {
                assertThat(m.status()).isEqualTo(WebhookMessage.Status.DEAD_LETTERED);
                break;
            }
            assertThat(m.status()).isEqualTo(WebhookMessage.Status.PENDING);
            Duration expected =
                    Duration.ofMillis(Math.round(schedule.get(attempt).toMillis() * factors[(attempt - 1) % 3]));
            assertThat(Duration.between(kit.clock.instant(), m.nextAttemptAt()))
                    .as("delay after attempt " + attempt)
                    .isEqualTo(expected);
            kit.clock.set(m.nextAttemptAt().minusMillis(1));
            assertThat(d.deliverDue()).as("not due yet").isZero();
            kit.clock.set(m.nextAttemptAt());
        }

        List<WebhookAttempt> attempts = kit.endpoints.attempts(ep, msgId);
        assertThat(attempts).hasSize(8).allSatisfy(a -> {
            assertThat(a.succeeded()).isFalse();
            assertThat(a.statusCode()).isEqualTo(500);
            assertThat(a.error()).isEqualTo("HTTP 500");
            assertThat(a.responseExcerpt()).hasSize(WebhookDispatcher.EXCERPT_BYTES);
        });
        assertThat(attempts).extracting(WebhookAttempt::attempt).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(receiver.hits).hasSize(8).extracting(Hit::id).containsOnly(msgId);
        kit.clock.advance(Duration.ofDays(2));
        assertThat(d.deliverDue()).as("dead letters are not retried").isZero();
        assertThat(kit.registry
                        .get("chainsync_webhook_deliveries_total")
                        .tag("outcome", "dead_lettered")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(kit.registry
                        .get("chainsync_webhook_deliveries_total")
                        .tag("outcome", "failed")
                        .counter()
                        .count())
                .isEqualTo(7);
    }

    @Test
    void retryAfterInSecondsOrAsAnHttpDateIsHonoured() {
        start("wh_retry_after", WebhookKit.testConfig());
        long ep = kit.endpoints
                .create(receiver.url("/hook"), List.of("*"), null)
                .endpoint()
                .id();
        kit.emit("a.b", "{}");
        String msgId = kit.msgIds(ep).getFirst();
        WebhookDispatcher d = kit.dispatcher(kit.config, uniforms(0.5));

        receiver.behaviour = h -> new Reply(503, Map.of("Retry-After", "120"), "", Duration.ZERO);
        d.deliverDue();
        Instant t1 = kit.clock.instant();
        assertThat(message(ep, msgId).nextAttemptAt())
                .as("120 s asked, 5 s scheduled")
                .isEqualTo(t1.plusSeconds(120));

        kit.clock.advance(Duration.ofSeconds(120));
        Instant date = kit.clock.instant().plus(Duration.ofMinutes(40));
        receiver.behaviour = h -> new Reply(
                429,
                Map.of("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(date.atOffset(ZoneOffset.UTC))),
                "",
                Duration.ZERO);
        d.deliverDue();
        assertThat(message(ep, msgId).nextAttemptAt())
                .as("a date 40 min ahead beats the 5 min step")
                .isEqualTo(date);

        kit.clock.set(date);
        receiver.behaviour = h -> new Reply(503, Map.of("Retry-After", "1"), "", Duration.ZERO);
        d.deliverDue();
        assertThat(message(ep, msgId).nextAttemptAt())
                .as("1 s asked, 30 min scheduled")
                .isEqualTo(date.plus(Duration.ofMinutes(30)));
    }

    @Test
    void a410DisablesTheEndpointAndRecordsAnEventOthersCanSubscribeTo() throws Exception {
        start("wh_gone", WebhookKit.testConfig());
        receiver.behaviour = h -> h.path().equals("/gone") ? Reply.status(410) : Reply.ok();
        long gone = kit.endpoints
                .create(receiver.url("/gone"), List.of("credential.confirmed"), null)
                .endpoint()
                .id();
        long watcher = kit.endpoints
                .create(receiver.url("/watch"), List.of("webhook_endpoint.*"), null)
                .endpoint()
                .id();
        kit.emit("credential.confirmed", "{}");
        WebhookDispatcher d = kit.dispatcher();

        d.deliverDue();
        WebhookEndpoint ep = kit.endpoints.find(gone).orElseThrow();
        assertThat(ep.enabled()).isFalse();
        assertThat(ep.disabledReason()).contains("410");
        assertThat(ep.disabledAt()).isEqualTo(kit.clock.instant());
        assertThat(kit.count("SELECT count(*) FROM webhook_events WHERE type = 'webhook_endpoint.disabled'"))
                .isEqualTo(1);
        assertThat(kit.registry
                        .get("chainsync_webhook_endpoints_disabled_total")
                        .counter()
                        .count())
                .isEqualTo(1);

        d.deliverDue();
        List<Hit> watched = receiver.hitsFor("/watch");
        assertThat(watched).hasSize(1);
        JsonNode body = Json.MAPPER.readTree(watched.getFirst().body());
        assertThat(body.path("type").asText()).isEqualTo("webhook_endpoint.disabled");
        assertThat(body.path("data").path("endpoint_id").asLong()).isEqualTo(gone);
        assertThat(body.path("data").path("reason").asText()).contains("410");

        // A disabled endpoint gets no new messages and its pending ones wait.
        kit.emit("credential.confirmed", "{}");
        kit.clock.advance(Duration.ofHours(1));
        d.deliverDue();
        assertThat(receiver.hitsFor("/gone")).hasSize(1);
        assertThat(kit.msgIds(gone)).hasSize(1);
        assertThat(kit.msgIds(watcher)).hasSize(1);
    }

    @Test
    void anEndpointFailingWithoutASuccessForFiveDaysIsDisabled() {
        start("wh_failing", WebhookKit.testConfig());
        boolean[] up = {false};
        receiver.behaviour = h -> up[0] ? Reply.ok() : Reply.status(500);
        long ep = kit.endpoints
                .create(receiver.url("/hook"), List.of("*"), null)
                .endpoint()
                .id();
        WebhookDispatcher d = kit.dispatcher();
        Instant t0 = kit.clock.instant();

        kit.emit("a.b", "{}");
        d.deliverDue();
        assertThat(kit.endpoints.find(ep).orElseThrow().failingSince()).isEqualTo(t0);
        // Two days of failures, then one success ends the run.
        kit.clock.advance(Duration.ofDays(2));
        kit.emit("a.b", "{}");
        d.deliverDue();
        up[0] = true;
        kit.emit("a.b", "{}");
        d.deliverDue();
        assertThat(kit.endpoints.find(ep).orElseThrow().failingSince()).isNull();
        up[0] = false;
        Instant t1 = kit.clock.instant();
        kit.emit("a.b", "{}");
        d.deliverDue();
        assertThat(kit.endpoints.find(ep).orElseThrow().failingSince()).isEqualTo(t1);

        // Four days and 23 hours later it still fails: not yet.
        kit.clock.set(t1.plus(Duration.ofDays(5)).minusSeconds(3600));
        kit.emit("a.b", "{}");
        d.deliverDue();
        assertThat(kit.endpoints.find(ep).orElseThrow().enabled()).isTrue();

        kit.clock.set(t1.plus(Duration.ofDays(5)));
        kit.emit("a.b", "{}");
        d.deliverDue();
        WebhookEndpoint disabled = kit.endpoints.find(ep).orElseThrow();
        assertThat(disabled.enabled()).isFalse();
        assertThat(disabled.disabledReason()).contains("failing");
        assertThat(kit.count(
                        "SELECT count(*) FROM webhook_events WHERE type = 'webhook_endpoint.disabled'"
                                + " AND payload->>'endpoint_id' = ?",
                        Long.toString(ep)))
                .isEqualTo(1);

        // Enabling it again starts afresh.
        WebhookEndpoint enabled = kit.endpoints
                .update(ep, new WebhookEndpoints.Update(null, null, null, true))
                .orElseThrow();
        assertThat(enabled.enabled()).isTrue();
        assertThat(enabled.failingSince()).isNull();
        assertThat(enabled.disabledReason()).isNull();
    }

    @Test
    void receiverDownForAWhileThenBackGetsEveryMessageUnderItsOwnStableId() {
        start(
                "wh_outage",
                WebhookKit.testConfig().toBuilder()
                        .timeout(Duration.ofMillis(500))
                        .build());
        long ep = kit.endpoints
                .create(receiver.url("/hook"), List.of("*"), null)
                .endpoint()
                .id();
        WebhookDispatcher d = kit.dispatcher();
        receiver.stop();
        for (int i = 0; i < 25; i++) {
            kit.emit("a.b", "{\"n\":" + i + "}");
        }
        Set<String> expected = new HashSet<>(kit.msgIds(ep));
        assertThat(expected).hasSize(25);

        // Down for the first attempts: connection refused.
        assertThat(d.deliverDue()).isEqualTo(25);
        advanceUntilAllDue();
        assertThat(d.deliverDue()).isEqualTo(25);
        assertThat(kit.count("SELECT count(*) FROM webhook_attempts WHERE error LIKE 'connection refused%'"))
                .isEqualTo(50);

        // Back, but the first answer for three messages is lost (too slow): those arrive twice, same id.
        receiver.restart();
        Set<String> slowOnce = new HashSet<>(new ArrayList<>(expected).subList(0, 3));
        Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        receiver.behaviour = h -> slowOnce.contains(h.id()) && seen.add(h.id())
                ? new Reply(200, Map.of(), "", Duration.ofMillis(900))
                : Reply.ok();
        int rounds = 0;
        while (kit.count("SELECT count(*) FROM webhook_messages WHERE status = 'pending'") > 0) {
            advanceUntilAllDue();
            d.deliverDue();
            assertThat(++rounds).as("rounds").isLessThan(10);
        }

        assertThat(kit.count("SELECT count(*) FROM webhook_messages WHERE status = 'delivered'"))
                .isEqualTo(25);
        Set<String> received = new HashSet<>();
        receiver.hits.forEach(h -> received.add(h.id()));
        assertThat(received).isEqualTo(expected);
        assertThat(receiver.distinctIds()).isEqualTo(25);
        assertThat(receiver.hits).hasSize(28);
        assertThat(receiver.hits.stream().filter(h -> slowOnce.contains(h.id())).count())
                .isEqualTo(6);
        // The duplicates are the same message: same id, same bytes.
        for (String id : slowOnce) {
            assertThat(receiver.hits.stream()
                            .filter(h -> h.id().equals(id))
                            .map(Hit::body)
                            .distinct())
                    .hasSize(1);
        }
    }

    /** Jitter spreads the retries; this moves the clock to the last one. */
    private void advanceUntilAllDue() {
        Instant next = kit.instant("SELECT max(next_attempt_at) FROM webhook_messages WHERE status = 'pending'");
        if (next != null && next.isAfter(kit.clock.instant())) {
            kit.clock.set(next);
        }
    }

    @Test
    void aSlowEndpointDoesNotDelayAHealthyOne() throws Exception {
        start(
                "wh_isolation",
                WebhookKit.testConfig().toBuilder()
                        .timeout(Duration.ofSeconds(10))
                        .endpointConcurrency(4)
                        .pollInterval(Duration.ofMillis(20))
                        .build());
        CountDownLatch release = new CountDownLatch(1);
        receiver.behaviour = h -> {
            if (h.path().equals("/slow")) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Reply.ok();
        };
        long slow = kit.endpoints
                .create(receiver.url("/slow"), List.of("*"), null)
                .endpoint()
                .id();
        long healthy = kit.endpoints
                .create(receiver.url("/healthy"), List.of("*"), null)
                .endpoint()
                .id();
        WebhookDispatcher d =
                kit.dispatcher(kit.config, new java.util.SplittableRandom(3)).start();
        for (int i = 0; i < 40; i++) {
            kit.emit("a.b", "{}");
        }

        try {
            // 40 messages to the healthy endpoint while the slow one holds 4 requests open.
            await().atMost(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(receiver.hitsFor("/healthy").stream()
                                    .map(Hit::id)
                                    .distinct()
                                    .count())
                            .isEqualTo(40));
            assertThat(receiver.hitsFor("/slow"))
                    .as("only the lane's concurrency is in flight")
                    .hasSize(4);
            assertThat(kit.count(
                            "SELECT count(*) FROM webhook_messages WHERE endpoint_id = ? AND status = 'delivered'",
                            slow))
                    .isZero();
            await().atMost(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(kit.count(
                                    "SELECT count(*) FROM webhook_messages WHERE endpoint_id = ? AND status = 'delivered'",
                                    healthy))
                            .isEqualTo(40));
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(kit.count("SELECT count(*) FROM webhook_messages WHERE status = 'delivered'"))
                                .isEqualTo(80));
        assertThat(receiver.distinctIds()).isEqualTo(80);
        assertThat(d.health().running()).isTrue();
        assertThat(d.health().broken()).isFalse();
        d.close();
        assertThat(d.health().running()).isFalse();
    }

    @Test
    void aManualRetryResendsWithTheSameWebhookId() {
        start("wh_manual", WebhookKit.testConfig());
        long ep = kit.endpoints
                .create(receiver.url("/hook"), List.of("*"), null)
                .endpoint()
                .id();
        kit.emit("a.b", "{}");
        String msgId = kit.msgIds(ep).getFirst();
        WebhookDispatcher d = kit.dispatcher();
        d.deliverDue();

        assertThat(kit.endpoints.retry(ep, msgId)).isEqualTo(WebhookEndpoints.RetryOutcome.RETRIED);
        assertThat(message(ep, msgId).status()).isEqualTo(WebhookMessage.Status.PENDING);
        assertThat(d.deliverDue()).isEqualTo(1);

        assertThat(receiver.hits).hasSize(2).extracting(Hit::id).containsOnly(msgId);
        assertThat(message(ep, msgId).attempts()).isEqualTo(2);
        assertThat(message(ep, msgId).status()).isEqualTo(WebhookMessage.Status.DELIVERED);
        assertThat(kit.endpoints.retry(ep, "msg_nope")).isEqualTo(WebhookEndpoints.RetryOutcome.NOT_FOUND);
        kit.endpoints.disable(ep);
        assertThat(kit.endpoints.retry(ep, msgId)).isEqualTo(WebhookEndpoints.RetryOutcome.ENDPOINT_DISABLED);
    }

    @Test
    void anEventFansOutInItsTransactionAndARollbackLeavesNothing() {
        start("wh_fanout", WebhookKit.testConfig());
        long exact = kit.endpoints
                .create(receiver.url("/1"), List.of("credential.confirmed"), null)
                .endpoint()
                .id();
        long prefix = kit.endpoints
                .create(receiver.url("/2"), List.of("credential.*"), null)
                .endpoint()
                .id();
        long all = kit.endpoints
                .create(receiver.url("/3"), List.of("*"), null)
                .endpoint()
                .id();
        long other = kit.endpoints
                .create(receiver.url("/4"), List.of("transfer.completed"), null)
                .endpoint()
                .id();
        long off = kit.endpoints
                .create(receiver.url("/5"), List.of("*"), null)
                .endpoint()
                .id();
        kit.endpoints.disable(off);

        assertThatThrownBy(() -> kit.jdbc.inTransaction(c -> {
                    WebhookOutbox.emit(c, "credential.confirmed", "{}", kit.clock.instant());
                    throw new IllegalStateException("the state change failed");
                }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(kit.count("SELECT count(*) FROM webhook_events")).isZero();
        assertThat(kit.count("SELECT count(*) FROM webhook_messages")).isZero();

        kit.emit("credential.confirmed", "{}");
        assertThat(kit.count("SELECT count(*) FROM webhook_events")).isEqualTo(1);
        assertThat(kit.msgIds(exact)).hasSize(1);
        assertThat(kit.msgIds(prefix)).hasSize(1);
        assertThat(kit.msgIds(all)).hasSize(1);
        assertThat(kit.msgIds(other)).isEmpty();
        assertThat(kit.msgIds(off)).isEmpty();
        assertThat(kit.count("SELECT count(DISTINCT msg_id) FROM webhook_messages"))
                .isEqualTo(3);
    }

    @Test
    void deliveriesToPrivateTargetsAreRefusedAfterResolutionWhenNotAllowed() {
        start("wh_ssrf", WebhookKit.testConfig());
        // Created while allowed (as if DNS changed after creation), delivered by a strict dispatcher.
        long byName = kit.endpoints
                .create("http://localhost:" + receiver.port() + "/hook", List.of("*"), null)
                .endpoint()
                .id();
        long byAddress = kit.endpoints
                .create(receiver.url("/hook"), List.of("*"), null)
                .endpoint()
                .id();
        kit.emit("a.b", "{}");
        WebhookDispatcher strict = kit.dispatcher(
                kit.config.toBuilder().allowPrivateTargets(false).build(), new java.util.SplittableRandom(1));

        assertThat(strict.deliverDue()).isEqualTo(2);

        assertThat(receiver.hits).isEmpty();
        for (long ep : List.of(byName, byAddress)) {
            WebhookAttempt a = kit.endpoints.endpointAttempts(ep, null, 10).getFirst();
            assertThat(a.succeeded()).isFalse();
            assertThat(a.error()).startsWith("refused: ").contains("private, loopback");
        }
    }
}
