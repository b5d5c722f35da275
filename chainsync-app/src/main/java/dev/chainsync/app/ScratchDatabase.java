package dev.chainsync.app;

import dev.chainsync.db.Database;
import dev.chainsync.db.DatabaseConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A throwaway, migrated database for a benchmark: a scratch database created on DATABASE_URL's
 * server and dropped afterwards, or an embedded PostgreSQL in a temporary directory.
 */
final class ScratchDatabase {
    private ScratchDatabase() {}

    /** Work to run against the scratch database. */
    @FunctionalInterface
    interface Work<T> {
        T run(Database db) throws Exception;
    }

    static <T> T with(String prefix, int poolSize, Work<T> work) throws Exception {
        Path tmp = Files.createTempDirectory("chainsync-bench");
        String externalUrl = System.getenv("DATABASE_URL");
        String scratch = prefix + "_" + System.currentTimeMillis();
        DatabaseConfig base = null;
        DatabaseConfig config;
        if (externalUrl != null && !externalUrl.isBlank()) {
            base = ChainsyncConfig.fromEnvironment(Map.of("DATABASE_URL", externalUrl))
                    .database();
            admin(base, "CREATE DATABASE " + scratch);
            config = new DatabaseConfig(
                    base.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + scratch + "$1"),
                    base.user(),
                    base.password(),
                    poolSize);
        } else {
            config = new DatabaseConfig(null, "postgres", null, poolSize);
        }
        try (Database db = Databases.open(config, tmp, prefix)) {
            db.migrate();
            return work.run(db);
        } finally {
            if (base != null) {
                admin(base, "DROP DATABASE IF EXISTS " + scratch + " WITH (FORCE)");
            }
            try (Stream<Path> paths = Files.walk(tmp)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                System.err.println("could not remove " + tmp + ": " + e.getMessage());
            }
        }
    }

    private static void admin(DatabaseConfig base, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(base.jdbcUrl(), base.user(), base.password())) {
            c.createStatement().execute(sql);
        }
    }
}
