package dev.chainsync.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chainsync.config.Redact;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL chainsync talks to: an external server from {@code DATABASE_URL}, or one this
 * process started (chainsync-app's embedded server), which closes with it. Owns the connection
 * pool and runs the Flyway migrations.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    private final AutoCloseable server;
    private final HikariDataSource pool;
    private final Jdbc jdbc;
    private final String description;
    private volatile boolean closed;

    private Database(AutoCloseable server, HikariDataSource pool, String description) {
        this.server = server;
        this.pool = pool;
        this.jdbc = new Jdbc(pool);
        this.description = description;
    }

    /** Connects to the external server {@code config} names. */
    public static Database open(DatabaseConfig config, String poolName) {
        if (config.embedded()) {
            throw new IllegalArgumentException("no database URL: chainsync-app starts the embedded server");
        }
        HikariDataSource pool = pool(config.jdbcUrl(), config.user(), config.password(), config.poolSize(), poolName);
        checkReachable(pool, Redact.url(config.jdbcUrl()));
        return new Database(null, pool, Redact.url(config.jdbcUrl()));
    }

    /**
     * Connects to a server this process started at {@code jdbcUrl} (no password); closing the
     * database closes the pool, then {@code server}. When the server cannot be reached, stopping
     * it is left to the caller.
     */
    public static Database open(
            String jdbcUrl, String user, int poolSize, String poolName, String description, AutoCloseable server) {
        HikariDataSource pool = pool(jdbcUrl, user, null, poolSize, poolName);
        checkReachable(pool, jdbcUrl);
        return new Database(server, pool, description);
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
        MigrateResult result = flyway().migrate();
        log.info(
                "database migrations: {} applied, schema at version {}",
                result.migrationsExecuted,
                result.targetSchemaVersion == null ? "unchanged" : result.targetSchemaVersion);
        return result.migrationsExecuted;
    }

    /**
     * For commands that only read: fails with {@link SchemaOutdatedException} when migrations of this
     * build have not been applied, instead of applying them. Reads the schema history only.
     */
    public void requireCurrentSchema() {
        MigrationInfoService info = flyway().info();
        MigrationInfo[] pending = info.pending();
        if (pending.length == 0) {
            return;
        }
        MigrationInfo current = info.current();
        throw new SchemaOutdatedException("the database " + description + " has "
                + (current == null ? "no chainsync schema" : "schema version " + current.getVersion())
                + ", older than this chainsync's version " + pending[pending.length - 1].getVersion()
                + "; run 'chainsync migrate' first (this command never changes the schema)");
    }

    private Flyway flyway() {
        return Flyway.configure()
                .dataSource(pool)
                .locations("classpath:db/migration")
                .load();
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
        if (server != null) {
            try {
                server.close();
            } catch (Exception e) {
                log.warn("the database server did not stop cleanly", e);
            }
        }
    }
}
