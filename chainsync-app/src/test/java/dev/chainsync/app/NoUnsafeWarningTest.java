package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.testing.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command that talks to Redis, run as its own JVM the way the jar runs: JDK 25 prints no
 * {@code sun.misc.Unsafe} warning, because Netty is kept off Unsafe rather than the JVM told to allow it.
 */
class NoUnsafeWarningTest {
    @TempDir
    Path dir;

    @Test
    void ingestStatusThroughRedisPrintsNoUnsafeWarning() throws Exception {
        try (TestDatabases.Scratch db = TestDatabases.create("no_unsafe")) {
            Path log = dir.resolve("out.log");
            ProcessBuilder pb = new ProcessBuilder(List.of(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            "-Dlogback.configurationFile=logback-test.xml",
                            Main.class.getName(),
                            "ingest",
                            "status"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment()
                    .putAll(Cli.env(
                            db,
                            dir.resolve("data"),
                            "REDIS_URL",
                            "redis://127.0.0.1:6379",
                            "REDIS_STREAMS",
                            "chainsync_no_unsafe_test"));
            Process p = pb.start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = Files.readString(log, StandardCharsets.UTF_8);

            // The Redis client ran (its figures, or its error, are printed), and Netty with it.
            assertThat(out).contains("chainsync_no_unsafe_test");
            assertThat(out).doesNotContain("sun.misc.Unsafe");
        }
    }
}
