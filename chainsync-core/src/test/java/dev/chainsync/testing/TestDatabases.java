package dev.chainsync.testing;

import dev.chainsync.db.Database;
import dev.chainsync.db.DatabaseConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;

/**
 * Real PostgreSQL for tests: a fresh, migrated database per call on the local server
 * (127.0.0.1:5432, user postgres, or {@code CHAINSYNC_TEST_ADMIN_URL}), or, on a machine without
 * one, on an embedded PostgreSQL started once per JVM.
 */
public final class TestDatabases {
    private static final String DEFAULT_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static String adminUrl;
    private static EmbeddedPostgres embedded;

    private TestDatabases() {}

    /** A migrated scratch database; closing it drops the database. */
    public static final class Scratch implements AutoCloseable {
        private final String name;
        private final Database database;

        Scratch(String name, Database database) {
            this.name = name;
            this.database = database;
        }

        public Database database() {
            return database;
        }

        public String name() {
            return name;
        }

        public String jdbcUrl() {
            return urlFor(name);
        }

        @Override
        public void close() {
            database.close();
            admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    public static Scratch create(String prefix) {
        return create(prefix, 8);
    }

    public static Scratch create(String prefix, int poolSize) {
        String name = ("cs_" + prefix + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_]", "_");
        admin("CREATE DATABASE " + name);
        Database db = null;
        try {
            db = Database.open(new DatabaseConfig(urlFor(name), "postgres", null, poolSize), name);
            db.migrate();
            return new Scratch(name, db);
        } catch (RuntimeException e) {
            // A test that cannot start (a broken migration, say) must not leave its database behind.
            if (db != null) {
                db.close();
            }
            try {
                admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (RuntimeException dropping) {
                e.addSuppressed(dropping);
            }
            throw e;
        }
    }

    /**
     * Keeps autovacuum (and so autoanalyze) away from {@code tables}, so a test about plans
     * without statistics stays one on a server where autovacuum runs.
     */
    public static void withoutStatistics(dev.chainsync.db.Jdbc jdbc, String... tables) {
        for (String t : tables) {
            jdbc.update("ALTER TABLE " + t + " SET (autovacuum_enabled = false)");
        }
    }

    /** The JDBC URL of database {@code name} on the test server. */
    public static synchronized String urlFor(String name) {
        // The embedded server's URL carries "?user=postgres" after the database name.
        return server().replaceFirst("/postgres(\\?|$)", "/" + name + "$1");
    }

    private static void admin(String sql) {
        try (Connection c = DriverManager.getConnection(server(), "postgres", null)) {
            c.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test database admin failed: " + sql, e);
        }
    }

    private static synchronized String server() {
        if (adminUrl != null) {
            return adminUrl;
        }
        String configured = System.getenv("CHAINSYNC_TEST_ADMIN_URL");
        String candidate = configured != null ? configured : DEFAULT_ADMIN_URL;
        try (Connection c = DriverManager.getConnection(candidate, "postgres", null)) {
            adminUrl = candidate;
            return adminUrl;
        } catch (SQLException e) {
            if (configured != null) {
                throw new IllegalStateException("CHAINSYNC_TEST_ADMIN_URL=" + configured + " is not reachable", e);
            }
        }
        // No local server: fall back to real PostgreSQL binaries from Maven.
        try {
            Path dir = Files.createTempDirectory("chainsync-test-pg");
            embedded = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(true)
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
            adminUrl = embedded.getJdbcUrl("postgres", "postgres");
            return adminUrl;
        } catch (IOException e) {
            throw new UncheckedIOException("no local PostgreSQL and the embedded one failed to start", e);
        }
    }
}
