package dev.chainsync.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.app.Application;
import dev.chainsync.app.ChainsyncConfig;
import dev.chainsync.json.Json;
import dev.chainsync.outbox.ManualRelay;
import dev.chainsync.testing.TestDatabases;
import dev.chainsync.time.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A running {@link Application} on a scratch PostgreSQL database, a {@link ManualClock} and an
 * in-memory devnet, with background relay and reconciliation switched off so tests drive every
 * pass themselves; plus a small HTTP client for its API.
 */
public final class ApiHarness implements AutoCloseable {
    static final Instant START = Instant.parse("2026-03-01T09:00:00Z");
    static final OpenApiContract CONTRACT = OpenApiContract.fromClasspath();
    /** The bootstrap admin key every harness configures; {@link #send} uses it unless a request carries its own. */
    static final String ADMIN_KEY = "test-admin-key-0123456789";

    final TestDatabases.Scratch db;
    final ManualClock clock;
    final Application app;
    final URI base;
    private final HttpClient http;

    private ApiHarness(TestDatabases.Scratch db, ManualClock clock, Application app) {
        this.db = db;
        this.clock = clock;
        this.app = app;
        this.base = URI.create("http://localhost:" + app.httpPort());
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The configuration every harness starts from; {@code extra} entries override. */
    public static Map<String, String> env(TestDatabases.Scratch db, Path dataDir, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        String url = db.jdbcUrl();
        env.put("DATABASE_URL", url.contains("user=") ? url : url + (url.contains("?") ? "&" : "?") + "user=postgres");
        env.put("HTTP_PORT", "0");
        env.put("CHAINSYNC_DATA_DIR", dataDir.toString());
        env.put("CHAINSYNC_DEVNET_PERSISTENT", "false");
        env.put("CHAINSYNC_RELAY_ENABLED", "false");
        env.put("CHAINSYNC_RECONCILE_ENABLED", "false");
        env.put("CHAINSYNC_SHUTDOWN_GRACE_MS", "0");
        env.put("CHAINSYNC_DB_POOL_SIZE", "4");
        env.put("CHAINSYNC_ADMIN_API_KEY", ADMIN_KEY);
        env.putAll(extra);
        return env;
    }

    /**
     * Ingest settings reading {@code streams} (comma-separated) from {@code redisUrl} with one worker
     * and short batches; the group and the dead-letter stream are named after {@code prefix}.
     */
    static Map<String, String> ingestEnv(String redisUrl, String streams, String prefix) {
        return Map.of(
                "REDIS_URL",
                redisUrl,
                "REDIS_STREAMS",
                streams,
                "CONSUMER_GROUP",
                prefix + "_group",
                "CONSUMER_NAME",
                "api-test",
                "WORKERS",
                "1",
                "BATCH_TIMEOUT_MS",
                "100",
                "CHAINSYNC_INGEST_DEAD_LETTER_STREAM",
                prefix + "_dead");
    }

    static ApiHarness start(String name, Path dataDir) {
        return start(name, dataDir, Map.of());
    }

    static ApiHarness start(String name, Path dataDir, Map<String, String> extra) {
        TestDatabases.Scratch db = TestDatabases.create(name);
        try {
            ChainsyncConfig config = ChainsyncConfig.fromEnvironment(env(db, dataDir, extra));
            ManualClock clock = new ManualClock(START);
            Application app = new Application(config, clock, new SplittableRandom(7)).start();
            return new ApiHarness(db, clock, app);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * A harness whose service reaches the test PostgreSQL at 127.0.0.1:5432 through {@code
     * proxyPort} (a {@link TcpProxy} the test can cut); skipped when the tests use another server.
     */
    static ApiHarness startThrough(String name, Path dataDir, int proxyPort) {
        TestDatabases.Scratch db = TestDatabases.create(name);
        try {
            String direct = "127.0.0.1:5432/";
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    db.jdbcUrl().contains(direct),
                    () -> "database outage test skipped: PostgreSQL is not at " + direct);
            Map<String, String> env = env(db, dataDir, Map.of());
            env.put("DATABASE_URL", env.get("DATABASE_URL").replace(direct, "127.0.0.1:" + proxyPort + "/"));
            ManualClock clock = new ManualClock(START);
            Application app =
                    new Application(ChainsyncConfig.fromEnvironment(env), clock, new SplittableRandom(7)).start();
            return new ApiHarness(db, clock, app);
        } catch (RuntimeException | Error e) {
            db.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            app.close();
        } finally {
            db.close();
        }
    }

    // ------------------------------------------------------------------ chain progress

    /** One submit pass, then the clock moves past the landing slot and the confirmation poll, then one confirm pass. */
    void submitAndConfirm() {
        ManualRelay.submitPass(app.relay());
        clock.advance(Duration.ofSeconds(2));
        ManualRelay.confirmPass(app.relay());
    }

    // ------------------------------------------------------------------ HTTP

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
    }

    HttpResponse<String> post(String path, String contentType, BodyPublisher body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).POST(body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.build());
    }

