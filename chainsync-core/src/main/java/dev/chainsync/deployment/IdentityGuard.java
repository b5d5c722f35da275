package dev.chainsync.deployment;

import dev.chainsync.db.DataAccessException;
import dev.chainsync.db.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks at start that this instance shares the identity recorded in its database (recording it on
 * the first start), and holds the devnet's claim while the process lives.
 *
 * <p>A devnet's owner is "live" while it holds a PostgreSQL session advisory lock on a connection of
 * its own: the server releases it when that connection ends, however the process ends (SIGKILL
 * included), so no lease needs tuning and no heartbeat can lag.
 */
public final class IdentityGuard implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IdentityGuard.class);
    /** Advisory lock keys (arbitrary, fixed): one serializes the checks, one marks the devnet's owner. */
    static final long CHECK_LOCK = 0x636861696e73L;

    static final long DEVNET_LOCK = 0x636861696e64L;

    private final Connection devnetOwner;

    private IdentityGuard(Connection devnetOwner) {
        this.devnetOwner = devnetOwner;
    }

    /**
     * Verifies {@code configured} against the database, recording what is not recorded yet.
     *
     * @throws IdentityMismatchException naming each disagreeing setting and how to fix it
     */
    public static IdentityGuard verify(DataSource dataSource, SharedIdentity configured, String instance, Clock clock) {
        Connection owner = configured.devnet() ? connect(dataSource) : null;
        try {
            boolean devnetLiveElsewhere = owner != null && !tryLock(owner);
            Jdbc jdbc = new Jdbc(dataSource);
            IdentityVerdict verdict = jdbc.inTransaction(c -> {
                Jdbc.query(c, "SELECT pg_advisory_xact_lock(?)", rs -> 1, CHECK_LOCK);
                Map<String, String> stored = new HashMap<>();
                Jdbc.query(
                        c,
                        "SELECT name, value FROM shared_identity",
                        rs -> stored.put(rs.getString(1), rs.getString(2)));
                IdentityVerdict v = IdentityVerdict.decide(stored, configured, devnetLiveElsewhere);
                for (var e : v.toRecord().entrySet()) {
                    if (stored.containsKey(e.getKey())) {
                        log.warn(
                                "{} was {}, now {}: the devnet that recorded it is gone",
                                e.getKey(),
                                stored.get(e.getKey()),
                                e.getValue());
                    }
                    Jdbc.update(
                            c,
                            "INSERT INTO shared_identity (name, value, recorded_at, recorded_by) VALUES (?, ?, ?, ?)"
                                    + " ON CONFLICT (name) DO UPDATE SET value = excluded.value,"
                                    + " recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by",
                            e.getKey(),
                            e.getValue(),
                            Jdbc.timestamp(clock.instant()),
                            instance);
                }
                return v;
            });
            if (verdict.refused()) {
                throw new IdentityMismatchException(verdict.problems());
            }
            if (configured.chainId() == null) {
                log.warn("the chain's genesis hash could not be read at start; it is not checked against the database");
            }
            return new IdentityGuard(owner);
        } catch (RuntimeException e) {
            closeQuietly(owner);
            throw e;
        }
    }

    /** Whether this instance holds the database's devnet claim. */
    public boolean ownsDevnet() {
        return devnetOwner != null;
    }

    /** Gives up the devnet claim. */
    @Override
    public void close() {
        closeQuietly(devnetOwner);
    }

    private static Connection connect(DataSource dataSource) {
        try {
            Connection c = dataSource.getConnection();
            c.setAutoCommit(true);
            return c;
        } catch (SQLException e) {
            throw new DataAccessException("cannot open the devnet owner's connection", e);
        }
    }

    private static boolean tryLock(Connection c) {
        try {
            return Jdbc.query(c, "SELECT pg_try_advisory_lock(?)", rs -> rs.getBoolean(1), DEVNET_LOCK)
                    .getFirst();
        } catch (SQLException e) {
            throw new DataAccessException("cannot take the devnet's advisory lock", e);
        }
    }

    /**
     * The connection goes back to a pool that keeps the session open, so the lock is released by
     * hand; a process that dies drops the session, and the server releases it then.
     */
    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try (c) {
            Jdbc.query(c, "SELECT pg_advisory_unlock_all()", rs -> 1);
        } catch (SQLException e) {
            log.warn("closing the devnet owner's connection failed", e);
        }
    }
}
