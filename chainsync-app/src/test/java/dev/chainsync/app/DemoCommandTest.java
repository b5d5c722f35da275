package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.testing.TestDatabases;
import io.lettuce.core.RedisClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chainsync demo --exit} end to end on a scratch database: every URL it prints opens with the
 * key it prints, it says what its reconciliation counts mean, and it leaves no webhook endpoint behind
 * (its own, or one an earlier, killed run left).
 */
class DemoCommandTest {
    @TempDir
    Path dir;

    private TestDatabases.Scratch db;
    private final String stream = "chainsync_demo_test_" + System.nanoTime();

    @BeforeEach
    void database() {
        db = TestDatabases.create("demo_cli");
    }

    @AfterEach
    void drop() {
        db.close();
        RedisClient redis = RedisClient.create(REDIS);
        try (var c = redis.connect()) {
            c.sync().del(stream); // the stream the demo's ingest created its consumer group on
        } finally {
            redis.shutdown();
        }
    }

    private static final String REDIS = "redis://127.0.0.1:6379";

    private long endpoints() {
        return db.database()
                .jdbc()
                .queryOne("SELECT count(*) FROM webhook_endpoints", r -> r.getLong(1))
                .orElseThrow();
    }

    @Test
    void theDemoPointsOnlyAtWhatItsKeyOpensAndLeavesNoEndpointBehind() {
        Instant now = Instant.now();
        db.database()
                .jdbc()
                .update(
                        "INSERT INTO webhook_endpoints (url, description, event_types, created_at, updated_at)"
                                + " VALUES ('http://127.0.0.1:1/hooks', ?, ARRAY['transfer.*'], ?, ?)",
                        EdgeDemo.RECEIVER_DESCRIPTION,
                        now,
                        now);
        // Ingest reads the local Redis (nothing is pushed to it): the demo's own part needs none.
        Map<String, String> env = Cli.env(db, dir, "REDIS_URL", REDIS, "REDIS_STREAMS", stream);

        StringWriter err = new StringWriter();
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            code = Main.execute(
                    env,
                    new PrintWriter(stdout, true),
                    new PrintWriter(err, true),
                    "demo",
                    "--exit",
                    "--port",
                    "0",
                    "--credentials",
                    "3");
        } finally {
            System.setOut(stdout);
        }
        String out = printed.toString(StandardCharsets.UTF_8);

        assertThat(code).as(out + err).isZero();
        assertThat(out).contains("Removed 1 webhook endpoint(s) an earlier demo run left behind");
        assertThat(out).contains("/v1/webhook-endpoints/").contains("/v1/accounts/");
        assertThat(out)
                .contains("(each URL above was just opened with this key)")
                .doesNotContain("warning:");
        assertThat(out).containsPattern("all \\d+ memos the issuer wrote").contains("settle grace");
        assertThat(endpoints())
                .as("the run's own endpoint is removed when it stops")
                .isZero();
    }
}