    HttpResponse<String> postEmpty(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .POST(BodyPublishers.noBody())
                .build());
    }

    HttpResponse<String> putJson(String path, String json) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .PUT(BodyPublishers.ofString(json))
                .build());
    }

    HttpResponse<String> upload(Multipart form) {
        return post("/v1/credentials", form.contentType(), BodyPublishers.ofByteArray(form.bytes()));
    }

    /** Issues a credential that must be accepted, returning its JSON. */
    JsonNode issue(String issuer, String recipient, String serial, byte[] file) {
        Multipart form = new Multipart().field("issuer_id", issuer).field("recipient_id", recipient);
        if (serial != null) {
            form.field("serial", serial);
        }
        HttpResponse<String> r = upload(form.file("file", "diploma.pdf", file));
        if (r.statusCode() != 202) {
            throw new AssertionError("issue failed: " + r.statusCode() + " " + r.body());
        }
        return json(r);
    }

    /**
     * Sends a request; every answer to a documented path must conform to the OpenAPI document
     * (status, media type and body schema), so each test also checks the contract.
     */
    HttpResponse<String> send(HttpRequest request) {
        if (request.headers().firstValue("Authorization").isEmpty()
                && request.uri().getPath().startsWith("/v1")) {
            request = HttpRequest.newBuilder(request, (name, value) -> true)
                    .header("Authorization", "Bearer " + ADMIN_KEY)
                    .build();
        }
        HttpResponse<String> response = sendUnchecked(request);
        List<String> violations =
                CONTRACT.violations(request.method(), request.uri().getPath(), response);
        if (!violations.isEmpty()) {
            throw new AssertionError("response does not match openapi.json:\n  " + String.join("\n  ", violations));
        }
        return response;
    }

    HttpResponse<String> sendUnchecked(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
        }
    }

    static String contentType(HttpResponse<?> r) {
        return r.headers().firstValue("Content-Type").orElse("");
    }

    // ------------------------------------------------------------------ database

    long count(String table) {
        return queryLong("SELECT count(*) FROM " + table);
    }

    long queryLong(String sql) {
        try (Connection c = db.database().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    int update(String sql) {
        try (Connection c = db.database().dataSource().getConnection();
                Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Row counts of every table an upload could write to. */
    Map<String, Long> writeTableCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String t : List.of("credentials", "credential_events", "chain_operations", "chain_operation_attempts")) {
            counts.put(t, count(t));
        }
        return counts;
    }

    /** Builds a multipart/form-data body by hand, so tests control every byte. */
    static final class Multipart {
        private final String boundary = "----chainsync-test-boundary-7MA4YWxkTrZu0gW";
        private final List<byte[]> parts = new ArrayList<>();

        Multipart field(String name, String value) {
            parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
                            + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Multipart file(String name, String filename, byte[] content) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\""
                            + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.writeBytes(content);
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            parts.add(out.toByteArray());
            return this;
        }

        String boundary() {
            return boundary;
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            parts.forEach(out::writeBytes);
            out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return out.toByteArray();
        }
    }
}
