package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.apikey.Scope;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys, scopes, rate limits, Idempotency-Key and the ledger over HTTP. */
class EdgeTest {
    @TempDir
    Path dataDir;

    private ApiHarness h;

    @BeforeEach
    void start() {
        h = ApiHarness.start("edge", dataDir, Map.of("CHAINSYNC_RATE_LIMIT_PER_MINUTE", "1000"));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private HttpRequest.Builder req(String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(h.base.resolve(path));
        return key == null ? b : b.header("Authorization", "Bearer " + key);
    }

    private HttpResponse<String> postJson(String path, String key, String json, String idempotencyKey) {
        HttpRequest.Builder b =
                req(path, key).header("Content-Type", "application/json").POST(BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return h.send(b.build());
    }

    private String key(Integer rateLimit, Scope... scopes) {
        return h.app.services()
                .apiKeys()
                .create("test", EnumSet.copyOf(List.of(scopes)), rateLimit)
                .secret();
    }

    private String account(String name) {
        HttpResponse<String> r = postJson("/v1/accounts", null, "{\"name\":\"" + name + "\"}", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return ApiHarness.json(r).get("id").asText();
    }

    private void mint(String account, String amount) {
        HttpResponse<String> r = postJson(
                "/v1/admin/mints",
                null,
                "{\"account\":\"" + account + "\",\"amount\":\"" + amount + "\",\"currency\":\"USD\"}",
                null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private long count(String table) {
        return h.app.services()
                .database()
                .jdbc()
                .queryOne("SELECT count(*) FROM " + table, r -> r.getLong(1))
                .orElseThrow();
    }

    @Test
    void v1NeedsAKeyWithTheRightScopeWhileHealthStaysOpen() {
        HttpResponse<String> none =
                h.sendUnchecked(req("/v1/credentials", null).GET().build());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(ApiHarness.contentType(none)).startsWith(HttpApi.PROBLEM_JSON);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");

        HttpResponse<String> unknown =
                h.sendUnchecked(req("/v1/credentials", "csk_nope_nope").GET().build());
        assertThat(unknown.statusCode()).isEqualTo(401);

        String reader = key(null, Scope.READ);
        assertThat(h.send(req("/v1/credentials", reader).GET().build()).statusCode())
                .isEqualTo(200);
        HttpResponse<String> forbidden = postJson("/v1/accounts", reader, "{\"name\":\"x\"}", null);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(ApiHarness.json(forbidden).get("required_scope").asText()).isEqualTo("ledger:write");
        assertThat(h.send(req("/v1/api-keys", reader).GET().build()).statusCode())
                .isEqualTo(403);

        String writer = key(null, Scope.LEDGER_WRITE);
        assertThat(postJson("/v1/accounts", writer, "{\"name\":\"x\"}", null).statusCode())
                .isEqualTo(201);
        assertThat(h.sendUnchecked(req("/health", null).GET().build()).statusCode())
                .isEqualTo(200);
        assertThat(h.sendUnchecked(req("/openapi.json", null).GET().build()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void keysAreShownOnceStoredHashedListedByPrefixAndRevocable() {
        HttpResponse<String> created = postJson(
                "/v1/api-keys",
                null,
                "{\"name\":\"billing\",\"scopes\":[\"read\",\"ledger:write\"],\"rate_limit_per_minute\":50}",
                null);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode k = ApiHarness.json(created);
        String secret = k.get("key").asText();
        assertThat(secret).startsWith(k.get("prefix").asText() + "_");
        assertThat(k.get("rate_limit_per_minute").asInt()).isEqualTo(50);

        HttpResponse<String> list = h.get("/v1/api-keys");
        assertThat(list.body()).contains(k.get("prefix").asText()).doesNotContain(secret);
        String stored = h.app.services()
                .database()
                .jdbc()
                .queryOne(
                        "SELECT row_to_json(k)::text FROM api_keys k WHERE id = ?",
                        r -> r.getString(1),
                        k.get("id").asLong())
                .orElseThrow();
        assertThat(stored).doesNotContain(secret.substring(13));

        assertThat(h.send(req("/v1/credentials", secret).GET().build()).statusCode())
                .isEqualTo(200);
        assertThat(h.send(req("/v1/api-keys/" + k.get("id").asLong(), null)
                                .DELETE()
                                .build())
                        .statusCode())
                .isEqualTo(200);
        // Revoked mid-flight: the very next request with it fails.
        assertThat(h.sendUnchecked(req("/v1/credentials", secret).GET().build()).statusCode())
                .isEqualTo(401);
        assertThat(h.send(req("/v1/api-keys/" + k.get("id").asLong(), null)
                                .DELETE()
                                .build())
                        .statusCode())
                .isEqualTo(404);

        assertThat(postJson("/v1/api-keys", null, "{\"name\":\"x\",\"scopes\":[\"root\"]}", null)
                        .statusCode())
                .isEqualTo(400);
        assertThat(postJson("/v1/api-keys", null, "{\"name\":\"x\",\"scopes\":[]}", null)
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void burstsBeyondTheKeysLimitGet429WithRetryAfterAndTheBucketRefills() {
        String limited = key(5, Scope.READ);
        List<Integer> remaining = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r =
                    h.send(req("/v1/credentials", limited).GET().build());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("RateLimit-Policy")).hasValue("\"default\";q=5;w=60");
            String header = r.headers().firstValue("RateLimit").orElseThrow();
            remaining.add(Integer.parseInt(header.replaceAll(".*;r=(\\d+);.*", "$1")));
        }
        assertThat(remaining).containsExactly(4, 3, 2, 1, 0);
        HttpResponse<String> refused =
                h.send(req("/v1/credentials", limited).GET().build());
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(ApiHarness.contentType(refused)).startsWith(HttpApi.PROBLEM_JSON);
        long retryAfter =
                Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        // Other keys have their own buckets.
        assertThat(h.send(req("/v1/credentials", key(5, Scope.READ)).GET().build())
                        .statusCode())
                .isEqualTo(200);

        h.clock.advance(Duration.ofSeconds(retryAfter));
        assertThat(h.send(req("/v1/credentials", limited).GET().build()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void idempotencyKeyReplaysTheFirstResponseAndRefusesADifferentRequest() {
        String a = account("a");
        String b = account("b");
        mint(a, "10.00");
        String body = "{\"from\":\"" + a + "\",\"to\":\"" + b + "\",\"amount\":\"2.50\",\"currency\":\"USD\"}";
        HttpResponse<String> first = postJson("/v1/transfers", null, body, "t-1");
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        long transfers = count("transfers");

        HttpResponse<String> again = postJson("/v1/transfers", null, body, "t-1");
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Location"))
                .isEqualTo(first.headers().firstValue("Location"));
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(count("transfers")).isEqualTo(transfers);
        // The same route with a trailing slash is the same request.
        HttpResponse<String> slash = postJson("/v1/transfers/", null, body, "t-1");
        assertThat(slash.statusCode()).isEqualTo(201);
        assertThat(slash.headers().firstValue("Idempotent-Replayed")).hasValue("true");

        HttpResponse<String> other = postJson("/v1/transfers", null, body.replace("2.50", "3.00"), "t-1");
        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(ApiHarness.json(other).get("type").asText()).endsWith("idempotency-key-reused");

        // Keys are scoped to the API key: another caller's "t-1" is a new request.
        String otherCaller = key(null, Scope.LEDGER_WRITE);
        assertThat(postJson("/v1/transfers", otherCaller, body, "t-1").headers().firstValue("Idempotent-Replayed"))
                .isEmpty();
        assertThat(h.app.services().ledger().account(a).orElseThrow().balances().get("USD"))
                .isEqualByComparingTo("5.00");
    }

    @Test
    void postsThatReturnASecretReplayItWithoutStoringItInClear() {
        String keyBody = "{\"name\":\"ci\",\"scopes\":[\"read\"]}";
        HttpResponse<String> k1 = postJson("/v1/api-keys", null, keyBody, "key-1");
        HttpResponse<String> k2 = postJson("/v1/api-keys", null, keyBody, "key-1");
        assertThat(k1.statusCode()).isEqualTo(201);
        assertThat(k2.statusCode()).isEqualTo(201);
        assertThat(k2.body()).isEqualTo(k1.body());
        assertThat(k2.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(k2.headers().firstValue("Location")).isEqualTo(k1.headers().firstValue("Location"));
        assertThat(k2.headers().map()).doesNotContainKey("chainsync-sealed-key");
        String secret = ApiHarness.json(k1).get("key").asText();
        assertThat(h.app.services()
                        .database()
                        .jdbc()
                        .queryOne("SELECT count(*) FROM api_keys WHERE name = 'ci'", r -> r.getLong(1))
                        .orElseThrow())
                .isEqualTo(1);

        String hookBody = "{\"url\":\"https://93.184.215.14/h\",\"event_types\":[\"*\"]}";
        HttpResponse<String> e1 = postJson("/v1/webhook-endpoints", null, hookBody, "hook-1");
        HttpResponse<String> e2 = postJson("/v1/webhook-endpoints", null, hookBody, "hook-1");
        assertThat(e1.statusCode()).isEqualTo(201);
        assertThat(e2.body()).isEqualTo(e1.body());
        assertThat(count("webhook_endpoints")).isEqualTo(1);
        long endpoint = ApiHarness.json(e1).get("id").asLong();
        HttpResponse<String> r1 = postJson("/v1/webhook-endpoints/" + endpoint + "/secret/rotate", null, "", "rot-1");
        HttpResponse<String> r2 = postJson("/v1/webhook-endpoints/" + endpoint + "/secret/rotate", null, "", "rot-1");
        assertThat(r1.statusCode()).isEqualTo(200);
        assertThat(r2.body()).isEqualTo(r1.body());
        assertThat(r2.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(count("webhook_endpoint_secrets"))
                .as("one rotation: old and new")
                .isEqualTo(2);

        String hookSecret = ApiHarness.json(e1).get("secret").asText();
        String rotated = ApiHarness.json(r1).get("secret").asText();
        List<byte[]> stored = h.app.services()
                .database()
                .jdbc()
                .query("SELECT response_body FROM idempotency_keys", r -> r.getBytes(1));
        assertThat(stored)
                .hasSize(3)
                .allSatisfy(body -> assertThat(new String(body, StandardCharsets.ISO_8859_1))
                        .doesNotContain(secret, hookSecret, rotated, "secret", "\"key\""));
        // A refused request (unknown endpoint) stores nothing.
        assertThat(postJson("/v1/webhook-endpoints/999999/secret/rotate", null, "", "rot-2")
                        .statusCode())
                .isEqualTo(404);
        assertThat(count("idempotency_keys")).isEqualTo(3);
    }

    @Test
    void operationRetriesAndReconciliationRunsHonourIdempotencyKeys() {
        HttpResponse<String> run1 = postJson("/v1/reconciliations", null, "", "rec-1");
        HttpResponse<String> run2 = postJson("/v1/reconciliations", null, "", "rec-1");
        assertThat(run1.statusCode()).isEqualTo(201);
        assertThat(run2.body()).isEqualTo(run1.body());
        assertThat(run2.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(count("reconciliation_runs")).as("one run for one key").isEqualTo(1);
        assertThat(postJson("/v1/reconciliations", null, "", "rec-2").headers().firstValue("Idempotent-Replayed"))
                .isEmpty();
        assertThat(count("reconciliation_runs")).isEqualTo(2);

        // Retrying an operation that does not exist is refused and leaves the key free.
        assertThat(postJson("/v1/operations/424242/retry", null, "", "op-1").statusCode())
                .isEqualTo(404);
        assertThat(h.app.services()
                        .database()
                        .jdbc()
                        .queryOne(
                                "SELECT count(*) FROM idempotency_keys WHERE idempotency_key = 'op-1'",
                                r -> r.getLong(1))
                        .orElseThrow())
                .isZero();
    }

    @Test
    void credentialUploadsAreIdempotentAcrossDifferentMultipartFraming() {
        byte[] file = "diploma".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpRequest.Builder first = upload(file, "student-1").header("Idempotency-Key", "cred-1");
        HttpResponse<String> r1 = h.send(first.build());
        assertThat(r1.statusCode()).isEqualTo(202);
        // Time passes: a second execution would give another issued-at and so another hash.
        h.clock.advance(Duration.ofSeconds(5));
        HttpResponse<String> r2 = h.send(
                upload(file, "student-1").header("Idempotency-Key", "cred-1").build());
        assertThat(r2.statusCode()).isEqualTo(202);
        assertThat(r2.body()).isEqualTo(r1.body());
        assertThat(r2.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(count("credentials")).isEqualTo(1);
        assertThat(count("chain_operations")).isEqualTo(1);
        assertThat(h.send(upload(file, "student-2")
                                .header("Idempotency-Key", "cred-1")
                                .build())
                        .statusCode())
                .isEqualTo(422);
    }

    private HttpRequest.Builder upload(byte[] file, String recipient) {
        ApiHarness.Multipart form = new ApiHarness.Multipart()
                .field("recipient_id", recipient)
                .field("issuer_id", "uni")
                .file("file", "d.pdf", file);
        return HttpRequest.newBuilder(h.base.resolve("/v1/credentials"))
                .header("Content-Type", form.contentType())
                .POST(BodyPublishers.ofByteArray(form.bytes()));
    }

    @Test
    void rejectedRequestsStoreNothingSoTheKeyStaysUsable() {
        String a = account("a");
        String b = account("b");
        mint(a, "1.00");
        String tooMuch = "{\"from\":\"" + a + "\",\"to\":\"" + b + "\",\"amount\":\"5.00\",\"currency\":\"USD\"}";
        HttpResponse<String> refused = postJson("/v1/transfers", null, tooMuch, "k");
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(ApiHarness.json(refused).get("type").asText()).endsWith("insufficient-funds");
        assertThat(postJson("/v1/transfers", null, tooMuch.replace("5.00", "5.001"), "k")
                        .statusCode())
                .isEqualTo(400);
        assertThat(count("idempotency_keys")).isZero();
        assertThat(count("transfers")).isEqualTo(1);

        mint(a, "10.00");
        HttpResponse<String> ok = postJson("/v1/transfers", null, tooMuch, "k");
        assertThat(ok.statusCode()).isEqualTo(201);
        assertThat(ok.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }

    @Test
    void aKeyStillInFlightAnswers409() throws Exception {
        String a = account("a");
        String b = account("b");
        mint(a, "10.00");
        String body = "{\"from\":\"" + a + "\",\"to\":\"" + b + "\",\"amount\":\"1.00\",\"currency\":\"USD\"}";
        // Another transaction holds the key's row uncommitted, as a running first request would.
        try (var c = h.app.services().database().dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (var ps = c.prepareStatement("""
                    INSERT INTO idempotency_keys (api_key_id, idempotency_key, fingerprint, response_status,
                        response_body, created_at, expires_at) VALUES (0, 'busy', 'x', 0, ''::bytea, now(), now() + interval '1 day')""")) {
                ps.executeUpdate();
            }
            HttpResponse<String> r = postJson("/v1/transfers", null, body, "busy");
            assertThat(r.statusCode()).isEqualTo(409);
            assertThat(ApiHarness.json(r).get("type").asText()).endsWith("idempotency-key-in-progress");
            c.rollback();
        }
        assertThat(postJson("/v1/transfers", null, body, "busy").statusCode()).isEqualTo(201);
    }

    @Test
    void theSameKeySentConcurrentlyHasOneEffect() throws Exception {
        String a = account("a");
        String b = account("b");
        mint(a, "100.00");
        String body = "{\"from\":\"" + a + "\",\"to\":\"" + b + "\",\"amount\":\"1.00\",\"currency\":\"USD\"}";
        int n = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(pool.submit(() -> {
                go.await();
                return postJson("/v1/transfers", null, body, "same");
            }));
        }
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        List<HttpResponse<String>> created = new ArrayList<>();
        for (Future<HttpResponse<String>> f : answers) {
            HttpResponse<String> r = f.get();
            statuses.add(r.statusCode());
            if (r.statusCode() == 201) {
                created.add(r);
            }
        }
        pool.shutdown();
        assertThat(statuses).allMatch(s -> s == 201 || s == 409).contains(201);
        // Exactly one answer is the original; every other 201 replays it byte for byte and says so.
        assertThat(created.stream()
                        .filter(r ->
                                r.headers().firstValue("Idempotent-Replayed").isEmpty()))
                .hasSize(1);
        assertThat(created)
                .allSatisfy(
                        r -> assertThat(r.body()).isEqualTo(created.getFirst().body()));
        assertThat(created.stream()
                        .filter(r ->
                                r.headers().firstValue("Idempotent-Replayed").isPresent()))
                .allSatisfy(r -> assertThat(r.headers().firstValue("Idempotent-Replayed"))
                        .contains("true"));
        assertThat(h.app.services().ledger().account(b).orElseThrow().balances().get("USD"))
                .isEqualByComparingTo("1.00");
        assertThat(count("transfers")).isEqualTo(2);
    }

    @Test
    void ledgerRoutesAnswerWithExactDecimalsAndClearErrors() {
        String a = account("alice");
        String b = account("bob");
        mint(a, "7.5");
        HttpResponse<String> t = postJson(
                "/v1/transfers",
                null,
                "{\"from\":\"" + a + "\",\"to\":\"" + b + "\",\"amount\":0.1,\"currency\":\"USD\"}",
                null);
        assertThat(t.statusCode()).isEqualTo(201);
        JsonNode transfer = ApiHarness.json(t);
        assertThat(transfer.get("amount").asText()).isEqualTo("0.10");
        assertThat(h.get("/v1/transfers/" + transfer.get("id").asText()).statusCode())
                .isEqualTo(200);
        JsonNode alice = ApiHarness.json(h.get("/v1/accounts/" + a));
        assertThat(alice.get("balances").get("USD").asText()).isEqualTo("7.40");

        JsonNode page1 = ApiHarness.json(h.get("/v1/accounts/" + a + "/entries?limit=1"));
        assertThat(page1.get("data")).hasSize(1);
        assertThat(page1.get("data").get(0).get("amount").asText()).isEqualTo("-0.10");
        JsonNode page2 = ApiHarness.json(h.get("/v1/accounts/" + a + "/entries?limit=1&cursor="
                + page1.get("next_cursor").asText()));
        assertThat(page2.get("data").get(0).get("amount").asText()).isEqualTo("7.50");
        assertThat(page2.has("next_cursor")).isFalse();

        assertThat(h.get("/v1/accounts/acc_00000000000000000000").statusCode()).isEqualTo(404);
        // Balances that would overflow NUMERIC(38, 18) are refused, not a 500.
        String big = "99999999999999999999";
        String whale = account("whale");
        assertThat(postJson(
                                "/v1/admin/mints",
                                null,
                                "{\"account\":\"" + whale + "\",\"amount\":\"" + big + "\",\"currency\":\"USD\"}",
                                null)
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> overflow = postJson(
                "/v1/admin/mints",
                null,
                "{\"account\":\"" + whale + "\",\"amount\":\"" + big + "\",\"currency\":\"USD\"}",
                null);
        assertThat(overflow.statusCode()).isEqualTo(422);
        assertThat(ApiHarness.json(overflow).get("type").asText()).endsWith("amount-out-of-range");
        assertThat(h.get("/v1/transfers/tr_nope").statusCode()).isEqualTo(404);
        assertThat(postJson("/v1/transfers", null, "{\"from\":\"" + a + "\"}", null)
                        .statusCode())
                .isEqualTo(400);
        assertThat(postJson("/v1/transfers", null, "not json", null).statusCode())
                .isEqualTo(400);
        assertThat(postJson(
                                "/v1/admin/burns",
                                null,
                                "{\"account\":\"" + b + "\",\"amount\":\"1\",\"currency\":\"USD\"}",
                                null)
                        .statusCode())
                .isEqualTo(422);
        assertThat(postJson(
                                "/v1/transfers",
                                null,
                                "{\"from\":\"" + a + "\",\"to\":\"acc_00000000000000000000\","
                                        + "\"amount\":\"1\",\"currency\":\"USD\"}",
                                null)
                        .statusCode())
                .isEqualTo(404);
    }
}
