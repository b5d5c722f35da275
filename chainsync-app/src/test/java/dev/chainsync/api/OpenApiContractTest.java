package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

/**
 * The contract checker that every API test runs each response through must actually catch
 * mismatches, or those checks would pass vacuously.
 */
class OpenApiContractTest {
    static final OpenApiContract CONTRACT = ApiHarness.CONTRACT;
    static final String HASH = "0a5dafb6cfd16aea1122cbf6d18996b87ab3b4c8e8b94d146642578fac2ba431";

    private static JsonNode json(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String validCredential(String extra) {
        return "{\"hash\":\"" + HASH + "\",\"status\":\"pending\",\"issuer_address\":\"8Auy\",\"memo\":\"m\","
                + "\"created_at\":\"2026-03-01T09:00:00Z\",\"updated_at\":\"2026-03-01T09:00:00Z\","
                + "\"links\":{\"self\":\"/v1/credentials/" + HASH + "\",\"verify\":\"/v1/verify/" + HASH + "\"}" + extra
                + "}";
    }

    @Test
    void aConformingCredentialPasses() {
        assertThat(CONTRACT.violations("Credential", json(validCredential("")))).isEmpty();
        assertThat(CONTRACT.violations("Credential", json(validCredential(",\"chain_slot\":5,\"history\":[]"))))
                .isEmpty();
    }

    @Test
    void mismatchesAreReported() {
        assertThat(CONTRACT.violations("Credential", json(validCredential(",\"surprise\":1"))))
                .singleElement()
                .asString()
                .contains("undocumented property 'surprise'");
        assertThat(CONTRACT.violations("Credential", json(validCredential(",\"chain_slot\":\"5\""))))
                .singleElement()
                .asString()
                .contains("chain_slot");
        assertThat(CONTRACT.violations("Credential", json(validCredential("").replace("\"pending\"", "\"lost\""))))
                .singleElement()
                .asString()
                .contains("not in");
        assertThat(CONTRACT.violations(
                        "Credential", json(validCredential("").replace(HASH + "\",\"status", "XYZ\",\"status"))))
                .singleElement()
                .asString()
                .contains("does not match");
        assertThat(CONTRACT.violations("Credential", json(validCredential("").replace("\"memo\":\"m\",", ""))))
                .singleElement()
                .asString()
                .contains("required property 'memo'");
        assertThat(CONTRACT.violations("Credential", json(validCredential(",\"history\":[{\"type\":\"created\"}]"))))
                .anySatisfy(v -> assertThat(v).contains("history[0]").contains("'at'"));
        assertThat(CONTRACT.violations(
                        "Credential",
                        json(validCredential("").replace("2026-03-01T09:00:00Z\",\"updated", "yesterday\",\"updated"))))
                .singleElement()
                .asString()
                .contains("date-time");
        assertThat(
                        CONTRACT.violations(
                                "DevnetFaults",
                                json(
                                        "{\"rpc_error_rate\":1.5,\"drop_rate\":0,\"fail_rate\":0,\"latency_ms\":0,\"outages\":[]}")))
                .singleElement()
                .asString()
                .contains("above maximum");
    }

    @Test
    void responsesAreMatchedToTheirPathMethodStatusAndMediaType() {
        assertThat(CONTRACT.templateFor("/v1/credentials/" + HASH)).isEqualTo("/v1/credentials/{hash}");
        assertThat(CONTRACT.templateFor("/v1/operations/12/retry")).isEqualTo("/v1/operations/{id}/retry");
        assertThat(CONTRACT.templateFor("/openapi.json")).isEqualTo("/openapi.json");
        assertThat(CONTRACT.templateFor("/openapiXjson")).isNull();
        assertThat(CONTRACT.templateFor("/v1/nothing")).isNull();

        String problem =
                "{\"type\":\"https://chainsync.dev/problems/not-found\",\"title\":\"Not found\",\"status\":404,"
                        + "\"detail\":\"no operation 9\"}";
        assertThat(CONTRACT.violations("GET", "/v1/operations/9", response(404, "application/problem+json", problem)))
                .isEmpty();
        assertThat(CONTRACT.violations("GET", "/v1/operations/9", response(404, "application/json", problem)))
                .singleElement()
                .asString()
                .contains("media type application/json not documented");
        assertThat(CONTRACT.violations("GET", "/v1/verify/" + HASH, response(404, "application/problem+json", problem)))
                .singleElement()
                .asString()
                .contains("status not documented");
        assertThat(CONTRACT.violations("PATCH", "/v1/devnet/faults", response(200, "application/json", "{}")))
                .singleElement()
                .asString()
                .contains("method not documented");
        assertThat(CONTRACT.violations("GET", "/v1/operations", response(200, "application/json", "{\"data\":[{}]}")))
                .anySatisfy(v -> assertThat(v).contains("required property 'id'"));
    }

    private static HttpResponse<String> response(int status, String contentType, String body) {
        return new HttpResponse<>() {
            @Override
            public int statusCode() {
                return status;
            }

            @Override
            public HttpRequest request() {
                return null;
            }

            @Override
            public Optional<HttpResponse<String>> previousResponse() {
                return Optional.empty();
            }

            @Override
            public HttpHeaders headers() {
                return HttpHeaders.of(Map.of("Content-Type", List.of(contentType)), (a, b) -> true);
            }

            @Override
            public String body() {
                return body;
            }

            @Override
            public Optional<SSLSession> sslSession() {
                return Optional.empty();
            }

            @Override
            public URI uri() {
                return URI.create("http://localhost/");
            }

            @Override
            public HttpClient.Version version() {
                return HttpClient.Version.HTTP_1_1;
            }
        };
    }
}
