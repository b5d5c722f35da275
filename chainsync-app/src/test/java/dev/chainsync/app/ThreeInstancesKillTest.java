package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.chain.solana.RuntimeServer;
import dev.chainsync.credential.CredentialHash;
import dev.chainsync.ingest.BlockCoverage;
import dev.chainsync.testing.TestDatabases;
import dev.chainsync.testkit.EmbeddedRedis;
import dev.chainsync.testkit.IntuitionWorkload;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.InetSocketAddress;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code chainsync serve} processes on one database, each running a relay (sending to one
 * Solana runtime server), an ingest consumer in one Redis consumer group and a webhook dispatcher;
 * one is killed with SIGKILL while all three kinds of work are under way. Nothing is lost and
 * nothing is done twice: every credential ends confirmed with its memo on chain exactly once, every
 * ingested event is in its table once, every webhook message is received at least once and recorded
 * delivered exactly once, and the stream entries the killed consumer held are taken over
 * (XAUTOCLAIM) by the survivors.
 */
class ThreeInstancesKillTest {
    static final String ADMIN = "three-instances-admin-key";
    static final int CREDENTIALS = 50;
    static final int TRANSFERS = 300;
    static final String READY = "/health/ready";
    /** Each webhook delivery takes this long, so the dispatchers hold claims when the kill comes. */
    static final Duration RECEIVER_DELAY = Duration.ofMillis(500);
    /** At most this many entries per stream the killed consumer is left holding, read in its name with their XADD. */
    static final int HELD_BY_THE_KILLED = 40;

    @TempDir
    Path dir;

