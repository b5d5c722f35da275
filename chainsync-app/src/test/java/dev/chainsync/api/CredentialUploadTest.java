package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.api.ApiHarness.Multipart;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code POST /v1/credentials}: every rejected upload answers problem+json and writes nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CredentialUploadTest {
    static final int LIMIT = 1024;
    static final byte[] PDF = "%PDF-1.7 a diploma".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path dataDir;

    ApiHarness h;

    @BeforeAll
    void start() {
        h = ApiHarness.start("upload", dataDir, Map.of("CHAINSYNC_MAX_UPLOAD_BYTES", String.valueOf(LIMIT)));
    }

    @AfterAll
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    /** An upload that must be refused: the form, the expected status, problem type and offending field. */
    record Bad(String name, Supplier<HttpResponse<String>> send, int status, String type, String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Multipart form(String issuer, String recipient) {
        Multipart m = new Multipart();
        if (issuer != null) {
            m.field("issuer_id", issuer);
        }
        if (recipient != null) {
            m.field("recipient_id", recipient);
        }
        return m;
    }

    Stream<Arguments> badUploads() {
        return Stream.of(
                        new Bad("missing file", () -> h.upload(form("uni-a", "alice")), 400, "invalid-request", "file"),
                        new Bad(
                                "file sent as a plain field",
                                () -> h.upload(form("uni-a", "alice").field("file", "not a file")),
                                400,
                                "invalid-request",
                                "file"),
                        new Bad(
                                "missing issuer_id",
                                () -> h.upload(form(null, "alice").file("file", "d.pdf", PDF)),
                                400,
                                "invalid-request",
                                "issuer_id"),
                        new Bad(
                                "empty issuer_id",
                                () -> h.upload(form("", "alice").file("file", "d.pdf", PDF)),
                                400,
                                "invalid-request",
                                "issuer_id"),
                        new Bad(
                                "missing recipient_id",
                                () -> h.upload(form("uni-a", null).file("file", "d.pdf", PDF)),
                                400,
                                "invalid-request",
                                "recipient_id"),
                        new Bad(
                                "issuer_id with a space",
                                () -> h.upload(form("uni a", "alice").file("file", "d.pdf", PDF)),
                                400,
                                "invalid-request",
                                "issuer_id"),
                        new Bad(
                                "issuer_id of 129 characters",
                                () -> h.upload(form("u".repeat(129), "alice").file("file", "d.pdf", PDF)),
                                400,
                                "invalid-request",
                                "issuer_id"),
                        new Bad(
                                "recipient_id with a newline",
                                () -> h.upload(
                                        form("uni-a", "alice\nissuer:evil").file("file", "d.pdf", PDF)),
                                400,
                                "invalid-request",
                                "recipient_id"),
                        new Bad(
                                "serial with a slash",
                                () -> h.upload(form("uni-a", "alice")
                                        .field("serial", "2026/1")
                                        .file("file", "d.pdf", PDF)),
                                400,
                                "invalid-request",
                                "serial"),
                        new Bad(
                                "empty file",
                                () -> h.upload(form("uni-a", "alice").file("file", "d.pdf", new byte[0])),
                                400,
                                "invalid-request",
                                "file"),
                        new Bad(
                                "JSON instead of multipart",
                                () -> h.post(
                                        "/v1/credentials",
                                        "application/json",
                                        BodyPublishers.ofString(
                                                "{\"issuer_id\":\"uni-a\",\"recipient_id\":\"alice\"}")),
                                400,
                                "invalid-request",
                                null),
                        new Bad(
                                "multipart header over a body that is not multipart",
                                () -> h.post(
                                        "/v1/credentials",
                                        "multipart/form-data; boundary=xyz",
                                        BodyPublishers.ofString("this is not a multipart body")),
                                400,
                                "invalid-request",
                                null),
                        new Bad(
                                "multipart without a boundary",
                                () -> h.post(
                                        "/v1/credentials",
                                        "multipart/form-data",
                                        BodyPublishers.ofByteArray(form("uni-a", "alice")
                                                .file("file", "d.pdf", PDF)
                                                .bytes())),
                                400,
                                "invalid-request",
                                null),
                        new Bad(
                                "multipart media type in upper case",
                                () -> {
                                    Multipart m = form("uni-a", "alice").file("file", "d.pdf", PDF);
                                    return h.post(
                                            "/v1/credentials",
                                            m.contentType()
                                                    .toUpperCase(java.util.Locale.ROOT)
                                                    .replace(
                                                            "BOUNDARY="
                                                                    + m.boundary()
                                                                            .toUpperCase(java.util.Locale.ROOT),
                                                            "boundary=" + m.boundary()),
                                            BodyPublishers.ofByteArray(m.bytes()));
                                },
                                400,
                                "invalid-request",
                                null),
                        new Bad(
                                "no body and no content type",
                                () -> h.postEmpty("/v1/credentials"),
                                400,
                                "invalid-request",
                                null),
                        new Bad(
                                "file one byte over the limit",
                                () -> h.upload(form("uni-a", "alice").file("file", "d.pdf", new byte[LIMIT + 1])),
                                413,
                                "payload-too-large",
                                null),
                        new Bad(
                                "body far over the limit",
                                () -> h.upload(form("uni-a", "alice").file("file", "d.pdf", new byte[300 * 1024])),
                                413,
                                "payload-too-large",
                                null))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badUploads")
    void badUploadIsRefusedAndWritesNothing(Bad bad) {
        Map<String, Long> before = h.writeTableCounts();

        HttpResponse<String> r = bad.send().get();

        assertThat(r.statusCode()).as(r.body()).isEqualTo(bad.status());
        assertThat(ApiHarness.contentType(r)).startsWith(HttpApi.PROBLEM_JSON);
        JsonNode p = ApiHarness.json(r);
        assertThat(p.path("type").asText()).isEqualTo(ApiProblem.TYPE_BASE + bad.type());
        assertThat(p.path("title").asText()).isNotBlank();
        assertThat(p.path("status").asInt()).isEqualTo(bad.status());
        assertThat(p.path("detail").asText()).isNotBlank();
        assertThat(p.path("instance").asText()).isEqualTo("/v1/credentials");
        if (bad.field() != null) {
            assertThat(p.path("field").asText()).isEqualTo(bad.field());
        }
        if (bad.status() == 413) {
            assertThat(p.path("limit_bytes").asLong()).isEqualTo(LIMIT);
        }
        assertThat(h.writeTableCounts()).isEqualTo(before);
    }

    @Test
    void uploadExactlyAtTheLimitsIsAcceptedAndWritesOneOfEach() {
        Map<String, Long> before = h.writeTableCounts();
        String longId = "i".repeat(128);

        HttpResponse<String> r =
                h.upload(form(longId, "r:1@x.y_z-2").field("serial", "S-128").file("file", "big.bin", new byte[LIMIT]));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        Map<String, Long> after = h.writeTableCounts();
        assertThat(after.get("credentials")).isEqualTo(before.get("credentials") + 1);
        assertThat(after.get("chain_operations")).isEqualTo(before.get("chain_operations") + 1);
        assertThat(after.get("credential_events")).isEqualTo(before.get("credential_events") + 1);
        assertThat(after.get("chain_operation_attempts")).isEqualTo(before.get("chain_operation_attempts"));
        JsonNode body = ApiHarness.json(r);
        assertThat(body.path("issuer_id").asText()).isEqualTo(longId);
        assertThat(body.path("file_size").asLong()).isEqualTo(LIMIT);
    }

    @Test
    void theSameCredentialTwiceIsAConflictAndWritesNothingMore() {
        // The manual clock stands still, so the second upload has the same issued-at and thus the same hash.
        byte[] file = "same document".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> first =
                h.upload(form("uni-dup", "carol").field("serial", "D-1").file("file", "a.pdf", file));
        assertThat(first.statusCode()).isEqualTo(202);
        Map<String, Long> before = h.writeTableCounts();

        HttpResponse<String> second =
                h.upload(form("uni-dup", "carol").field("serial", "D-1").file("file", "b.pdf", file));

        assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
        assertThat(ApiHarness.contentType(second)).startsWith(HttpApi.PROBLEM_JSON);
        JsonNode p = ApiHarness.json(second);
        assertThat(p.path("type").asText()).isEqualTo(ApiProblem.TYPE_BASE + "conflict");
        assertThat(p.path("detail").asText())
                .contains(ApiHarness.json(first).path("hash").asText());
        assertThat(h.writeTableCounts()).isEqualTo(before);
    }
}
