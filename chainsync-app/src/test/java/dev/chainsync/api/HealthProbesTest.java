package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.ticketsync.OwnershipListener;
import io.lettuce.core.RedisClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liveness and readiness against real outages: Redis reached through a proxy the test cuts (the
 * shared Redis keeps running), PostgreSQL likewise.
 */
class HealthProbesTest {
    static final String REDIS_HOST = "127.0.0.1";
    static final int REDIS_PORT = 6379;

    @TempDir
    Path dataDir;

    ApiHarness h;
    TcpProxy redisProxy;
    String streams;
    String deadLetters;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
        if (redisProxy != null) {
            redisProxy.close();
        }
        if (streams != null) {
            RedisClient client = RedisClient.create("redis://" + REDIS_HOST + ":" + REDIS_PORT);
            try (var c = client.connect()) {
                c.sync().del(streams, deadLetters);
            } finally {
                client.shutdown();
            }
        }
    }

    static void assumeRedis() {
        RedisClient probe = RedisClient.create("redis://" + REDIS_HOST + ":" + REDIS_PORT);
        try (var c = probe.connect()) {
            c.sync().ping();
        } catch (RuntimeException e) {
            Assumptions.abort("no Redis at " + REDIS_HOST + ":" + REDIS_PORT + ": " + e.getMessage());
        } finally {
            probe.shutdown();
        }
    }

    @Test
    void aRedisOutageMakesIngestUnhealthyButTheInstanceStaysReadyAndLive() throws Exception {
        assumeRedis();
        redisProxy = new TcpProxy(REDIS_HOST, REDIS_PORT);
        String prefix = "cs_probe_" + UUID.randomUUID().toString().substring(0, 8);
        streams = prefix + "_stream";
        deadLetters = prefix + "_dead";
        h = ApiHarness.start(
                "probes", dataDir, ApiHarness.ingestEnv("redis://127.0.0.1:" + redisProxy.port(), streams, prefix));
        assertThat(h.get("/health/ready").statusCode()).isEqualTo(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> "up".equals(ingest(h.get("/health")).path("redis").asText()));

        redisProxy.cut();

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> health = h.get("/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(ingest(health).path("status").asText()).isEqualTo("down");
            assertThat(ingest(health).path("redis").asText()).isEqualTo("down");
        });
        HttpResponse<String> ready = h.get("/health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ApiHarness.json(ready).path("status").asText()).isEqualTo("ready");
        assertThat(h.get("/health/live").statusCode()).isEqualTo(200);
        // The credential API is still served.
        assertThat(h.get("/v1/credentials").statusCode()).isEqualTo(200);
    }

    @Test
    void aDatabaseOutageMakesTheInstanceUnreadyButLeavesItLive() throws Exception {
        TcpProxy pg = new TcpProxy("127.0.0.1", 5432);
        try {
            h = ApiHarness.startThrough("probes_db", dataDir, pg.port());
            assertThat(h.get("/health/ready").statusCode()).isEqualTo(200);

            pg.cut();

            HttpResponse<String> ready = h.get("/health/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
            assertThat(ready.headers().firstValue("Content-Type")).contains(HttpApi.PROBLEM_JSON);
            assertThat(ready.body()).contains("database");
            assertThat(h.get("/health/live").statusCode()).isEqualTo(200);
        } finally {
            pg.close();
        }
    }

    @Test
    void aDownOwnershipListenerIsReportedByHealthButLeavesTheInstanceReady() {
        h = ApiHarness.start("probes_listener", dataDir, Map.of("CHAINSYNC_TICKETS_LISTENER_MAX_FAILURES", "2"));
        OwnershipListener listener = h.app.ownershipListener();
        JsonNode idle = listenerEntry(h.get("/health"));
        assertThat(idle.path("status").asText())
                .as("reconciliation is off in the harness: the listener does not run here")
                .isEqualTo("not_running");
        assertThat(idle.has("last_success_at")).isFalse();
        mintOneTicket();
        assertThat(listener.passOnce().looked()).isEqualTo(1);
        Instant succeeded = h.clock.instant();
        JsonNode up = listenerEntry(h.get("/health"));
        assertThat(up.path("status").asText()).isEqualTo("up");
        assertThat(up.path("consecutive_failures").asLong()).isZero();
        assertThat(Instant.parse(up.path("last_success_at").asText())).isEqualTo(succeeded);

        h.app.services()
                .devnetFaults()
                .outage(h.clock.instant(), h.clock.instant().plus(Duration.ofDays(1)));
        assertThatThrownBy(listener::passOnce).isInstanceOf(RuntimeException.class);
        JsonNode failing = listenerEntry(h.get("/health"));
        assertThat(failing.path("status").asText()).isEqualTo("failing");
        assertThat(failing.path("consecutive_failures").asLong()).isEqualTo(1);
        assertThat(failing.path("last_error").asText()).isNotBlank();
        assertThat(failing.has("next_attempt_at")).isTrue();
        h.clock.advance(Duration.ofMinutes(2)); // past the backoff
        assertThatThrownBy(listener::passOnce).isInstanceOf(RuntimeException.class);

        HttpResponse<String> health = h.get("/health");
        assertThat(health.statusCode()).isEqualTo(503);
        JsonNode down = listenerEntry(health);
        assertThat(down.path("status").asText()).isEqualTo("down");
        assertThat(down.path("consecutive_failures").asLong()).isEqualTo(2);
        assertThat(Instant.parse(down.path("last_success_at").asText()))
                .as("the last success is kept while it fails")
                .isEqualTo(succeeded);
        HttpResponse<String> ready = h.get("/health/ready");
        assertThat(ready.statusCode())
                .as("readiness depends on the database only: " + ready.body())
                .isEqualTo(200);

        h.app.services().devnetFaults().clearOutages();
        h.clock.advance(Duration.ofMinutes(2));
        listener.passOnce();
        JsonNode recovered = listenerEntry(h.get("/health"));
        assertThat(recovered.path("status").asText()).isEqualTo("up");
        assertThat(recovered.path("consecutive_failures").asLong()).isZero();
        assertThat(recovered.has("last_error")).isFalse();
        assertThat(Instant.parse(recovered.path("last_success_at").asText())).isEqualTo(h.clock.instant());
    }

    private static JsonNode listenerEntry(HttpResponse<String> health) {
        return ApiHarness.json(health).path("components").path("ticket_ownership_listener");
    }

    private HttpResponse<String> postJson(String path, String json) {
        return h.post(path, "application/json", java.net.http.HttpRequest.BodyPublishers.ofString(json));
    }

    /** An event and one ticket minted through the API and confirmed. */
    private void mintOneTicket() {
        HttpResponse<String> event = postJson("/v1/events", """
                {"name":"Concert","venue":"Arena","starts_at":"2027-01-01T20:00:00Z","capacity":5,
                 "price":"50.00","royalty_bps":0}""");
        assertThat(event.statusCode()).as(event.body()).isEqualTo(201);
        String owner = dev.chainsync.chain.Ed25519Keypair.generate(new java.security.SecureRandom())
                .address();
        HttpResponse<String> minted = postJson(
                "/v1/events/" + ApiHarness.json(event).path("id").asText() + "/tickets",
                "{\"owner\":\"" + owner + "\",\"seat\":\"A1\"}");
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(202);
        h.submitAndConfirm();
        assertThat(h.queryLong("SELECT count(*) FROM tickets WHERE status = 'active'"))
                .isEqualTo(1);
    }

    @Test
    void healthReportsTheWorkersOfThisInstance() {
        h = ApiHarness.start("probes_workers", dataDir);
        JsonNode components = ApiHarness.json(h.get("/health")).path("components");
        // The harness switches the relay loop off: reported, and not counted as broken.
        assertThat(components.path("relay").path("worker").path("running").asBoolean())
                .isFalse();
        assertThat(components.path("relay").path("worker").path("broken").asBoolean())
                .isFalse();
        assertThat(components.path("transfers").path("status").asText()).isEqualTo("up");
        assertThat(components.path("transfers").path("worker").path("running").asBoolean())
                .isTrue();
    }

    @Test
    void requestsAreTimedPerRouteTemplateNeverPerRawPath() {
        h = ApiHarness.start("probes_metrics", dataDir);
        String a = "a".repeat(64);
        String b = "b".repeat(64);
        assertThat(h.get("/v1/credentials/" + a).statusCode()).isEqualTo(404);
        assertThat(h.get("/v1/credentials/" + b).statusCode()).isEqualTo(404);
        h.get("/no/such/route/" + a);
        String metrics = h.get("/metrics").body();
        assertThat(metrics)
                .contains(
                        "http_server_requests_seconds_count{method=\"GET\",status=\"404\",uri=\"/v1/credentials/{hash}\"} 2")
                .contains("uri=\"NOT_FOUND\"")
                .doesNotContain(a)
                .doesNotContain(b);
    }

    static JsonNode ingest(HttpResponse<String> health) {
        return ApiHarness.json(health).path("components").path("ingest");
    }
}
