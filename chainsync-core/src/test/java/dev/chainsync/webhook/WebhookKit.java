package dev.chainsync.webhook;

import dev.chainsync.db.Jdbc;
import dev.chainsync.testing.TestDatabases;
import dev.chainsync.time.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Webhooks on real PostgreSQL with a manual clock: endpoints, emitting events, dispatchers built
 * with any configuration, and SQL peeks. The clock starts at the real time so the reference
 * verifier's timestamp tolerance accepts signatures.
 */
final class WebhookKit implements AutoCloseable {
    final TestDatabases.Scratch scratch;
    final Jdbc jdbc;
    final ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    final SecretBox box = SecretBox.of(randomKey());
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final WebhookConfig config;
    final WebhookEndpoints endpoints;
    private final List<WebhookDispatcher> dispatchers = new ArrayList<>();

    private final boolean ownsDatabase;

    WebhookKit(String name, WebhookConfig config) {
        this(TestDatabases.create(name, 12), true, config);
    }

    /** On a database shared by a test class; starts from empty webhook tables. */
    WebhookKit(TestDatabases.Scratch shared, WebhookConfig config) {
        this(shared, false, config);
        jdbc.update("TRUNCATE webhook_attempts, webhook_messages, webhook_endpoint_secrets, webhook_endpoints, "
                + "webhook_events RESTART IDENTITY CASCADE");
    }

    private WebhookKit(TestDatabases.Scratch scratch, boolean ownsDatabase, WebhookConfig config) {
        this.scratch = scratch;
        this.ownsDatabase = ownsDatabase;
        this.jdbc = scratch.database().jdbc();
        this.config = config;
        this.endpoints = new WebhookEndpoints(jdbc, config, box, clock, new SecureRandom());
    }

    /** Defaults, with private targets allowed (the receiver is on 127.0.0.1) and a short timeout. */
    static WebhookConfig testConfig() {
        return WebhookConfig.builder(Path.of("unused"))
                .allowPrivateTargets(true)
                .timeout(java.time.Duration.ofSeconds(2))
                .build();
    }

    WebhookDispatcher dispatcher(WebhookConfig c, RandomGenerator random) {
        WebhookDispatcher d = new WebhookDispatcher(jdbc, c, box, clock, random, registry);
        dispatchers.add(d);
        return d;
    }

    WebhookDispatcher dispatcher() {
        return dispatcher(config, new java.util.SplittableRandom(1));
    }

    String emit(String type, String payloadJson) {
        return jdbc.inTransaction(c -> WebhookOutbox.emit(c, type, payloadJson, clock.instant()));
    }

    long count(String sql, Object... params) {
        return jdbc.queryOne(sql, r -> r.getLong(1), params).orElseThrow();
    }

    String string(String sql, Object... params) {
        return jdbc.queryOne(sql, r -> r.getString(1), params).orElse(null);
    }

    Instant instant(String sql, Object... params) {
        return jdbc.queryOne(sql, r -> Jdbc.instant(r, r.getMetaData().getColumnName(1)), params)
                .orElse(null);
    }

    /** Every message id of an endpoint. */
    List<String> msgIds(long endpointId) {
        return jdbc.query(
                "SELECT msg_id FROM webhook_messages WHERE endpoint_id = ? ORDER BY id",
                r -> r.getString(1),
                endpointId);
    }

    static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    @Override
    public void close() {
        try {
            dispatchers.forEach(WebhookDispatcher::close);
        } finally {
            if (ownsDatabase) {
                scratch.close();
            }
        }
    }
}
