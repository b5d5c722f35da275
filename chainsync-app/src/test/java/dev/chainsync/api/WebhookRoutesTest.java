package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.chainsync.apikey.Scope;
import dev.chainsync.webhook.ManualDispatcher;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The webhook endpoint routes over HTTP; deliveries are driven by hand against a local receiver. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookRoutesTest {
    @TempDir
    static Path dataDir;

    private ApiHarness h;
    private HttpServer receiver;
    private final ConcurrentLinkedQueue<String[]> received = new ConcurrentLinkedQueue<>();

    @BeforeAll
    void start() throws IOException {
        h = ApiHarness.start(
                "webhook_routes",
                dataDir,
                Map.of(
                        "CHAINSYNC_WEBHOOK_DISPATCHER_ENABLED",
                        "false",
                        "CHAINSYNC_WEBHOOK_ALLOW_PRIVATE_TARGETS",
                        "true",
                        "CHAINSYNC_RATE_LIMIT_PER_MINUTE",
                        "100000"));
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        receiver.createContext("/", ex -> {
            try (ex) {
                received.add(new String[] {
                    ex.getRequestHeaders().getFirst("webhook-id"),
                    new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                });
                ex.sendResponseHeaders(200, -1);
            }
        });
        receiver.start();
    }

    @AfterAll
    void stop() {
        receiver.stop(0);
        h.close();
    }

    @BeforeEach
    void clean() {
        h.update("TRUNCATE webhook_attempts, webhook_messages, webhook_endpoint_secrets, webhook_endpoints CASCADE");
        received.clear();
    }

    private String receiverUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks";
    }

    private HttpResponse<String> send(String method, String path, String json, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(h.base.resolve(path));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? BodyPublishers.noBody() : BodyPublishers.ofString(json));
        return h.send(b.build());
    }

    private JsonNode create(String types) {
        HttpResponse<String> r = send(
                "POST",
                "/v1/webhook-endpoints",
                "{\"url\":\"" + receiverUrl() + "\",\"event_types\":" + types + ",\"description\":\"orders\"}",
                null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return ApiHarness.json(r);
    }

    private static JsonNode problem(HttpResponse<String> r, int status, String type) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(ApiHarness.contentType(r)).startsWith(HttpApi.PROBLEM_JSON);
        JsonNode p = ApiHarness.json(r);
        assertThat(p.path("type").asText()).isEqualTo(ApiProblem.TYPE_BASE + type);
        return p;
    }

    @Test
    void creationReturnsTheSecretOnceWhichIsStoredOnlyEncrypted() {
        HttpResponse<String> r = send(
                "POST",
                "/v1/webhook-endpoints",
                "{\"url\":\"" + receiverUrl()
                        + "\",\"event_types\":[\"credential.*\",\"transfer.completed\"],\"description\":\"orders\"}",
                null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode created = ApiHarness.json(r);
        String secret = created.path("secret").asText();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
        long id = created.path("id").asLong();
        assertThat(r.headers().firstValue("Location")).contains("/v1/webhook-endpoints/" + id);
        assertThat(created.path("event_types"))
                .extracting(JsonNode::asText)
                .containsExactly("credential.*", "transfer.completed");
        assertThat(created.path("enabled").asBoolean()).isTrue();

        String list = h.get("/v1/webhook-endpoints").body();
        String one = h.get("/v1/webhook-endpoints/" + id).body();
        assertThat(list)
                .contains(receiverUrl())
                .doesNotContain(secret.substring(6))
                .doesNotContain("secret");
        assertThat(one)
                .contains("\"description\":\"orders\"")
                .doesNotContain(secret.substring(6))
                .doesNotContain("secret");
        // At rest: ciphertext only, neither the secret's text nor its bytes.
        String stored = h.app.services()
                .database()
                .jdbc()
                .queryOne(
                        "SELECT encode(ciphertext, 'hex') FROM webhook_endpoint_secrets WHERE endpoint_id = ?",
                        row -> row.getString(1),
                        id)
                .orElseThrow();
        assertThat(stored)
                .doesNotContain(HexFormat.of().formatHex(Base64.getDecoder().decode(secret.substring(6))))
                .doesNotContain(HexFormat.of().formatHex(secret.getBytes(StandardCharsets.US_ASCII)));
        assertThat(h.queryLong("SELECT count(*) FROM webhook_endpoint_secrets")).isEqualTo(1);
    }

    @Test
    void endpointsAreListedWithPagingUpdatedRotatedDisabledAndDeleted() {
        long first = create("[\"*\"]").path("id").asLong();
        long id = create("[\"credential.confirmed\"]").path("id").asLong();

        JsonNode page = ApiHarness.json(h.get("/v1/webhook-endpoints?limit=1"));
        assertThat(page.path("data")).hasSize(1);
        assertThat(page.path("data").get(0).path("id").asLong()).isEqualTo(id);
        JsonNode next = ApiHarness.json(h.get("/v1/webhook-endpoints?limit=1&cursor="
                + page.path("next_cursor").asText()));
        assertThat(next.path("data").get(0).path("id").asLong()).isEqualTo(first);
        assertThat(next.has("next_cursor")).isFalse();

        JsonNode updated = ApiHarness.json(send(
                "PATCH",
                "/v1/webhook-endpoints/" + id,
                "{\"description\":\"renamed\",\"event_types\":[\"transfer.*\"]}",
                null));
        assertThat(updated.path("description").asText()).isEqualTo("renamed");
        assertThat(updated.path("event_types")).extracting(JsonNode::asText).containsExactly("transfer.*");
        assertThat(updated.path("url").asText()).isEqualTo(receiverUrl());

        Instant now = h.clock.instant();
        JsonNode rotated = ApiHarness.json(send("POST", "/v1/webhook-endpoints/" + id + "/secret/rotate", null, null));
        assertThat(rotated.path("secret").asText()).startsWith("whsec_");
        assertThat(Instant.parse(rotated.path("previous_secret_expires_at").asText()))
                .isEqualTo(now.plus(Duration.ofHours(24)));
        assertThat(h.queryLong("SELECT count(*) FROM webhook_endpoint_secrets WHERE endpoint_id = " + id))
                .isEqualTo(2);

        JsonNode disabled = ApiHarness.json(send("POST", "/v1/webhook-endpoints/" + id + "/disable", null, null));
        assertThat(disabled.path("enabled").asBoolean()).isFalse();
        assertThat(disabled.path("disabled_reason").asText()).isEqualTo("disabled through the API");
        JsonNode enabled = ApiHarness.json(send("PATCH", "/v1/webhook-endpoints/" + id, "{\"enabled\":true}", null));
        assertThat(enabled.path("enabled").asBoolean()).isTrue();
        assertThat(enabled.has("disabled_reason")).isFalse();

        assertThat(send("DELETE", "/v1/webhook-endpoints/" + id, null, null).statusCode())
                .isEqualTo(204);
        problem(h.get("/v1/webhook-endpoints/" + id), 404, "not-found");
        problem(send("DELETE", "/v1/webhook-endpoints/" + id, null, null), 404, "not-found");
        assertThat(h.queryLong("SELECT count(*) FROM webhook_endpoint_secrets WHERE endpoint_id = " + id))
                .isZero();
    }

    @Test
    void badRequestsAreProblemsNamingTheField() {
        long id = create("[\"*\"]").path("id").asLong();
        String base = "/v1/webhook-endpoints";
        assertThat(problem(send("POST", base, "{\"event_types\":[\"*\"]}", null), 400, "invalid-request")
                        .path("field")
                        .asText())
                .isEqualTo("url");
        assertThat(problem(
                                send("POST", base, "{\"url\":\"ftp://example.com/x\",\"event_types\":[\"*\"]}", null),
                                400,
                                "invalid-request")
                        .path("field")
                        .asText())
                .isEqualTo("url");
        assertThat(problem(send("POST", base, "{\"url\":\"" + receiverUrl() + "\"}", null), 400, "invalid-request")
                        .path("field")
                        .asText())
                .isEqualTo("event_types");
        assertThat(problem(
                                send(
                                        "POST",
                                        base,
                                        "{\"url\":\"" + receiverUrl() + "\",\"event_types\":[\"Bad Type\"]}",
                                        null),
                                400,
                                "invalid-request")
                        .path("field")
                        .asText())
                .isEqualTo("event_types");
        assertThat(problem(
                                send("POST", base, "{\"url\":\"" + receiverUrl() + "\",\"event_types\":\"*\"}", null),
                                400,
                                "invalid-request")
                        .path("field")
                        .asText())
                .isEqualTo("event_types");
        problem(send("POST", base, "not json", null), 400, "invalid-request");
        assertThat(problem(send("PATCH", base + "/" + id, "{\"enabled\":\"yes\"}", null), 400, "invalid-request")
                        .path("field")
                        .asText())
                .isEqualTo("enabled");
        problem(h.get(base + "/abc"), 400, "invalid-request");
        problem(h.get(base + "/987654"), 404, "not-found");
        problem(send("PATCH", base + "/987654", "{\"description\":\"x\"}", null), 404, "not-found");
        problem(send("POST", base + "/987654/secret/rotate", null, null), 404, "not-found");
        problem(send("POST", base + "/987654/disable", null, null), 404, "not-found");
        problem(h.get(base + "/987654/messages"), 404, "not-found");
        problem(h.get(base + "/" + id + "/messages/msg_nope"), 404, "not-found");
        problem(h.get(base + "/" + id + "/messages/msg_nope/attempts"), 404, "not-found");
        problem(send("POST", base + "/" + id + "/messages/msg_nope/retry", null, null), 404, "not-found");
        problem(h.get(base + "/" + id + "/messages?status=lost"), 400, "invalid-request");
        assertThat(h.queryLong("SELECT count(*) FROM webhook_endpoints")).isEqualTo(1);
    }

    @Test
    void managingWebhooksNeedsTheWebhooksManageScope() {
        String reader = h.app.services()
                .apiKeys()
                .create("reader", EnumSet.of(Scope.READ, Scope.CREDENTIALS_WRITE), null)
                .secret();
        String manager = h.app.services()
                .apiKeys()
                .create("hooks", EnumSet.of(Scope.WEBHOOKS_MANAGE), null)
                .secret();
        String body = "{\"url\":\"" + receiverUrl() + "\",\"event_types\":[\"*\"]}";

        JsonNode denied = problem(send("POST", "/v1/webhook-endpoints", body, reader), 403, "forbidden");
        assertThat(denied.path("required_scope").asText()).isEqualTo("webhooks:manage");
        problem(send("GET", "/v1/webhook-endpoints", null, reader), 403, "forbidden");
        assertThat(h.queryLong("SELECT count(*) FROM webhook_endpoints")).isZero();

        assertThat(send("POST", "/v1/webhook-endpoints", body, manager).statusCode())
                .isEqualTo(201);
        assertThat(send("GET", "/v1/webhook-endpoints", null, manager).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aConfirmedCredentialIsDeliveredAndItsMessageAttemptsAndReSendAreVisible() {
        long id = create("[\"credential.*\"]").path("id").asLong();
        JsonNode issued = h.issue("uni-w", "wendy", null, "webhook diploma".getBytes(StandardCharsets.UTF_8));
        h.submitAndConfirm();

        assertThat(ManualDispatcher.deliverDue(h.app.services().webhookDispatcher()))
                .isEqualTo(1);

        assertThat(received).hasSize(1);
        String msgId = received.peek()[0];
        JsonNode delivered = ApiHarness.json(h.get("/v1/webhook-endpoints/" + id + "/messages"));
        assertThat(delivered.path("data")).hasSize(1);
        JsonNode m = delivered.path("data").get(0);
        assertThat(m.path("id").asText()).isEqualTo(msgId);
        assertThat(m.path("event_type").asText()).isEqualTo("credential.confirmed");
        assertThat(m.path("status").asText()).isEqualTo("delivered");
        assertThat(m.path("attempts").asInt()).isEqualTo(1);
        assertThat(m.has("payload")).isFalse();
        JsonNode one = ApiHarness.json(h.get("/v1/webhook-endpoints/" + id + "/messages/" + msgId));
        assertThat(one.path("payload").path("hash").asText())
                .isEqualTo(issued.path("hash").asText());
        assertThat(received.peek()[1])
                .contains("\"type\":\"credential.confirmed\"")
                .contains(issued.path("hash").asText());

        HttpResponse<String> retry =
                send("POST", "/v1/webhook-endpoints/" + id + "/messages/" + msgId + "/retry", null, null);
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
        assertThat(ApiHarness.json(h.get("/v1/webhook-endpoints/" + id + "/messages?status=pending"))
                        .path("data"))
                .hasSize(1);
        ManualDispatcher.deliverDue(h.app.services().webhookDispatcher());
        assertThat(received).hasSize(2).allSatisfy(hit -> assertThat(hit[0]).isEqualTo(msgId));

        JsonNode attempts = ApiHarness.json(h.get("/v1/webhook-endpoints/" + id + "/messages/" + msgId + "/attempts"));
        assertThat(attempts.path("data")).hasSize(2);
        assertThat(attempts.path("data").get(0).path("attempt").asInt()).isEqualTo(1);
        assertThat(attempts.path("data").get(1).path("attempt").asInt()).isEqualTo(2);
        assertThat(attempts.path("data").get(1).path("status_code").asInt()).isEqualTo(200);
        JsonNode all = ApiHarness.json(h.get("/v1/webhook-endpoints/" + id + "/attempts?limit=1"));
        assertThat(all.path("data")).hasSize(1);
        assertThat(all.path("data").get(0).path("attempt").asInt())
                .as("newest first")
                .isEqualTo(2);
        assertThat(all.path("next_cursor").asText()).isNotBlank();

        send("POST", "/v1/webhook-endpoints/" + id + "/disable", null, null);
        problem(
                send("POST", "/v1/webhook-endpoints/" + id + "/messages/" + msgId + "/retry", null, null),
                409,
                "conflict");

        JsonNode health = ApiHarness.json(h.get("/health"));
        assertThat(health.path("components").path("webhooks").path("status").asText())
                .isEqualTo("disabled");
        assertThat(health.path("status").asText()).isEqualTo("healthy");
        assertThat(h.get("/metrics").body())
                .contains("chainsync_webhook_deliveries_total{outcome=\"delivered\"} 2.0")
                .contains("chainsync_webhook_messages_pending")
                .contains("chainsync_webhook_event_to_delivered_seconds");
        assertThat(List.of(msgId)).allSatisfy(x -> assertThat(x).startsWith("msg_"));
    }
}
