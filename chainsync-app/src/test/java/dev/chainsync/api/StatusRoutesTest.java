package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.apikey.Scope;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/status}, the status page's summary: each section for a seeded state, and its refusals. */
class StatusRoutesTest {
    @TempDir
    Path dataDir;

    StatusFixture f;
    ApiHarness h;

    @BeforeEach
    void start() {
        f = StatusFixture.start("status_api", dataDir);
        h = f.h;
    }

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private JsonNode status() {
        HttpResponse<String> r = h.get("/v1/status");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        return ApiHarness.json(r);
    }

    private static Map<String, JsonNode> byField(JsonNode array, String field) {
        Map<String, JsonNode> out = new HashMap<>();
        array.forEach(n -> out.put(n.path(field).asText(), n));
        return out;
    }

    @Test
    void everySectionShowsTheSeededState() {
        JsonNode health = ApiHarness.json(h.get("/health")).path("components");
        JsonNode s = status();

        assertThat(Instant.parse(s.path("generated_at").asText())).isEqualTo(h.clock.instant());

        JsonNode chain = s.path("chain");
        assertThat(chain.path("name").asText()).isEqualTo("devnet");
        assertThat(chain.path("status").asText()).isEqualTo("up");
        long height = health.path("chain").path("block_height").asLong();
        assertThat(chain.path("block_height").asLong()).isEqualTo(height);
        assertThat(chain.path("endpoints")).hasSize(1);
        JsonNode devnet = chain.path("endpoints").get(0);
        assertThat(devnet.path("endpoint").asText()).isEqualTo("devnet");
        assertThat(devnet.path("status").asText()).isEqualTo("up");
        assertThat(devnet.path("block_height").asLong()).isEqualTo(height);
        assertThat(devnet.path("lag_blocks").asLong()).isZero();
        assertThat(devnet.path("circuit_breaker").asText()).isEqualTo("closed");

        JsonNode ingest = s.path("ingest");
        assertThat(ingest.path("running").asBoolean()).isTrue();
        assertThat(ingest.path("dead_letters_not_replayed").asLong()).isZero();
        JsonNode source = byField(ingest.path("sources"), "stream").get(f.stream);
        assertThat(source).as(ingest.toString()).isNotNull();
        assertThat(source.path("source").asText()).isEqualTo("redis_streams");
        assertThat(source.path("lag_seconds").isNumber()).as(source.toString()).isTrue();
        assertThat(source.path("lag_seconds").asDouble()).isGreaterThanOrEqualTo(0);

        JsonNode outbox = s.path("outbox");
        assertThat(outbox.path("dead_lettered").asLong()).isEqualTo(1);
        assertThat(outbox.path("pending").asLong()).isZero();
        assertThat(outbox.path("submitted").asLong()).isZero();
        assertThat(outbox.path("oldest_pending_age_seconds").asDouble()).isZero();
        assertThat(outbox.has("oldest_pending_since")).isFalse();
        assertThat(outbox.path("max_pending_age_seconds").asLong())
                .isEqualTo(health.path("relay").path("max_pending_age_seconds").asLong());
        assertThat(outbox.path("dead_letters")).hasSize(1);
        JsonNode dead = outbox.path("dead_letters").get(0);
        assertThat(dead.path("id").asLong()).isEqualTo(f.deadOperation);
        assertThat(dead.path("status").asText()).isEqualTo("dead_lettered");
        assertThat(dead.path("failures").asInt()).isEqualTo(2);
        assertThat(dead.path("last_error").asText()).contains("failed on chain");
        assertThat(outbox.path("more_dead_letters").asBoolean()).isFalse();

        JsonNode rec = s.path("reconciliation");
        Map<String, JsonNode> runs = byField(rec.path("runs"), "kind");
        assertThat(runs).containsOnlyKeys("credentials", StatusFixture.ROYALTIES);
        assertThat(runs.get(StatusFixture.ROYALTIES).path("status").asText()).isEqualTo("succeeded");
        assertThat(runs.get("credentials").path("status").asText()).isEqualTo("succeeded");
        // Every data type's run carries the engine's counts: the royalty run sent its two
        // disagreements to review and healed nothing (money is never auto-healed).
        JsonNode royalties = runs.get(StatusFixture.ROYALTIES);
        assertThat(royalties.path("reviewed").asInt()).isEqualTo(2);
        assertThat(royalties.path("healed").asInt()).isZero();
        assertThat(royalties.path("rewritten").asInt()).isZero();
        assertThat(royalties.path("reported").asInt()).isZero();
        assertThat(royalties.path("started_at").asText()).isNotBlank();
        assertThat(royalties.path("finished_at").asText()).isNotBlank();
        assertThat(runs.get("credentials").path("reviewed").asInt()).isZero();
        assertThat(runs.get("credentials").has("healed")).isTrue();
        assertThat(royalties.has("recovered"))
                .as("the credential reconciler's own fields are not the summary's")
                .isFalse();
        Map<String, JsonNode> reviews = byField(rec.path("open_reviews"), "key");
        assertThat(reviews).containsOnlyKeys("r1", "r2");
        assertThat(reviews.get("r1").path("status").asText()).isEqualTo("open");
        assertThat(reviews.get("r1").path("finding").asText()).isEqualTo("value_mismatch");
        assertThat(reviews.get("r1").path("chain").path("value").asText()).isEqualTo("100.25");
        assertThat(reviews.get("r1").path("database").path("value").asText()).isEqualTo("100.20");
        assertThat(rec.path("more_reviews").asBoolean()).isFalse();

        JsonNode webhooks = s.path("webhooks");
        assertThat(webhooks.path("status").asText()).isEqualTo("disabled");
        assertThat(webhooks.path("pending").asLong()).isEqualTo(1);
        assertThat(webhooks.path("dead_lettered").asLong()).isEqualTo(1);
        Map<String, JsonNode> endpoints = byField(webhooks.path("endpoints"), "id");
        assertThat(endpoints).hasSize(4);
        JsonNode healthy = endpoints.get(String.valueOf(f.endpoints.get("healthy")));
        assertThat(healthy.path("health").asText()).isEqualTo("healthy");
        assertThat(healthy.path("pending").asLong()).isZero();
        JsonNode withDead = endpoints.get(String.valueOf(f.endpoints.get("dead_letters")));
        assertThat(withDead.path("health").asText()).isEqualTo("dead_letters");
        assertThat(withDead.path("pending").asLong()).isEqualTo(1);
        assertThat(withDead.path("dead_lettered").asLong()).isEqualTo(1);
        assertThat(withDead.path("url").asText()).isEqualTo("http://127.0.0.1:9/dead_letters");
        JsonNode failing = endpoints.get(String.valueOf(f.endpoints.get("failing")));
        assertThat(failing.path("health").asText()).isEqualTo("failing");
        assertThat(Instant.parse(failing.path("failing_since").asText()))
                .isEqualTo(ApiHarness.START.minus(Duration.ofMinutes(10)));
        JsonNode disabled = endpoints.get(String.valueOf(f.endpoints.get("disabled")));
        assertThat(disabled.path("health").asText()).isEqualTo("disabled");
        assertThat(disabled.path("enabled").asBoolean()).isFalse();
        assertThat(disabled.path("disabled_reason").asText()).isNotBlank();
        assertThat(webhooks.path("more_endpoints").asBoolean()).isFalse();
    }

