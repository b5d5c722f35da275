package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.testing.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Commands that only read ({@code keys list}, {@code ingest status}) never change the schema: on a
 * database whose schema is older than this build they refuse, saying so, and leave it as it was.
 */
class ReadOnlyCommandsTest {
    @TempDir
    Path dir;

    private TestDatabases.Scratch db;

    @BeforeEach
    void database() {
        db = TestDatabases.create("readonly_cli");
    }

    @AfterEach
    void drop() {
        db.close();
    }

    private Cli.Run chainsync(String... args) {
        return Cli.run(Cli.env(db, dir, "REDIS_URL", "redis://127.0.0.1:1"), args);
    }

    private long query(String sql) {
        return db.database().jdbc().queryOne(sql, r -> r.getLong(1)).orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"keys list", "ingest status"})
    void aReadOnlyCommandRefusesAnOlderSchemaAndLeavesItAlone(String command) {
        // The newest migration "not yet applied": its history row and its column go, as on an older database.
        String newest = db.database()
                .jdbc()
                .queryOne(
                        "SELECT version FROM flyway_schema_history WHERE version IS NOT NULL"
                                + " ORDER BY installed_rank DESC LIMIT 1",
                        r -> r.getString(1))
                .orElseThrow();
        db.database().jdbc().update("DELETE FROM flyway_schema_history WHERE version = ?", newest);
        long rows = query("SELECT count(*) FROM flyway_schema_history");

        Cli.Run r = chainsync(command.split(" "));

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.err())
                .contains("older than this chainsync's version " + newest)
                .contains("chainsync migrate")
                .doesNotContain("Exception");
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(query("SELECT count(*) FROM flyway_schema_history")).isEqualTo(rows);
    }

    @ParameterizedTest
    @ValueSource(strings = {"keys list", "ingest status"})
    void onACurrentSchemaAReadOnlyCommandAppliesNothing(String command) {
        long rows = query("SELECT count(*) FROM flyway_schema_history");
        Cli.Run r = chainsync(command.split(" "));
        assertThat(r.err()).doesNotContain("older than");
        assertThat(r.out()).isNotBlank();
        assertThat(query("SELECT count(*) FROM flyway_schema_history")).isEqualTo(rows);
    }
}
