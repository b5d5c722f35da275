package dev.chainsync.app;

import dev.chainsync.db.Database;
import dev.chainsync.db.DatabaseConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database the commands use: the external server from {@code DATABASE_URL}, or, without one,
 * an embedded PostgreSQL (real binaries from Maven) whose data lives under the data directory and
 * survives restarts. The engine (chainsync-core) knows only the first; the server binaries are
 * this module's dependency.
 */
final class Databases {
    private static final Logger log = LoggerFactory.getLogger(Databases.class);
    /** The embedded server's directory under the data directory. */
    static final String EMBEDDED_DIR = "postgres";

    private Databases() {}

    /** Connects to the configured server, or starts the embedded one under {@code dataDir}. */
    static Database open(DatabaseConfig config, Path dataDir, String poolName) {
        if (!config.embedded()) {
            return Database.open(config, poolName);
        }
        Path dir = dataDir.resolve(EMBEDDED_DIR);
        EmbeddedPostgres pg = startEmbedded(dir);
        String url = pg.getJdbcUrl(DatabaseConfig.EMBEDDED_USER, DatabaseConfig.EMBEDDED_USER);
        try {
            return Database.open(
                    url,
                    DatabaseConfig.EMBEDDED_USER,
                    config.poolSize(),
                    poolName,
                    "embedded " + url + " (data in " + dir + ")",
                    pg);
        } catch (RuntimeException e) {
            try {
                pg.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
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
        try (FileChannel ch = FileChannel.open(
                        dir.resolve(EMBEDDED_LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = ch.tryLock()) {
            if (lock == null) {
                throw new IllegalStateException("the embedded database in " + dir
                        + " is in use by another chainsync process; stop it or set CHAINSYNC_DATA_DIR");
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
            Optional<ProcessHandle> orphan = ProcessHandle.of(pid).filter(h -> isServerOf(h, dataDir));
            if (orphan.isEmpty()) {
                return; // a stale file: PostgreSQL checks it itself
            }
            log.warn(
                    "the embedded PostgreSQL of a process that did not shut down (pid {}) still runs on {}; stopping it",
                    pid,
                    dir);
            orphan.get().destroy();
            try {
                orphan.get().onExit().get(ORPHAN_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw new IllegalStateException(
                        "the embedded PostgreSQL left running on " + dir + " (pid " + pid + ") did not stop within "
                                + ORPHAN_STOP_TIMEOUT.toSeconds() + " s",
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the embedded PostgreSQL left on " + dir, e);
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
}