    final String prefix = "cs_three_" + UUID.randomUUID().toString().substring(0, 8);
    final IntuitionWorkload workload = IntuitionWorkload.create("intuition", prefix, 12, true, 7);
    final Set<String> received = ConcurrentHashMap.newKeySet();
    final AtomicInteger requests = new AtomicInteger();

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
        HttpServer receiver = receiver();
        try (RuntimeServer chain = RuntimeServer.start(runtimeDir, 1, 100);
                TestDatabases.Scratch db = TestDatabases.create("three");
                Redis redis = connectRedis();
                // Closed first: a surviving instance would re-create the streams Redis deletes on close.
                AutoCloseable stop = () -> stopAll(instances)) {
            chain.airdrop(issuer.address(), 100_000_000_000L);
            Map<String, String> env = new HashMap<>(Map.of(
                    "DATABASE_URL", db.jdbcUrl(),
                    "CHAINSYNC_CHAIN", "solana",
                    "CHAINSYNC_SOLANA_RPC_URLS", chain.url(0).toString(),
                    "CHAINSYNC_ISSUER_KEYPAIR", keypair.toString(),
                    "CHAINSYNC_WEBHOOK_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(webhookKey),
                    "REDIS_URL", redis.url()));
            List<String> bases = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int port = freePort();
                bases.add("http://localhost:" + port);
                instances.add(serve(i, port, env));
            }
            HttpClient http = HttpClient.newHttpClient();
            List<String> hashes = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 3; i++) {
                String base = bases.get(i);
                Process instance = instances.get(i);
                Path log = dir.resolve("serve-" + i + ".log");
                // Three JVMs starting at once on a busy machine: generous, and a dead one fails at once with its log.
                await("instance " + i + " ready")
                        .atMost(Duration.ofSeconds(240))
                        .ignoreExceptionsInstanceOf(IOException.class)
                        .until(() -> {
                            assertThat(instance.isAlive())
                                    .as(() -> "instance exited: " + readQuietly(log))
                                    .isTrue();
                            return http.send(
                                                    HttpRequest.newBuilder(URI.create(base + READY))
                                                            .build(),
                                                    HttpResponse.BodyHandlers.discarding())
                                            .statusCode()
                                    == 200;
                        });
            }

            // Work of all three kinds, still flowing when the kill comes: stream entries, and a stream
            // of transfers (each a webhook message; a slow receiver keeps each delivery claimed for a
            // while) with a credential (a chain operation) issued after every few.
            post(http, bases.get(1), "/v1/webhook-endpoints", """
                    {"url":"http://127.0.0.1:%d/hooks","event_types":["credential.*","transfer.*"]}""".formatted(
                            receiver.getAddress().getPort()));
            long events = redis.push(workload.events(3000, 6));
            try (var background = Executors.newSingleThreadExecutor()) {
                // Through the survivors' APIs only: instance 0's goes away mid-stream.
                Future<?> stream = background.submit(() -> transfersAndCredentials(http, bases.subList(1, 3), hashes));

                // Mid-work: instance 0 has sent transactions, some are still unconfirmed, and it
                // holds webhook claims.
                String dispatcher0 = "webhooks-" + instances.getFirst().pid() + "-%";
                String heldByDispatcher0 =
                        "SELECT count(*) FROM webhook_messages WHERE lease_owner LIKE '" + dispatcher0 + "'";
                await("instance 0 relaying and delivering webhooks")
                        .atMost(Duration.ofSeconds(120))
                        .until(() ->
                                count(db, "SELECT count(*) FROM chain_operation_attempts WHERE relay = 'relay-0'") > 0
                                        && count(
                                                        db,
                                                        "SELECT count(*) FROM chain_operations WHERE status IN ('pending', 'submitted')")
                                                > 0
                                        && count(db, heldByDispatcher0) > 0);
                instances.getFirst().destroyForcibly();
                assertThat(instances.getFirst().waitFor(10, TimeUnit.SECONDS)).isTrue();
                // Its claims stay until their lease runs out: no survivor may take them before.
                assertThat(count(db, heldByDispatcher0))
                        .as("webhook claims the killed instance held")
                        .isPositive();
                stream.get();
            }
            // However far instance 0 had got with its own reads, its consumer now holds entries it
            // will never acknowledge.
            events += redis.pushHeldBy("ingest-0", workload.events(HELD_BY_THE_KILLED * 3, 6), HELD_BY_THE_KILLED);
            assertThat(redis.pendingOf("ingest-0"))
                    .as("entries the killed consumer holds")
                    .isPositive();

            awaitEverythingDone(db, redis, events);
            assertNothingLostNothingTwice(db, redis, chain, hashes, events);
        } finally {
            stopAll(instances);
            receiver.stop(0);
        }
    }

    private static void stopAll(List<Process> instances) throws InterruptedException {
        for (Process p : instances) {
            p.destroyForcibly();
        }
        for (Process p : instances) {
            p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private void awaitEverythingDone(TestDatabases.Scratch db, Redis redis, long events) {
        // The killed dispatcher's claims come back after its lease (2 x timeout + 30 s).
        await().atMost(Duration.ofSeconds(240))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> count(db, "SELECT count(*) FROM credentials WHERE status IN ('confirmed', 'finalized')")
                                == CREDENTIALS
                        && events(db) == events
                        && redis.pendingOfGroup() == 0
                        && count(db, "SELECT count(*) FROM webhook_messages WHERE status <> 'delivered'") == 0
                        && count(db, "SELECT count(*) FROM webhook_messages") >= 1 + TRANSFERS + CREDENTIALS);
    }

    private void assertNothingLostNothingTwice(
            TestDatabases.Scratch db, Redis redis, RuntimeServer chain, List<String> hashes, long events)
            throws Exception {
        for (String hash : hashes) {
            assertThat(chain.memoCount(CredentialHash.memo(hash)))
                    .as("memo of %s on chain", hash)
                    .isEqualTo(1);
        }
        assertThat(count(db, "SELECT count(*) FROM chain_operations WHERE status = 'dead_lettered'"))
                .isZero();

        assertThat(events(db)).as("every event in its table once").isEqualTo(events);
        assertThat(count(db, "SELECT count(*) FROM ingest_dead_letters")).isZero();
        assertThat(redis.pendingOf("ingest-0"))
                .as("the killed consumer's entries were taken over")
                .isZero();

        List<String> msgIds = db.database().jdbc().query("SELECT msg_id FROM webhook_messages", r -> r.getString(1));
        assertThat(received).as("every webhook message received at least once").containsAll(msgIds);
        assertThat(count(db, """
                        SELECT count(*) FROM webhook_messages m
                         WHERE (SELECT count(*) FROM webhook_attempts a WHERE a.message_id = m.id AND a.succeeded) <> 1"""))
                .as("messages not recorded delivered exactly once")
                .isZero();
        assertThat(count(db, "SELECT count(*) FROM webhook_messages WHERE lease_owner IS NOT NULL"))
                .isZero();
    }

    /**
     * Accounts, a mint, then {@link #TRANSFERS} transfers one after another, alternating between
     * {@code bases}, with one of the {@link #CREDENTIALS} credentials issued after every few.
     */
    private static Void transfersAndCredentials(HttpClient http, List<String> bases, List<String> hashes)
            throws Exception {
        String alice = id(post(http, bases.get(0), "/v1/accounts", "{\"name\":\"alice\"}"));
        String bob = id(post(http, bases.get(1), "/v1/accounts", "{\"name\":\"bob\"}"));
        post(http, bases.get(0), "/v1/admin/mints", """
                {"account":"%s","amount":"1000.00","currency":"USD"}""".formatted(alice));
        for (int i = 0; i < TRANSFERS; i++) {
            String base = bases.get(i % bases.size());
            post(http, base, "/v1/transfers", """
                    {"from":"%s","to":"%s","amount":"1.25","currency":"USD"}""".formatted(alice, bob));
            if (i % (TRANSFERS / CREDENTIALS) == 0 && hashes.size() < CREDENTIALS) {
                hashes.add(issue(http, base, "diploma " + i));
            }
        }
        return null;
    }

    /** A webhook receiver answering 204 after {@link #RECEIVER_DELAY}, keeping every webhook-id. */
    private HttpServer receiver() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hooks", exchange -> {
            exchange.getRequestBody().readAllBytes();
            requests.incrementAndGet();
            try {
                Thread.sleep(RECEIVER_DELAY);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            received.add(exchange.getRequestHeaders().getFirst("webhook-id"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private Process serve(int i, int port, Map<String, String> env) throws IOException {
        Path log = dir.resolve("serve-" + i + ".log");
        ProcessBuilder pb = new ProcessBuilder(ServeProcess.command("serve", "--port", String.valueOf(port)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("CHAINSYNC_DATA_DIR", dir.resolve("data-" + i).toString());
        pb.environment().put("CHAINSYNC_ADMIN_API_KEY", ADMIN);
        pb.environment().put("CHAINSYNC_RELAY_INSTANCE_ID", "relay-" + i);
        pb.environment().put("CHAINSYNC_RELAY_POLL_MS", "50");
        pb.environment().put("CHAINSYNC_CONFIRM_POLL_MS", "100");
        // A killed relay's claims come back after the lease: short, so the test need not wait long.
        pb.environment().put("CHAINSYNC_RELAY_LEASE_MS", "3000");
        pb.environment().put("CHAINSYNC_RECONCILE_ENABLED", "false");
        pb.environment().put("CHAINSYNC_DB_POOL_SIZE", "6");
        pb.environment().put("JAVA_TOOL_OPTIONS", "-Xmx256m");
        // Ingest: one consumer per instance in one group; entries idle 2 s elsewhere are taken over.
        pb.environment().put("REDIS_STREAMS", String.join(",", workload.streams()));
        pb.environment().put("CONSUMER_GROUP", prefix + "_group");
        pb.environment().put("CONSUMER_NAME", "ingest-" + i);
        pb.environment().put("WORKERS", "1");
        pb.environment().put("BATCH_SIZE", "50");
        pb.environment().put("BATCH_TIMEOUT_MS", "100");
        pb.environment().put("PROCESSING_TIMEOUT_MS", "2000");
        pb.environment().put("CHAINSYNC_INGEST_DEAD_LETTER_STREAM", prefix + "_dead");
        // Webhooks: the receiver is on 127.0.0.1; a short timeout keeps the killed dispatcher's lease short.
        pb.environment().put("CHAINSYNC_WEBHOOK_ALLOW_PRIVATE_TARGETS", "true");
        pb.environment().put("CHAINSYNC_WEBHOOK_TIMEOUT_MS", "2000");
        pb.environment().putAll(env);
        return pb.start();
    }

    /** The local Redis, or an embedded one where none runs. */
    private Redis connectRedis() {
        RedisClient probe = RedisClient.create(Redis.LOCAL);
        try (var c = probe.connect()) {
            c.sync().ping();
            return new Redis(null, Redis.LOCAL);
        } catch (RuntimeException e) {
            EmbeddedRedis embedded = EmbeddedRedis.start();
            return new Redis(embedded, embedded.url());
        } finally {
            probe.shutdown();
        }
    }

    /** The Redis the instances consume from and the test's commands on it. */
    private final class Redis implements AutoCloseable {
        static final String LOCAL = "redis://127.0.0.1:6379";
        final String url;
        final EmbeddedRedis embedded;
        final RedisClient client;
        final StatefulRedisConnection<String, String> connection;
        final RedisCommands<String, String> commands;

        private Redis(EmbeddedRedis embedded, String url) {
            this.embedded = embedded;
            this.url = url;
            this.client = RedisClient.create(url);
            this.connection = client.connect();
            this.commands = connection.sync();
        }

        String url() {
            return url;
        }

        long push(List<IntuitionWorkload.Entry> entries) {
            for (IntuitionWorkload.Entry e : entries) {
                commands.xadd(e.stream(), Map.of("payload", e.payload()));
            }
            return entries.stream().mapToInt(IntuitionWorkload.Entry::events).sum();
        }

        /**
         * Adds {@code entries} and, in the same MULTI/EXEC (so no live consumer can read them first),
         * reads up to {@code held} of them from their streams in {@code consumer}'s name without
         * acknowledging them: what a consumer killed mid-batch leaves behind. Returns the events added.
         */
        long pushHeldBy(String consumer, List<IntuitionWorkload.Entry> entries, int held) {
            commands.multi();
            long events = push(entries);
            for (String stream : workload.streams()) {
                commands.xreadgroup(
                        Consumer.from(prefix + "_group", consumer),
                        XReadArgs.Builder.count(held),
                        XReadArgs.StreamOffset.lastConsumed(stream));
            }
            commands.exec();
            return events;
        }

        long pendingOf(String consumer) {
            long n = 0;
            for (String stream : workload.streams()) {
                n += commands.xpending(stream, prefix + "_group")
                        .getConsumerMessageCount()
                        .getOrDefault(consumer, 0L);
            }
            return n;
        }

        long pendingOfGroup() {
            long n = 0;
            for (String stream : workload.streams()) {
                n += commands.xpending(stream, prefix + "_group").getCount();
            }
            return n;
        }

        @Override
        public void close() {
            try {
                List<String> keys = new ArrayList<>(workload.streams());
                keys.add(prefix + "_dead");
                commands.del(keys.toArray(String[]::new));
                connection.close();
                client.shutdown();
            } finally {
                if (embedded != null) {
                    embedded.close();
                }
            }
        }
    }

    private static String post(HttpClient http, String base, String path, String json) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Authorization", "Bearer " + ADMIN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isBetween(200, 202);
        return r.body();
    }

    private static String id(String json) {
        return json.replaceAll("(?s).*?\"id\":\"?([^\",}]+)\"?.*", "$1");
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

    private static long events(TestDatabases.Scratch db) {
        long n = 0;
        for (String table : BlockCoverage.EVENT_TABLES) {
            n += count(db, "SELECT count(*) FROM " + table);
        }
        return n;
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

    static String readQuietly(Path log) {
        try {
            return read(log);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }
}
