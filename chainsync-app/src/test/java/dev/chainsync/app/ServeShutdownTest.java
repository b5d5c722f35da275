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
import java.util.ArrayList;
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
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "-Dlogback.configurationFile=logback-test.xml",
                    Main.class.getName(), "serve", "--port", "0"));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
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
                await().atMost(Duration.ofSeconds(60)).until(() -> listening.matcher(read(log)).find());
                Matcher m = listening.matcher(read(log));
                assertThat(m.find()).isTrue();
                String base = "http://localhost:" + m.group(1);

                HttpClient http = HttpClient.newHttpClient();
                String boundary = "b0undary";
                String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"issuer_id\"\r\n\r\nuni\r\n"
                        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"recipient_id\"\r\n\r\nstudent\r\n"
                        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.txt\"\r\n\r\n"
                        + "diploma\r\n--" + boundary + "--\r\n";
                HttpResponse<String> issued = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/credentials"))
                        .header("Authorization", "Bearer " + ADMIN)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(issued.statusCode()).as(issued.body()).isEqualTo(202);
                String hash = issued.body().replaceAll(".*\"hash\":\"([0-9a-f]{64})\".*", "$1");
                await().atMost(Duration.ofSeconds(30)).until(() -> http.send(HttpRequest.newBuilder(
                        URI.create(base + "/v1/credentials/" + hash)).header("Authorization", "Bearer " + ADMIN).build(),
                        HttpResponse.BodyHandlers.ofString()).body().contains("\"status\":\"confirmed\""));

                p.destroy(); // SIGTERM
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stops within a minute").isTrue();
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
                    var rs = c.createStatement().executeQuery("SELECT count(*) FROM chain_operations WHERE lease_owner IS NOT NULL")) {
                rs.next();
                assertThat(rs.getLong(1)).as("no claim left behind").isZero();
            }
        }
    }

    private static String read(Path p) throws java.io.IOException {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }
}
