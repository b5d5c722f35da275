package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.testing.TestDatabases;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chainsync migrate} as a user runs it: a separate JVM whose environment carries
 * DATABASE_URL (the command reads the process environment), against an empty database.
 */
class MigrateCommandTest {
    @TempDir
    Path dir;

    /** Exit code and combined output of {@code java dev.chainsync.app.Main args} with {@code env}. */
    record Result(int exitCode, String output) {}

    private Result runMain(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=logback-test.xml",
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("out-" + UUID.randomUUID() + ".txt").toFile());
        pb.environment().remove("DATABASE_URL");
        pb.environment().putAll(env);
        Process p = pb.start();
        boolean finished = p.waitFor(60, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
            throw new AssertionError("migrate did not finish in 60 s");
        }
        String output = Files.readString(pb.redirectOutput().file().toPath(), StandardCharsets.UTF_8);
        return new Result(p.exitValue(), output);
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(TestDatabases.urlFor("postgres"), "postgres", null);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long tableCount(String url, String table) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", null);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT count(*) FROM information_schema.tables WHERE table_name = '" + table + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int applied(Result r) {
        Matcher m = Pattern.compile("migrations applied: (\\d+)").matcher(r.output());
        assertThat(m.find()).as(r.output()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void migrateAppliesTheSchemaOnceAndIsIdempotent() throws Exception {
        String name = ("cs_migrate_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
        admin("CREATE DATABASE " + name);
        try {
            String url = TestDatabases.urlFor(name);
            Map<String, String> env = Map.of(
                    "DATABASE_URL",
                    url + (url.contains("?") ? "&" : "?") + "user=postgres",
                    "CHAINSYNC_DATA_DIR",
                    dir.toString());
            assertThat(tableCount(url, "credentials")).isZero();

            Result first = runMain(env, "migrate");

            assertThat(first.exitCode()).as(first.output()).isZero();
            assertThat(applied(first)).isPositive();
            assertThat(tableCount(url, "credentials")).isEqualTo(1);
            assertThat(tableCount(url, "chain_operations")).isEqualTo(1);

            Result second = runMain(env, "migrate");

            assertThat(second.exitCode()).as(second.output()).isZero();
            assertThat(applied(second)).isZero();
        } finally {
            admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    @Test
    void migrateWithInvalidConfigurationExitsWithTwoAndNamesEveryProblem() throws Exception {
        Result r = runMain(
                Map.of(
                        "DATABASE_URL",
                        "mysql://root:hunter2@x/db",
                        "HTTP_PORT",
                        "abc",
                        "CHAINSYNC_DATA_DIR",
                        dir.toString()),
                "migrate");

        assertThat(r.exitCode()).as(r.output()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(r.output())
                .contains("chainsync: invalid configuration")
                .contains("DATABASE_URL")
                .contains("HTTP_PORT='abc'")
                .doesNotContain("hunter2");
        assertThat(r.output()).doesNotContain("Exception");
    }
}
