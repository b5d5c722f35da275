package dev.chainsync.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chainsync.config.ChainsyncConfig.DatabaseConfig;
import dev.chainsync.config.Redact;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL chainsync talks to: an external server from {@code DATABASE_URL}, or an embedded
 * one (real PostgreSQL binaries from Maven) whose data lives under the data directory and
 * survives restarts. Owns the connection pool and runs the Flyway migrations.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final String EMBEDDED_DIR = "postgres";
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    private final EmbeddedPostgres embedded;
    private final HikariDataSource pool;
    private final Jdbc jdbc;
    private final String description;
    private volatile boolean closed;

    private Database(EmbeddedPostgres embedded, HikariDataSource pool, String description) {
        this.embedded = embedded;
        this.pool = pool;
        this.jdbc = new Jdbc(pool);
        this.description = description;
    }

    /** Connects to the configured server, or starts the embedded one under {@code dataDir}. */
    public static Database open(DatabaseConfig config, Path dataDir, String poolName) {
        if (!config.embedded()) {
            HikariDataSource pool = pool(config.jdbcUrl(), config.user(), config.password(), config.poolSize(), poolName);
            checkReachable(pool, Redact.url(config.jdbcUrl()));
            return new Database(null, pool, Redact.url(config.jdbcUrl()));
        }
        EmbeddedPostgres pg = startEmbedded(dataDir.resolve(EMBEDDED_DIR));
        String url = pg.getJdbcUrl("postgres", "postgres");
        HikariDataSource pool = pool(url, "postgres", null, config.poolSize(), poolName);
        try {
            checkReachable(pool, url);
        } catch (RuntimeException e) {
            try {
                pg.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return new Database(pg, pool, "embedded " + url + " (data in " + dataDir.resolve(EMBEDDED_DIR) + ")");
    }

    /**
     * Fails at start with a clear error rather than on the first request. Hikari's own fail-fast
     * check would do it too, but logs a stack trace at ERROR first, burying the one-line reason.
     */
    private static void checkReachable(HikariDataSource pool, String where) {
        try (Connection c = pool.getConnection()) {
            // Connected: the pool works.
        } catch (SQLException e) {
            pool.close();
            // Hikari's timeout carries the driver's reason (refused, unknown host, bad password) as its cause.
            SQLException reason = e.getCause() instanceof SQLException cause ? cause : e;
            throw new DataAccessException("cannot connect to the database at " + where, reason);
        }
    }

    private static EmbeddedPostgres startEmbedded(Path dir) {
        try {
            Files.createDirectories(dir);
            log.info("starting embedded PostgreSQL in {}", dir.toAbsolutePath());
            return EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL in " + dir, e);
        }
    }

    private static HikariDataSource pool(String url, String user, String password, int size, String name) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        if (user != null) {
            hc.setUsername(user);
        }
        if (password != null) {
            hc.setPassword(password);
        }
        hc.setMaximumPoolSize(size);
        hc.setPoolName(name);
        hc.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        // No fail-fast inside Hikari: checkReachable reports an unreachable server instead.
        hc.setInitializationFailTimeout(-1);
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new HikariDataSource(hc);
    }

    /** Applies pending migrations; returns how many ran. */
    public int migrate() {
        MigrateResult result = Flyway.configure()
                .dataSource(pool)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        log.info("database migrations: {} applied, schema at version {}", result.migrationsExecuted,
                result.targetSchemaVersion == null ? "unchanged" : result.targetSchemaVersion);
        return result.migrationsExecuted;
    }

    public DataSource dataSource() {
        return pool;
    }

    public Jdbc jdbc() {
        return jdbc;
    }

    /** Where the database is, without secrets. */
    public String describe() {
        return description;
    }

    /** True when a trivial query answers. */
    public boolean ping() {
        try {
            return jdbc.withConnection(c -> c.isValid(2));
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.close();
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                log.warn("embedded PostgreSQL did not stop cleanly", e);
            }
        }
    }
}
