package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.apikey.Scope;
import dev.chainsync.app.Application;
import dev.chainsync.app.ChainsyncConfig;
import dev.chainsync.chain.solana.RuntimeServer;
import dev.chainsync.testing.SolanaRuntime;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edge as operators see it: limits shared by instances, key bookkeeping, expiry, a protected /metrics. */
class EdgeOperationsTest {
    @TempDir
    Path dataDir;

    private ApiHarness h;
    private Application second;
    private RuntimeServer runtime;

    @AfterEach
    void stop() {
        if (second != null) {
            second.close();
        }
        if (h != null) {
            h.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    private String key(Integer rateLimit, Scope... scopes) {
        return h.app.services()
                .apiKeys()
                .create("test", EnumSet.copyOf(List.of(scopes)), rateLimit)
                .secret();
    }

    private HttpResponse<String> get(URI base, String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return h.sendUnchecked(b.build());
    }

    /**
     * Two instances as an operator runs them: sharing the keys (one data directory's copies) and one
     * Solana chain, since the devnet lives in one process and a second one is refused.
     */
    @Test
    void aKeysRateLimitIsSharedByEveryInstanceOnTheDatabase() {
        runtime = SolanaRuntime.start(1);
        Map<String, String> solana = Map.of(
                "CHAINSYNC_CHAIN",
                "solana",
                "CHAINSYNC_SOLANA_RPC_URLS",
                runtime.url(0).toString());
        h = ApiHarness.start("edge_ops_rl", dataDir, solana);
        second = new Application(
                        ChainsyncConfig.fromEnvironment(ApiHarness.env(h.db, dataDir, solana)),
                        h.clock,
                        new SplittableRandom(9))
                .start();
        URI otherBase = URI.create("http://localhost:" + second.httpPort());
        String limited = key(5, Scope.READ);

        for (URI base : List.of(h.base, otherBase, h.base, otherBase, h.base)) {
            assertThat(get(base, "/v1/credentials", limited).statusCode()).isEqualTo(200);
        }

        for (URI base : List.of(h.base, otherBase)) {
            HttpResponse<String> refused = get(base, "/v1/credentials", limited);
            assertThat(refused.statusCode())
                    .as("the five tokens were spent across both instances")
                    .isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.headers().firstValue("RateLimit"))
                    .hasValueSatisfying(v -> assertThat(v).contains("r=0"));
        }
    }

    @Test
    void lastUsedAtIsRecordedAndAMissingScopeIsAProblem() {
        h = ApiHarness.start("edge_ops_used", dataDir);
        JsonNode created = ApiHarness.json(h.post(
                "/v1/api-keys",
                "application/json",
                BodyPublishers.ofString("{\"name\":\"reader\",\"scopes\":[\"read\"]}")));
        String reader = created.get("key").asText();
        String path = "/v1/api-keys/" + created.get("id").asLong();
        JsonNode before = ApiHarness.json(h.get(path)).path("last_used_at");
        assertThat(before.isMissingNode() || before.isNull())
                .as("never used yet")
                .isTrue();

        assertThat(get(h.base, "/v1/credentials", reader).statusCode()).isEqualTo(200);

        assertThat(ApiHarness.json(h.get(path)).get("last_used_at").asText()).isEqualTo(ApiHarness.START.toString());
        HttpResponse<String> forbidden = h.sendUnchecked(HttpRequest.newBuilder(h.base.resolve("/v1/accounts"))
                .header("Authorization", "Bearer " + reader)
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"name\":\"x\"}"))
                .build());
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(ApiHarness.contentType(forbidden)).startsWith(HttpApi.PROBLEM_JSON);
        assertThat(ApiHarness.json(forbidden).get("status").asInt()).isEqualTo(403);
    }

    @Test
    void idempotencyRecordsExpireAfterTheirTtlAndArePurged() {
        h = ApiHarness.start("edge_ops_ttl", dataDir, Map.of("CHAINSYNC_IDEMPOTENCY_TTL_MS", "3600000"));
        HttpRequest.Builder first = HttpRequest.newBuilder(h.base.resolve("/v1/accounts"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "acct-1")
                .POST(BodyPublishers.ofString("{\"name\":\"first\"}"));
        assertThat(h.send(first.build()).statusCode()).isEqualTo(201);
        HttpRequest other = HttpRequest.newBuilder(h.base.resolve("/v1/accounts"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "acct-1")
                .POST(BodyPublishers.ofString("{\"name\":\"second\"}"))
                .build();
        assertThat(h.send(other).statusCode())
                .as("within the TTL the key is taken")
                .isEqualTo(422);

        h.clock.advance(Duration.ofMinutes(59));
        assertThat(h.app.services().idempotency().purgeExpired()).isZero();
        h.clock.advance(Duration.ofMinutes(2));
        assertThat(h.app.services().idempotency().purgeExpired()).isEqualTo(1);

        HttpResponse<String> reused = h.send(other);
        assertThat(reused.statusCode()).as("after expiry the key is free again").isEqualTo(201);
        assertThat(reused.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }

    @Test
    void metricsCanBePutBehindAKey() {
        h = ApiHarness.start("edge_ops_metrics", dataDir, Map.of("CHAINSYNC_METRICS_REQUIRE_KEY", "true"));
        HttpResponse<String> anonymous = get(h.base, "/metrics", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(ApiHarness.contentType(anonymous)).startsWith(HttpApi.PROBLEM_JSON);

        HttpResponse<String> withKey = get(h.base, "/metrics", key(null, Scope.READ));
        assertThat(withKey.statusCode()).isEqualTo(200);
        assertThat(withKey.body()).contains("jvm_memory_used_bytes");
        assertThat(get(h.base, "/health", null).statusCode())
                .as("health stays open")
                .isEqualTo(200);
    }
}
