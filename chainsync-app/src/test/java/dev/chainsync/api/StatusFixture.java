package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.db.Jdbc;
import dev.chainsync.outbox.NewOperation;
import dev.chainsync.reconcile.Discrepancy;
import dev.chainsync.reconcile.Observed;
import dev.chainsync.reconcile.ReconciledType;
import dev.chainsync.reconcile.Severity;
import dev.chainsync.reconcile.SourceOfTruth;
import dev.chainsync.testkit.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A running service in the state an operator page has something to show for: a dead-lettered chain
 * operation, a credential reconciliation run and a royalty run that opened two reviews, webhook
 * endpoints in each health, and ingest reading one (empty) Redis stream. Everything is made through
 * the service's own paths (the devnet's fault switch, the engine, the API), except the webhook
 * failure states, which a disabled dispatcher cannot reach and are set in their table.
 */
final class StatusFixture implements AutoCloseable {
    static final String ROYALTIES = "royalties_status";

    final ApiHarness h;
    final long deadOperation;
    final Map<String, Long> endpoints = new HashMap<>();
    final String stream;
    private final EmbeddedRedis embedded;
    private final String redisUrl;
    private final String prefix;

    /** A financial data type: the chain side is fixed, the database side a test table; both differ. */
    private static final class Royalties implements ReconciledType<Map<String, Observed>, Map<String, Observed>> {
        private final Jdbc jdbc;

        Royalties(Jdbc jdbc) {
            this.jdbc = jdbc;
        }

        @Override
        public String name() {
            return ROYALTIES;
        }

        @Override
        public SourceOfTruth sourceOfTruth() {
            return SourceOfTruth.MANUAL_REVIEW;
        }

        @Override
        public Severity severity() {
            return Severity.MEDIUM;
        }

        @Override
        public Map<String, Observed> readChain(Instant from, Instant to) {
            return Map.of("r1", new Observed("org", "100.25", null), "r2", new Observed("org", "7", null));
        }

        @Override
        public Map<String, Observed> readDatabase(Instant from, Instant to, Map<String, Observed> chain) {
            Map<String, Observed> out = new HashMap<>();
            jdbc.query(
                    "SELECT key, value FROM status_royalties",
                    r -> out.put(r.getString(1), new Observed("org", r.getString(2), null)));
            return out;
        }

        @Override
        public List<Discrepancy> compare(Map<String, Observed> chain, Map<String, Observed> db, Instant now) {
            return Observed.compare(chain, db, now, null);
        }

        @Override
        public String healDatabase(Connection tx, Discrepancy d, long runId, Instant now) throws SQLException {
            Jdbc.update(
                    tx,
                    "UPDATE status_royalties SET value = ? WHERE key = ?",
                    d.chain().value(),
                    d.key());
            return d.chain().value();
        }

        @Override
        public Optional<NewOperation> rewriteChain(Discrepancy d) {
            String memo = "royalty:" + d.key() + "=" + d.database().value();
            return Optional.of(new NewOperation("royalty", d.key(), memo, "reconcile:" + memo));
        }
    }

    private StatusFixture(
            ApiHarness h, EmbeddedRedis embedded, String redisUrl, String prefix, String stream, long deadOperation) {
        this.h = h;
        this.prefix = prefix;
        this.embedded = embedded;
        this.redisUrl = redisUrl;
        this.stream = stream;
        this.deadOperation = deadOperation;
    }