    @Test
    void depthOldestPendingAndReviewsFollowWhatHappens() {
        Instant issuedAt = h.clock.instant();
        h.issue("uni-status", "erin", null, "pending one".getBytes(StandardCharsets.UTF_8));
        h.clock.advance(Duration.ofSeconds(90));
        long r1 = f.review("r1");
        long r2 = f.review("r2");
        assertThat(h.post(
                                "/v1/reviews/" + r1 + "/resolve",
                                "application/json",
                                HttpRequest.BodyPublishers.ofString("{\"resolution\":\"dismiss\"}"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(h.post(
                                "/v1/reviews/" + r2 + "/assign",
                                "application/json",
                                HttpRequest.BodyPublishers.ofString("{\"assignee\":\"ops@example.org\"}"))
                        .statusCode())
                .isEqualTo(200);

        JsonNode s = status();

        JsonNode outbox = s.path("outbox");
        assertThat(outbox.path("pending").asLong()).isEqualTo(1);
        assertThat(outbox.path("dead_lettered").asLong()).isEqualTo(1);
        assertThat(outbox.path("oldest_pending_age_seconds").asDouble()).isEqualTo(90.0);
        assertThat(Instant.parse(outbox.path("oldest_pending_since").asText())).isEqualTo(issuedAt);
        JsonNode reviews = s.path("reconciliation").path("open_reviews");
        assertThat(reviews).hasSize(1);
        assertThat(reviews.get(0).path("id").asLong()).isEqualTo(r2);
        assertThat(reviews.get(0).path("status").asText()).isEqualTo("assigned");
        assertThat(reviews.get(0).path("assignee").asText()).isEqualTo("ops@example.org");
    }

    @Test
    void aChainOutageShowsTheEndpointDownAndTheOtherSectionsStill() {
        Instant now = h.clock.instant();
        h.app.devnet().faults().outage(now.minusSeconds(1), now.plusSeconds(60));

        JsonNode s = status();

        assertThat(s.path("chain").path("status").asText()).isEqualTo("down");
        JsonNode devnet = s.path("chain").path("endpoints").get(0);
        assertThat(devnet.path("status").asText()).isEqualTo("down");
        assertThat(devnet.path("last_error").asText()).isNotBlank();
        assertThat(s.path("outbox").path("dead_lettered").asLong()).isEqualTo(1);
        assertThat(s.path("reconciliation").path("open_reviews")).hasSize(2);
    }

    @Test
    void aSectionThatCannotBeReadCarriesItsErrorAndTheOthersStay() {
        h.update("ALTER TABLE webhook_messages RENAME TO webhook_messages_away");

        JsonNode s = status();

        assertThat(s.path("webhooks").size()).as(s.path("webhooks").toString()).isEqualTo(1);
        assertThat(s.path("webhooks").path("error").asText()).contains("webhook_messages");
        assertThat(s.path("chain").path("status").asText()).isEqualTo("up");
        assertThat(s.path("outbox").path("dead_lettered").asLong()).isEqualTo(1);
        assertThat(s.path("reconciliation").path("open_reviews")).hasSize(2);
        assertThat(s.path("ingest").path("running").asBoolean()).isTrue();
    }

    @Test
    void refusedWithoutAnAdminKeyAndThePageItselfHoldsNoData() {
        String reader = h.app.services()
                .apiKeys()
                .create("reader", Set.of(Scope.READ), null)
                .secret();
        List<HttpResponse<String>> refused = new ArrayList<>();
        HttpRequest.Builder none = HttpRequest.newBuilder(h.base.resolve("/v1/status"));
        refused.add(h.sendUnchecked(none.GET().build()));
        refused.add(h.send(HttpRequest.newBuilder(h.base.resolve("/v1/status"))
                .header("Authorization", "Bearer not-a-key-at-all-000000")
                .GET()
                .build()));
        HttpResponse<String> forbidden = h.send(HttpRequest.newBuilder(h.base.resolve("/v1/status"))
                .header("Authorization", "Bearer " + reader)
                .GET()
                .build());

        for (HttpResponse<String> r : refused) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(ApiHarness.contentType(r)).startsWith(HttpApi.PROBLEM_JSON);
            assertThat(r.body()).doesNotContain("dead_letters", "devnet");
        }
        assertThat(ApiHarness.CONTRACT.violations("GET", "/v1/status", refused.getFirst()))
                .isEmpty();
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(ApiHarness.contentType(forbidden)).startsWith(HttpApi.PROBLEM_JSON);
        assertThat(ApiHarness.json(forbidden).path("required_scope").asText()).isEqualTo("admin");
        assertThat(forbidden.body()).doesNotContain("dead_letters", "devnet");

        // The page and its assets are open, but static: no value of the service is in them.
        for (String[] asset : new String[][] {
            {"/status", "text/html"}, {"/status/status.js", "text/javascript"}, {"/status/status.css", "text/css"}
        }) {
            HttpResponse<String> r = h.get(asset[0]);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(ApiHarness.contentType(r)).startsWith(asset[1]);
            assertThat(r.headers().firstValue("Content-Security-Policy"))
                    .hasValue(StatusRoutes.CONTENT_SECURITY_POLICY);
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(r.body()).doesNotContain("uni-status", "127.0.0.1:9", "failed on chain");
        }
        String page = h.get("/status").body();
        assertThat(page).contains("<script src=\"/status/status.js\" defer></script>");
        assertThat(page).doesNotContain("<script>", "http://", "https://");
    }
}
