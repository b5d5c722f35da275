package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests built to cost the server much more than they cost the client, or to pass for another request. */
class EdgeInputLimitsTest {
    @TempDir
    Path dataDir;

    private ApiHarness h;

    @BeforeEach
    void start() {
        h = ApiHarness.start("edgelimits", dataDir, Map.of("CHAINSYNC_RATE_LIMIT_PER_MINUTE", "1000"));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private HttpResponse<String> postJson(String path, String json) {
        return h.send(HttpRequest.newBuilder(h.base.resolve(path))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(120))
                .POST(BodyPublishers.ofString(json))
                .build());
    }

    private String account(String name) {
        HttpResponse<String> r = postJson("/v1/accounts", "{\"name\":\"" + name + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return ApiHarness.json(r).get("id").asText();
    }

    /**
     * An amount is refused by its size before it is expanded: 1e1000000 is ten characters of JSON
     * for a million digits, and a million-digit string parses in time that grows faster than its length.
     */
    @Test
    void anAmountTooLargeToHandleIsRefusedBeforeItIsExpanded() {
        String from = account("a");
        String to = account("b");
        String body = "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":%s,\"currency\":\"USD\"}";
        for (String amount : new String[] {"1e1000000", "\"1e1000000\"", "\"" + "9".repeat(1_000_000) + "\""}) {
            HttpResponse<String> r = postJson("/v1/transfers", body.formatted(amount));
            assertThat(r.statusCode()).as(amount.length() + " chars").isIn(400, 422);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(ApiHarness.json(r).path("detail").asText())
                    .containsAnyOf("too large", "more than 64 characters");
        }
        HttpResponse<String> tiny = postJson("/v1/transfers", body.formatted("1e-1000000"));
        assertThat(ApiHarness.json(tiny).path("detail").asText()).contains("decimal places");
    }

    /**
     * An absent serial and the serial "null" are different requests (different credential hashes):
     * reusing an Idempotency-Key across them is a 422, never the other request's replay.
     */
    @Test
    void aSerialNamedNullIsNotTheSameRequestAsNoSerial() {
        byte[] file = "diploma #1".getBytes(StandardCharsets.UTF_8);
        ApiHarness.Multipart noSerial = new ApiHarness.Multipart()
                .field("issuer_id", "uni")
                .field("recipient_id", "bob")
                .file("file", "d.pdf", file);
        ApiHarness.Multipart serialNull = new ApiHarness.Multipart()
                .field("issuer_id", "uni")
                .field("recipient_id", "bob")
                .field("serial", "null")
                .file("file", "d.pdf", file);
        HttpResponse<String> first = h.send(HttpRequest.newBuilder(h.base.resolve("/v1/credentials"))
                .header("Content-Type", noSerial.contentType())
                .header("Idempotency-Key", "k-1")
                .POST(BodyPublishers.ofByteArray(noSerial.bytes()))
                .build());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        JsonNode issued = ApiHarness.json(first);
        assertThat(issued.has("serial")).isFalse();

        HttpResponse<String> second = h.send(HttpRequest.newBuilder(h.base.resolve("/v1/credentials"))
                .header("Content-Type", serialNull.contentType())
                .header("Idempotency-Key", "k-1")
                .POST(BodyPublishers.ofByteArray(serialNull.bytes()))
                .build());
        assertThat(second.headers().firstValue("Idempotent-Replayed"))
                .as("replayed another request's response")
                .isEmpty();
        assertThat(second.statusCode()).as(second.body()).isEqualTo(422);
    }

    /** What Jetty refuses before routing (an undecodable URI, a malformed request line) is problem+json too. */
    @Test
    void requestsRefusedBeforeRoutingAreAnsweredAsProblems() throws Exception {
        for (String requestLine : new String[] {
            "GET /v1/accounts/%zz HTTP/1.1",
            "GET /v1/accounts/%E0%A4%A HTTP/1.1",
            "GET /health HTTP/1.1\r\nBad Header Without Colon"
        }) {
            try (java.net.Socket socket = new java.net.Socket(h.base.getHost(), h.base.getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream()
                        .write((requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
                assertThat(head)
                        .as(requestLine)
                        .startsWith("http/1.1 400")
                        .contains("content-type: application/problem+json");
                JsonNode problem = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
                assertThat(problem.path("status").asInt()).isEqualTo(400);
                assertThat(problem.path("title").asText()).isEqualTo("Invalid request");
            }
        }
    }
}
