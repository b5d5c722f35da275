package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chainsync.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chainsync serve} as an operator runs it: a separate JVM, real work, then SIGTERM. */
class ServeShutdownTest {
    private static final String ADMIN = "shutdown-test-admin-key";

    @TempDir
    Path dir;

    @Test
    void sigtermStopsEverythingInOrderAndLeavesNoClaimBehind() throws Exception {
        try (TestDatabases.Scratch db = TestDatabases.create("serve")) {
            Path log = dir.resolve("serve.log");
            List<String> command = ServeProcess.command("serve", "--port", "0");
            ProcessBuilder pb =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("DATABASE_URL", db.jdbcUrl());
            pb.environment().put("CHAINSYNC_DATA_DIR", dir.resolve("data").toString());
            pb.environment().put("CHAINSYNC_ADMIN_API_KEY", ADMIN);
            pb.environment().put("CHAINSYNC_DEVNET_SLOT_MS", "20");
            pb.environment().put("CHAINSYNC_RELAY_POLL_MS", "20");
            pb.environment().put("CHAINSYNC_CONFIRM_POLL_MS", "20");
            pb.environment().put("CHAINSYNC_RELAY_INSTANCE_ID", "relay-under-test");
            pb.environment().remove("REDIS_URL");
            Process p = pb.start();
            try {
                Pattern listening = Pattern.compile("listening on http://localhost:(\\d+)");
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> listening.matcher(read(log)).find());
                Matcher m = listening.matcher(read(log));
                assertThat(m.find()).isTrue();
                String base = "http://localhost:" + m.group(1);

                HttpClient http = HttpClient.newHttpClient();
                String boundary = ServeProcess.BOUNDARY;
                String form = ServeProcess.credentialForm("diploma");
                HttpResponse<String> issued = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/v1/credentials"))
                                .header("Authorization", "Bearer " + ADMIN)
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .POST(HttpRequest.BodyPublishers.ofString(form))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(issued.statusCode()).as(issued.body()).isEqualTo(202);
                String hash = issued.body().replaceAll(".*\"hash\":\"([0-9a-f]{64})\".*", "$1");
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> http.send(
                                        HttpRequest.newBuilder(URI.create(base + "/v1/credentials/" + hash))
                                                .header("Authorization", "Bearer " + ADMIN)
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body()
                                .contains("\"status\":\"confirmed\""));

                p.destroy(); // SIGTERM
                assertThat(p.waitFor(60, TimeUnit.SECONDS))
                        .as("stops within a minute")
                        .isTrue();
            } finally {
                p.destroyForcibly();
            }
            String out = read(log);
            int shuttingDown = out.indexOf("shutting down");
            int relayStopped = out.indexOf("relay relay-under-test stopped; released");
            int complete = out.indexOf("shutdown complete");
            assertThat(shuttingDown).as(out).isPositive();
            assertThat(relayStopped).as("the relay stops after shutdown begins").isGreaterThan(shuttingDown);
            assertThat(complete).as("and everything closes after the relay").isGreaterThan(relayStopped);
            assertThat(out).doesNotContain(ADMIN);
            try (var c = java.sql.DriverManager.getConnection(db.jdbcUrl(), "postgres", null);
                    var rs = c.createStatement()
                            .executeQuery("SELECT count(*) FROM chain_operations WHERE lease_owner IS NOT NULL")) {
                rs.next();
                assertThat(rs.getLong(1)).as("no claim left behind").isZero();
            }
        }
    }

    private Process serve(Path log, java.util.Map<String, String> env, String... args) throws java.io.IOException {
        List<String> command = ServeProcess.command("serve");
        command.addAll(List.of(args));
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("DATABASE_URL");
        pb.environment().remove("REDIS_URL");
        pb.environment().put("CHAINSYNC_DATA_DIR", dir.resolve("data").toString());
        pb.environment().put("CHAINSYNC_ADMIN_API_KEY", ADMIN);
        pb.environment().putAll(env);
        return pb.start();
    }

    /**
     * On the embedded database, SIGTERM while an upload is still arriving: the request completes and
     * commits before the database stops (the embedded server's own JVM hook used to stop it at once).
     */
    @Test
    void sigtermOnTheEmbeddedDatabaseLetsAnUploadInFlightCommit() throws Exception {
        Path log = dir.resolve("embedded.log");
        Process p = serve(log, java.util.Map.of(), "--port", "0");
        try {
            Pattern listening = Pattern.compile("listening on http://localhost:(\\d+)");
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> listening.matcher(read(log)).find());
            Matcher m = listening.matcher(read(log));
            assertThat(m.find()).isTrue();
            int port = Integer.parseInt(m.group(1));
            String boundary = "b0undary";
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"issuer_id\"\r\n\r\nuni\r\n"
                            + "--" + boundary
                            + "\r\nContent-Disposition: form-data; name=\"recipient_id\"\r\n\r\nslow\r\n"
                            + "--" + boundary
                            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.bin\"\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
            int fileBytes = 64_000;
            try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
                socket.setSoTimeout(60_000);
                var out = socket.getOutputStream();
                out.write(("POST /v1/credentials HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + ADMIN
                                + "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: "
                                + (head.length + fileBytes + tail.length) + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(head);
                out.write(new byte[fileBytes / 2]);
                out.flush();
                // The upload is being handled (half its body sent) when the service is asked to stop: the
                // scrape that shows it counts itself too.
                HttpClient http = HttpClient.newHttpClient();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> http.send(
                                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                                                .header("Authorization", "Bearer " + ADMIN)
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body()
                                .contains("chainsync_http_requests_active 2.0"));
                p.destroy(); // SIGTERM
                await().atMost(Duration.ofSeconds(10)).until(() -> read(log).contains("shutting down"));
                out.write(new byte[fileBytes / 2]);
                out.write(tail);
                out.flush();
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).as(read(log)).startsWith("HTTP/1.1 202");
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS))
                    .as("stops within a minute")
                    .isTrue();
            assertThat(p.exitValue()).as(read(log)).isZero();
        } finally {
            p.destroyForcibly();
        }
        String out = read(log);
        assertThat(out)
                .contains("shutdown complete")
                .doesNotContain("administrator command")
                .doesNotContain("could not release");
    }

    @Test
    void aPortInUseIsNamedAndNothingIsLeftRunning() throws Exception {
        try (TestDatabases.Scratch db = TestDatabases.create("serve_port");
                java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            Path log = dir.resolve("port.log");
            Process p = serve(
                    log,
                    java.util.Map.of("DATABASE_URL", db.jdbcUrl()),
                    "--port",
                    String.valueOf(taken.getLocalPort()));
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(1);
            assertThat(read(log)).contains("cannot listen on HTTP port " + taken.getLocalPort());
        }
    }

    private static String read(Path p) throws java.io.IOException {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }
}
