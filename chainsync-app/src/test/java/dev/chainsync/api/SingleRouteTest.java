package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.apikey.ApiKeys;
import dev.chainsync.apikey.Scope;
import dev.chainsync.idempotency.Idempotency;
import dev.chainsync.json.Json;
import dev.chainsync.ratelimit.RateLimiter;
import dev.chainsync.testing.TestDatabases;
import dev.chainsync.time.ManualClock;
import dev.chainsync.webhook.SecretBox;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A route class takes only the services it uses, so its test starts just that route on the API's
 * error handling: no chain, relay, webhooks or ingest. Here: the API key routes on a scratch
 * database.
 */
class SingleRouteTest {
    @TempDir
    Path uploads;

    @Test
    void theApiKeyRoutesRunAloneOnTheirOwnServices() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T09:00:00Z"));
        try (TestDatabases.Scratch db = TestDatabases.create("single_route")) {
            ApiKeys keys = new ApiKeys(db.database().jdbc(), clock, new SecureRandom(), null);
            RateLimiter limiter = new RateLimiter(db.database().dataSource(), clock, 600);
            Idempotent idempotent = new Idempotent(
                    db.database().jdbc(),
                    new Idempotency(db.database().jdbc(), clock, Duration.ofHours(1)),
                    SecretBox.of(new byte[32]));
            long id = keys.create("backend", EnumSet.of(Scope.READ), null).key().id();
            HttpApi api = new HttpApi(
                    new HttpConfig(0, 1024, Duration.ZERO),
                    uploads,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    javalin -> new ApiKeyRoutes(keys, limiter, idempotent).register(javalin));
            try (api) {
                api.start();
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://localhost:" + api.port();

                HttpResponse<String> listed = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/v1/api-keys"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(listed.statusCode()).isEqualTo(200);
                JsonNode data = Json.MAPPER.readTree(listed.body()).get("data");
                assertThat(data).hasSize(1);
                assertThat(data.get(0).get("id").asLong()).isEqualTo(id);

                HttpResponse<String> missing = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/v1/api-keys/" + (id + 1)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(missing.statusCode()).isEqualTo(404);
                assertThat(missing.headers().firstValue("Content-Type")).contains(HttpApi.PROBLEM_JSON);

                // Nothing else was started: another route class's path is simply not there.
                HttpResponse<String> other = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/v1/credentials"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(other.statusCode()).isEqualTo(404);
            }
        }
    }
}
