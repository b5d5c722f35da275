package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.chain.solana.RuntimeServer;
import dev.chainsync.credential.CredentialHash;
import dev.chainsync.testing.TestDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code chainsync serve} processes on one database, sending to one Solana runtime server;
 * one is killed with SIGKILL while it works. Every credential ends confirmed, and each memo landed
 * on the chain exactly once: nothing lost, nothing twice, the survivors took over.
 */
class ThreeInstancesKillTest {
    static final String ADMIN = "three-instances-admin-key";
    static final int CREDENTIALS = 45;
    static final String READY = "/health/ready";

    @TempDir
    Path dir;

    @Test
    void aKilledInstancesWorkIsTakenOverWithoutLossOrDuplicates() throws Exception {
        Path runtimeDir = RuntimeServer.findDirectory();
        String unavailable = RuntimeServer.unavailableReason(runtimeDir);
        Assumptions.assumeTrue(unavailable == null, () -> "three-instance test skipped: " + unavailable);
        byte[] webhookKey = new byte[32];
        new SecureRandom().nextBytes(webhookKey);
        Path keypair = dir.resolve("issuer-keypair.json");
        Ed25519Keypair issuer = Ed25519Keypair.loadOrGenerate(keypair);
        List<Process> instances = new ArrayList<>();
        try (RuntimeServer chain = RuntimeServer.start(runtimeDir, 1, 100);
                TestDatabases.Scratch db = TestDatabases.create("three")) {
            chain.airdrop(issuer.address(), 100_000_000_000L);
            List<String> bases = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int port = freePort();
                bases.add("http://localhost:" + port);
                instances.add(serve(
                        i,
                        port,
                        Map.of(
                                "DATABASE_URL", db.jdbcUrl(),
                                "CHAINSYNC_CHAIN", "solana",
                                "CHAINSYNC_SOLANA_RPC_URLS", chain.url(0).toString(),
                                "CHAINSYNC_ISSUER_KEYPAIR", keypair.toString(),
                                "CHAINSYNC_WEBHOOK_ENCRYPTION_KEY",
                                        Base64.getEncoder().encodeToString(webhookKey))));
            }
            HttpClient http = HttpClient.newHttpClient();
            for (String base : bases) {
                await().atMost(Duration.ofSeconds(120))
                        .ignoreExceptions()
                        .until(() -> http.send(
                                                HttpRequest.newBuilder(URI.create(base + READY))
                                                        .build(),
                                                HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200);
            }

            List<String> hashes = new ArrayList<>();
            for (int n = 0; n < CREDENTIALS; n++) {
                hashes.add(issue(http, bases.get(n % 3), "diploma " + n));
            }
            // Mid-work: instance 0 has recorded attempts (so it holds claims or has transactions in flight).
            await().atMost(Duration.ofSeconds(60))
                    .until(() ->
                            count(db, "SELECT count(*) FROM chain_operation_attempts WHERE relay = 'relay-0'") > 0);
            instances.getFirst().destroyForcibly();
            assertThat(instances.getFirst().waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(count(db, "SELECT count(*) FROM chain_operations WHERE status IN ('pending', 'submitted')"))
                    .as("work left for the survivors")
                    .isPositive();

            await().atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() ->
                            count(db, "SELECT count(*) FROM credentials WHERE status IN ('confirmed', 'finalized')")
                                    == CREDENTIALS);
            for (String hash : hashes) {
                assertThat(chain.memoCount(CredentialHash.memo(hash)))
                        .as("memo of %s on chain", hash)
                        .isEqualTo(1);
            }
            assertThat(count(db, "SELECT count(*) FROM chain_operations WHERE status = 'dead_lettered'"))
                    .isZero();
        } finally {
            for (Process p : instances) {
                p.destroyForcibly();
            }
        }
    }

    private Process serve(int i, int port, Map<String, String> env) throws IOException {
        Path log = dir.resolve("serve-" + i + ".log");
        ProcessBuilder pb = new ProcessBuilder(ServeProcess.command("serve", "--port", String.valueOf(port)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("REDIS_URL");
        pb.environment().put("CHAINSYNC_DATA_DIR", dir.resolve("data-" + i).toString());
        pb.environment().put("CHAINSYNC_ADMIN_API_KEY", ADMIN);
        pb.environment().put("CHAINSYNC_RELAY_INSTANCE_ID", "relay-" + i);
        pb.environment().put("CHAINSYNC_RELAY_POLL_MS", "50");
        pb.environment().put("CHAINSYNC_CONFIRM_POLL_MS", "100");
        // A killed relay's claims come back after the lease: short, so the test need not wait long.
        pb.environment().put("CHAINSYNC_RELAY_LEASE_MS", "3000");
        pb.environment().put("CHAINSYNC_RECONCILE_ENABLED", "false");
        pb.environment().put("CHAINSYNC_DB_POOL_SIZE", "4");
        pb.environment().put("JAVA_TOOL_OPTIONS", "-Xmx256m");
        pb.environment().putAll(env);
        return pb.start();
    }

    private static String issue(HttpClient http, String base, String content) throws Exception {
        String boundary = ServeProcess.BOUNDARY;
        String form = ServeProcess.credentialForm(content);
        HttpResponse<String> issued = http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/credentials"))
                        .header("Authorization", "Bearer " + ADMIN)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(202);
        return issued.body().replaceAll(".*\"hash\":\"([0-9a-f]{64})\".*", "$1");
    }

    private static long count(TestDatabases.Scratch db, String sql) {
        return db.database().jdbc().query(sql, rs -> rs.getLong(1)).getFirst();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
