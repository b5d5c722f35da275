package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.apikey.Scope;
import dev.chainsync.webhook.WebhookEventTypes;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The defects fuzzing and a newcomer found at the HTTP edge: malformed bodies, hostile text, wrong
 * routes and methods, unknown event types and scopes. (A new key's first burst: RateLimiterTest.)
 */
class EdgeHardeningTest {
    /** Every route that reads a JSON body. */
    private static final List<String[]> JSON_ROUTES = List.of(
            new String[] {"POST", "/v1/accounts"},
            new String[] {"POST", "/v1/transfers"},
            new String[] {"POST", "/v1/admin/mints"},
            new String[] {"POST", "/v1/admin/burns"},
            new String[] {"POST", "/v1/api-keys"},
            new String[] {"POST", "/v1/webhook-endpoints"},
            new String[] {"PATCH", "/v1/webhook-endpoints/1"},
            new String[] {"PUT", "/v1/devnet/faults"});

    /** Not one JSON object: null, other types, two values, trailing garbage, a repeated field, nothing. */
    private static final List<String> MALFORMED = List.of(
            "null",
            "42",
            "\"text\"",
            "true",
            "[]",
            "[{\"name\":\"a\"}]",
            "{\"name\":\"a\"} xyz",
            "{\"name\":\"a\"}}",
            "{\"name\":\"a\"},",
            "{\"name\":\"a\"}{}",
            "{\"name\":\"a\",\"name\":\"b\"}",
            "{\"name\":",
            "",
            "   ");

    @TempDir
    Path dataDir;

    private ApiHarness h;

    @BeforeEach
    void start() {
        h = ApiHarness.start(
                "edgehard",
                dataDir,
                Map.of("CHAINSYNC_RATE_LIMIT_PER_MINUTE", "10000", "CHAINSYNC_WEBHOOK_ALLOW_PRIVATE_TARGETS", "true"));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private HttpResponse<String> sendJson(String method, String path, String key, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(h.base.resolve(path))
                .header("Content-Type", "application/json")
                .method(method, BodyPublishers.ofString(json));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return h.send(b.build());
    }

    private static JsonNode assertProblem(HttpResponse<String> r, int status, String what) {
        assertThat(r.statusCode()).as(what + " -> " + r.body()).isEqualTo(status);
        assertThat(ApiHarness.contentType(r)).as(what).startsWith(HttpApi.PROBLEM_JSON);
        JsonNode p = ApiHarness.json(r);
        assertThat(ApiHarness.CONTRACT.violations("Problem", p)).as(what).isEmpty();
        return p;
    }

    private String key(Scope... scopes) {
        return h.app.services()
                .apiKeys()
                .create("test", EnumSet.copyOf(List.of(scopes)), null)
                .secret();
    }

    private long stored() {
        return h.count("accounts") + h.count("api_keys") + h.count("webhook_endpoints") + h.count("transfers");
    }

    @Test
    void everyJsonRouteAnswersAMalformedBodyWith400AndStoresNothing() {
        long before = stored();
        for (String[] route : JSON_ROUTES) {
            for (String body : MALFORMED) {
                String what = route[0] + " " + route[1] + " with " + body;
                JsonNode p = assertProblem(sendJson(route[0], route[1], null, body), 400, what);
                assertThat(p.path("type").asText()).as(what).isEqualTo(ApiProblem.TYPE_BASE + "invalid-request");
            }
        }
        assertThat(stored()).isEqualTo(before);
        assertThat(h.app.devnet().faults().dropRate()).isZero();
    }

    @Test
    void aDevnetFaultOfTheWrongTypeIsRefusedNamingItAndChangesNothing() {
        assertThat(h.putJson("/v1/devnet/faults", "{\"drop_rate\":0.25}").statusCode())
                .isEqualTo(200);
        for (String body : List.of("{\"drop_rate\":\"lots\"}", "{\"latency_ms\":[1]}", "{\"outage_seconds\":{}}")) {
            JsonNode p = assertProblem(h.putJson("/v1/devnet/faults", body), 400, body);
            assertThat(p.path("detail").asText()).as(body).contains("rpc_error_rate");
        }
        JsonNode p = assertProblem(h.putJson("/v1/devnet/faults", "{\"drop_rate\":\"lots\"}"), 400, "drop_rate");
        assertThat(p.path("field").asText()).isEqualTo("drop_rate");
        // A misspelt switch would otherwise reset every switch to its default.
        JsonNode typo = assertProblem(h.putJson("/v1/devnet/faults", "{\"drop_rat\":0.5}"), 400, "typo");
        assertThat(typo.path("field").asText()).isEqualTo("drop_rat");
        assertThat(typo.path("detail").asText()).contains("unknown field 'drop_rat'");
        assertThat(h.app.devnet().faults().dropRate()).isEqualTo(0.25);
    }

    @Test
    void controlCharactersAndLoneSurrogatesAreRefusedNamingTheField() {
        long before = stored();
        for (String bad : List.of(
                "\\u0000",
                "a\\u0007b",
                "tab\\there",
                "line\\nbreak",
                "\\u007f",
                "\\u0085",
                "\\ud800",
                "x\\udc00y",
                "\\udc00\\ud800")) {
            String what = "name " + bad;
            assertThat(assertProblem(sendJson("POST", "/v1/accounts", null, "{\"name\":\"" + bad + "\"}"), 400, what)
                            .path("field")
                            .asText())
                    .as(what)
                    .isEqualTo("name");
            assertThat(assertProblem(
                                    sendJson(
                                            "POST",
                                            "/v1/api-keys",
                                            null,
                                            "{\"name\":\"" + bad + "\",\"scopes\":[\"read\"]}"),
                                    400,
                                    what)
                            .path("field")
                            .asText())
                    .isEqualTo("name");
            assertThat(assertProblem(
                                    sendJson(
                                            "POST",
                                            "/v1/webhook-endpoints",
                                            null,
                                            "{\"url\":\"http://127.0.0.1:9/h\",\"event_types\":[\"*\"],"
                                                    + "\"description\":\"" + bad + "\"}"),
                                    400,
                                    "description " + bad)
                            .path("field")
                            .asText())
                    .isEqualTo("description");
            assertThat(assertProblem(
                                    sendJson(
                                            "POST",
                                            "/v1/transfers",
                                            null,
                                            "{\"from\":\"a\",\"to\":\"b\",\"amount\":\"1\",\"currency\":\"" + bad
                                                    + "\"}"),
                                    400,
                                    "currency " + bad)
                            .path("field")
                            .asText())
                    .isEqualTo("currency");
        }
        assertThat(stored()).isEqualTo(before);

        // A character outside the BMP is a valid surrogate pair: accepted and read back unchanged.
        HttpResponse<String> ok = sendJson("POST", "/v1/accounts", null, "{\"name\":\"caf\\u00e9 \\ud83d\\ude00\"}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
        String id = ApiHarness.json(ok).path("id").asText();
        assertThat(ApiHarness.json(h.get("/v1/accounts/" + id)).path("name").asText())
                .isEqualTo("café \uD83D\uDE00");
    }

    @Test
    void unknownRoutesAre404AndWrongMethods405WithAllowWhateverTheKey() {
        String reader = key(Scope.READ);
        String writer = key(Scope.LEDGER_WRITE);
        for (String key : new String[] {null, reader, writer, ApiHarness.ADMIN_KEY}) {
            String who = key == null
                    ? "no key"
                    : key.equals(reader) ? "read key" : key.equals(writer) ? "ledger key" : "admin";
            for (String[] unknown :
                    List.of(new String[] {"GET", "/v1/nope"}, new String[] {"POST", "/v1/nope/deeper"}, new String[] {
                        "DELETE", "/v2/credentials"
                    })) {
                JsonNode p =
                        assertProblem(raw(unknown[0], unknown[1], key), 404, who + " " + String.join(" ", unknown));
                assertThat(p.path("type").asText()).isEqualTo(ApiProblem.TYPE_BASE + "not-found");
            }
            for (String[] wrong : List.of(
                    new String[] {"DELETE", "/v1/accounts", "POST"},
                    new String[] {"PUT", "/v1/transfers/tr_1", "GET"},
                    new String[] {"POST", "/v1/verify/abc", "GET"},
                    new String[] {"DELETE", "/health", "GET"})) {
                String what = who + " " + wrong[0] + " " + wrong[1];
                HttpResponse<String> r = raw(wrong[0], wrong[1], key);
                JsonNode p = assertProblem(r, 405, what);
                assertThat(r.headers().firstValue("Allow")).as(what).hasValue(wrong[2]);
                assertThat(p.path("type").asText()).isEqualTo(ApiProblem.TYPE_BASE + "method-not-allowed");
            }
        }
        // A known route with its method still needs the right scope.
        assertThat(raw("GET", "/v1/api-keys", reader).statusCode()).isEqualTo(403);
        assertThat(raw("GET", "/v1/api-keys", null).statusCode()).isEqualTo(401);
        HttpResponse<String> both = raw("DELETE", "/v1/webhook-endpoints/1", ApiHarness.ADMIN_KEY);
        assertThat(both.statusCode()).isEqualTo(404); // the route exists; the endpoint does not
        HttpResponse<String> several = raw("PUT", "/v1/webhook-endpoints/1", ApiHarness.ADMIN_KEY);
        assertThat(several.headers().firstValue("Allow").orElseThrow().split(",\\s*"))
                .containsExactlyInAnyOrder("GET", "PATCH", "DELETE");
    }

    private HttpResponse<String> raw(String method, String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(h.base.resolve(path)).method(method, BodyPublishers.noBody());
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return h.sendUnchecked(b.build());
    }

    @Test
    void unknownWebhookEventTypesAreRefusedListingTheValidOnes() {
        for (String types : List.of("[\"nope.*\"]", "[\"credential.confimed\"]", "[\"credential.*\",\"ledger.x\"]")) {
            JsonNode p = assertProblem(
                    sendJson(
                            "POST",
                            "/v1/webhook-endpoints",
                            null,
                            "{\"url\":\"http://127.0.0.1:9/h\",\"event_types\":" + types + "}"),
                    400,
                    types);
            assertThat(p.path("field").asText()).isEqualTo("event_types");
            assertThat(p.path("detail").asText()).contains(WebhookEventTypes.ALL);
        }
        assertThat(h.count("webhook_endpoints")).isZero();
        for (String types : List.of("[\"*\"]", "[\"credential.*\"]", "[\"reconciliation.discrepancy\"]")) {
            HttpResponse<String> r = sendJson(
                    "POST",
                    "/v1/webhook-endpoints",
                    null,
                    "{\"url\":\"http://127.0.0.1:9/h\",\"event_types\":" + types + "}");
            assertThat(r.statusCode()).as(types + " " + r.body()).isEqualTo(201);
        }
        long id = h.queryLong("SELECT min(id) FROM webhook_endpoints");
        JsonNode p = assertProblem(
                sendJson("PATCH", "/v1/webhook-endpoints/" + id, null, "{\"event_types\":[\"nope.*\"]}"), 400, "PATCH");
        assertThat(p.path("detail").asText()).contains("transfer.completed");
    }

    @Test
    void aMalformedHashIs400OnVerifyAsOnCredentials() {
        for (String path : List.of("/v1/verify/zzz", "/v1/credentials/zzz")) {
            JsonNode p = assertProblem(h.get(path), 400, path);
            assertThat(p.path("field").asText()).isEqualTo("hash");
        }
        JsonNode unknown = ApiHarness.json(h.get("/v1/verify/" + "ab".repeat(32)));
        assertThat(unknown.path("valid").asBoolean()).isFalse();
    }

    @Test
    void anOverlongNameIsToldSoAndABlankOneThatItIsRequired() {
        for (String route : List.of("/v1/accounts", "/v1/api-keys")) {
            String longName = "n".repeat(Bodies.MAX_NAME_CHARS + 1);
            JsonNode p = assertProblem(
                    sendJson("POST", route, null, "{\"name\":\"" + longName + "\",\"scopes\":[\"read\"]}"), 400, route);
            assertThat(p.path("detail").asText())
                    .contains("201 characters")
                    .contains("at most 200")
                    .doesNotContain("required");
            JsonNode blank =
                    assertProblem(sendJson("POST", route, null, "{\"name\":\"  \",\"scopes\":[\"read\"]}"), 400, route);
            assertThat(blank.path("detail").asText()).contains("required");
        }
        HttpResponse<String> max =
                sendJson("POST", "/v1/accounts", null, "{\"name\":\"" + "n".repeat(Bodies.MAX_NAME_CHARS) + "\"}");
        assertThat(max.statusCode()).isEqualTo(201);
    }

    @Test
    void anUnknownScopeIsRefusedListingTheValidOnes() {
        for (String scopes : List.of("[\"root\"]", "[\"read\",\"writes\"]", "[7]")) {
            JsonNode p = assertProblem(
                    sendJson("POST", "/v1/api-keys", null, "{\"name\":\"k\",\"scopes\":" + scopes + "}"), 400, scopes);
            assertThat(p.path("detail").asText())
                    .contains("credentials:write", "ledger:write", "webhooks:manage", "read", "admin");
        }
        assertThat(h.count("api_keys")).isZero();
    }

    @Test
    void theServedDocumentNamesThePortItIsServedOn() {
        JsonNode doc = ApiHarness.json(h.get("/openapi.json"));
        assertThat(doc.path("servers").path(0).path("url").asText()).isEqualTo("http://localhost:" + h.base.getPort());
    }

    /** Path and query parameters are text fields too: a control character is a 400 naming them, never a 500. */
    @Test
    void controlCharactersInPathAndQueryParametersAre400() {
        for (String[] c : List.of(
                new String[] {"/v1/accounts/acc%01x/entries", "id"},
                new String[] {"/v1/webhook-endpoints/1/messages/msg%1b", "msg_id"},
                new String[] {"/v1/credentials?issuer_id=uni%00", "issuer_id"},
                new String[] {"/v1/credentials?limit=5&recipient_id=a%0Ab", "recipient_id"},
                new String[] {"/v1/ingest/dead-letters?stream=s%00", "stream"})) {
            JsonNode p = assertProblem(h.get(c[0]), 400, c[0]);
            assertThat(p.path("field").asText()).as(c[0]).isEqualTo(c[1]);
        }
        // A NUL in the path never reaches a route: the server refuses the URI, as problem+json too.
        assertProblem(h.get("/v1/transfers/tr%00"), 400, "NUL in the path");
    }
}