    static StatusFixture start(String name, Path dataDir) {
        EmbeddedRedis embedded = null;
        String url = "redis://127.0.0.1:6379";
        RedisClient probe = RedisClient.create(url);
        try (var c = probe.connect()) {
            c.sync().ping();
        } catch (RuntimeException e) {
            embedded = EmbeddedRedis.start();
            url = embedded.url();
        } finally {
            probe.shutdown();
        }
        String prefix = "cs_status_" + UUID.randomUUID().toString().substring(0, 8);
        String stream = prefix + "_events";
        Map<String, String> env = new HashMap<>(ApiHarness.ingestEnv(url, stream, prefix));
        // Two attempts with a short backoff: a failing operation is dead-lettered in two passes.
        env.put("CHAINSYNC_RELAY_MAX_ATTEMPTS", "2");
        env.put("CHAINSYNC_RETRY_BASE_MS", "10");
        env.put("CHAINSYNC_RETRY_MAX_MS", "100");
        // Nothing is delivered: the endpoints' states are the ones set here.
        env.put("CHAINSYNC_WEBHOOK_DISPATCHER_ENABLED", "false");
        env.put("CHAINSYNC_WEBHOOK_ALLOW_PRIVATE_TARGETS", "true");
        env.put("CHAINSYNC_RATE_LIMIT_PER_MINUTE", "100000");
        ApiHarness h = ApiHarness.start(name, dataDir, env);
        try {
            long dead = deadLetter(h);
            StatusFixture f = new StatusFixture(h, embedded, url, prefix, stream, dead);
            f.reconcile();
            f.webhookEndpoints();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> h.app.services().ingest().running());
            return f;
        } catch (RuntimeException | Error e) {
            h.close();
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    /** Every transaction fails on chain until the switch is cleared: two passes dead-letter the operation. */
    private static long deadLetter(ApiHarness h) {
        assertThat(h.putJson("/v1/devnet/faults", "{\"fail_rate\":1.0}").statusCode())
                .isEqualTo(200);
        JsonNode issued = h.issue("uni-status", "dora", null, "status page".getBytes(StandardCharsets.UTF_8));
        long id = ApiHarness.json(h.get("/v1/credentials/" + issued.path("hash").asText()))
                .path("operation")
                .path("id")
                .asLong();
        h.submitAndConfirm();
        h.clock.advance(Duration.ofSeconds(1));
        h.submitAndConfirm();
        assertThat(ApiHarness.json(h.get("/v1/operations/" + id)).path("status").asText())
                .isEqualTo("dead_lettered");
        assertThat(h.putJson("/v1/devnet/faults", "{\"fail_rate\":0}").statusCode())
                .isEqualTo(200);
        return id;
    }

    /** One credential run through the API, and a royalty run that opens two reviews. */
    private void reconcile() {
        HttpResponse<String> run = h.postEmpty("/v1/reconciliations");
        assertThat(run.statusCode()).as(run.body()).isEqualTo(201);
        Jdbc jdbc = h.app.services().database().jdbc();
        jdbc.update("CREATE TABLE status_royalties (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        jdbc.update("INSERT INTO status_royalties VALUES ('r1', '100.20'), ('r2', '8')");
        h.app.reconcileEngine().register(new Royalties(jdbc));
        assertThat(h.app.reconcileEngine().runOnce(ROYALTIES).reviewed()).isEqualTo(2);
    }

    /**
     * healthy; dead_letters (one message given up on, one pending); failing (attempts failing for
     * ten minutes); disabled (through the API).
     */
    private void webhookEndpoints() {
        for (String name : List.of("healthy", "dead_letters", "failing", "disabled")) {
            HttpResponse<String> r = h.post(
                    "/v1/webhook-endpoints",
                    "application/json",
                    HttpRequest.BodyPublishers.ofString(
                            "{\"url\":\"http://127.0.0.1:9/" + name + "\",\"event_types\":[\"*\"]}"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            endpoints.put(name, ApiHarness.json(r).path("id").asLong());
        }
        long withDead = endpoints.get("dead_letters");
        h.update("INSERT INTO webhook_messages (msg_id, endpoint_id, event_pk, status, next_attempt_at, created_at,"
                + " updated_at) SELECT 'msg_status_dead', " + withDead + ", min(id), 'dead_lettered', now(), now(),"
                + " now() FROM webhook_events");
        h.update("INSERT INTO webhook_messages (msg_id, endpoint_id, event_pk, status, next_attempt_at, created_at,"
                + " updated_at) SELECT 'msg_status_pending', " + withDead + ", min(id), 'pending', now(), now(),"
                + " now() FROM webhook_events");
        h.update("UPDATE webhook_endpoints SET failing_since = '" + ApiHarness.START.minus(Duration.ofMinutes(10))
                + "' WHERE id = " + endpoints.get("failing"));
        HttpResponse<String> disabled = h.postEmpty("/v1/webhook-endpoints/" + endpoints.get("disabled") + "/disable");
        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
    }

    /** The id of the open review of royalty {@code key}. */
    long review(String key) {
        for (JsonNode r : ApiHarness.json(h.get("/v1/reviews?status=open")).path("data")) {
            if (r.path("key").asText().equals(key)) {
                return r.path("id").asLong();
            }
        }
        throw new AssertionError("no open review of " + key);
    }

    @Override
    public void close() {
        try {
            h.close();
        } finally {
            RedisClient client = RedisClient.create(redisUrl);
            try (var c = client.connect()) {
                c.sync().del(stream, prefix + "_dead");
            } catch (RuntimeException e) {
                // the stream is a scratch key; a Redis gone already has nothing to clean
            } finally {
                client.shutdown();
            }
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
