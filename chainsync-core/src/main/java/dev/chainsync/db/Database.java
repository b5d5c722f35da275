package dev.chainsync.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
            HikariDataSource pool =
                    pool(config.jdbcUrl(), config.user(), config.password(), config.poolSize(), poolName);
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

    /** Longest wait for a server left behind by a killed process to shut down. */
    static final Duration ORPHAN_STOP_TIMEOUT = Duration.ofSeconds(60);
    /** The embedded server library's lock file in the data directory, held while its process lives. */
    static final String EMBEDDED_LOCK_FILE = "epg-lock";

    /**
     * A process killed without running its shutdown (kill -9, a crash) leaves its embedded PostgreSQL
     * running on the data directory, and a new server cannot start there. Nobody then holds the library's
     * lock: that server is stopped (a normal shutdown, so it writes a checkpoint). A held lock means a live
     * chainsync uses the directory, and this one refuses to start with that message.
     */
    private static void takeOverFromOrphan(Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
                        dir.resolve(EMBEDDED_LOCK_FILE),
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.WRITE);
                java.nio.channels.FileLock lock = ch.tryLock()) {
            if (lock == null) {
                throw new DataAccessException(
                        "the embedded database in " + dir
                                + " is in use by another chainsync process; stop it or set CHAINSYNC_DATA_DIR",
                        null);
            }
            long pid;
            try {
                pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
            } catch (RuntimeException e) {
                return; // unreadable: PostgreSQL itself will judge the file
            }
            // Only this directory's own server: after a reboot the pid may belong to anything, another
            // PostgreSQL included, and that must never be signalled.
            String dataDir = dir.toAbsolutePath().normalize().toString();
            java.util.Optional<ProcessHandle> orphan = ProcessHandle.of(pid).filter(h -> isServerOf(h, dataDir));
            if (orphan.isEmpty()) {
                return; // a stale file: PostgreSQL checks it itself
            }
            log.warn(
                    "the embedded PostgreSQL of a process that did not shut down (pid {}) still runs on {}; stopping it",
                    pid,
                    dir);
            orphan.get().destroy();
            try {
                orphan.get().onExit().get(ORPHAN_STOP_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                throw new DataAccessException(
                        "the embedded PostgreSQL left running on " + dir + " (pid " + pid + ") did not stop within "
                                + ORPHAN_STOP_TIMEOUT.toSeconds() + " s",
                        null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DataAccessException(
                        "interrupted while stopping the embedded PostgreSQL left on " + dir, null);
            }
        }
    }

    /** Whether {@code h} is a postgres server started on {@code dataDir} ({@code postgres -D dataDir ...}). */
    private static boolean isServerOf(ProcessHandle h, String dataDir) {
        ProcessHandle.Info info = h.info();
        if (!info.command().map(c -> c.endsWith("/postgres")).orElse(false)) {
            return false;
        }
        String[] args = info.arguments().orElse(new String[0]);
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("-D")
                    && Path.of(args[i + 1])
                            .toAbsolutePath()
                            .normalize()
                            .toString()
                            .equals(dataDir)) {
                return true;
            }
        }
        return false;
    }

    private static EmbeddedPostgres startEmbedded(Path dir) {
        try {
            Files.createDirectories(dir);
            takeOverFromOrphan(dir);
            log.info("starting embedded PostgreSQL in {}", dir.toAbsolutePath());
            // The library's defaults suit throwaway test servers (fsync and synchronous commit off); this
            // server holds the user's data, and a commit it acknowledged must survive a crash.
            return EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
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
        log.info(
                "database migrations: {} applied, schema at version {}",
                result.migrationsExecuted,
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
