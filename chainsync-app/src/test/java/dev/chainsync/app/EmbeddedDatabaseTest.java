package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.db.Database;
import dev.chainsync.db.DatabaseConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default on a real PostgreSQL from Maven: durable, and able to start after a crash. */
class EmbeddedDatabaseTest {
    @TempDir
    Path dataDir;

    private static final DatabaseConfig EMBEDDED = DatabaseConfig.embedded(2);

    /** Run in a child JVM: writes a row, then dies without any shutdown (as kill -9 would). */
    public static void main(String[] args) {
        Database db = Databases.open(EMBEDDED, Path.of(args[0]), "crash-child");
        db.jdbc().update("CREATE TABLE survivors (id INT PRIMARY KEY)");
        db.jdbc().update("INSERT INTO survivors VALUES (1)");
        System.out.println("committed");
        System.out.flush();
        Runtime.getRuntime().halt(137);
    }

    @Test
    void aCommitSurvivesACrashAndTheNextStartTakesOverTheServerLeftRunning() throws Exception {
        Process child = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        EmbeddedDatabaseTest.class.getName(),
                        dataDir.toString()))
                .redirectErrorStream(true)
                .start();
        String log = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(log).as(log).contains("committed");
        assertThat(child.exitValue()).isEqualTo(137);

        // The crashed process's PostgreSQL still runs on the directory; this start must not be refused.
        try (Database db = Databases.open(EMBEDDED, dataDir, "after-crash")) {
            assertThat(db.jdbc().queryOne("SELECT count(*) FROM survivors", r -> r.getLong(1)))
                    .contains(1L);
            assertThat(db.jdbc().queryOne("SHOW fsync", r -> r.getString(1))).contains("on");
            assertThat(db.jdbc().queryOne("SHOW synchronous_commit", r -> r.getString(1)))
                    .contains("on");
        }
    }
}
