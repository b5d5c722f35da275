package dev.chainsync.db;

import dev.chainsync.config.Checks;
import dev.chainsync.config.Env;
import dev.chainsync.config.HostPort;
import dev.chainsync.config.Redact;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;

/**
 * Where PostgreSQL is: an external server ({@code jdbcUrl} set) or the embedded one; valid by
 * construction.
 */
public record DatabaseConfig(String jdbcUrl, String user, String password, int poolSize) {
    public static final int DEFAULT_POOL_SIZE = 10;
    /** The superuser of a fresh embedded server. */
    public static final String EMBEDDED_USER = "postgres";

    public DatabaseConfig {
        new Checks().range("CHAINSYNC_DB_POOL_SIZE", poolSize, 1, 500).throwIfInvalid();
    }

    /** The embedded server, with a pool of {@code poolSize}. */
    public static DatabaseConfig embedded(int poolSize) {
        return new DatabaseConfig(null, EMBEDDED_USER, null, poolSize);
    }

    public boolean embedded() {
        return jdbcUrl == null;
    }

    /** Reads {@code DATABASE_URL} and the pool size; problems are collected in {@code env} (the result is null then). */
    public static DatabaseConfig load(Env env) {
        int pool = env.integer("CHAINSYNC_DB_POOL_SIZE", DEFAULT_POOL_SIZE);
        String url = env.raw("DATABASE_URL");
        if (url == null) {
            return env.validated(() -> embedded(pool));
        }
        try {
            return env.validated(() -> fromUrl(url, pool));
        } catch (IllegalArgumentException e) {
            env.problem("DATABASE_URL=" + Redact.url(url) + " " + e.getMessage());
            return env.validated(() -> embedded(pool));
        }
    }

    /**
     * Accepts {@code postgres://user:pass@host:port/db?params} (the seeds' form) and
     * {@code jdbc:postgresql://...}.
     */
    public static DatabaseConfig fromUrl(String url, int pool) {
        if (url.startsWith("jdbc:postgresql:")) {
            return new DatabaseConfig(url, null, null, pool);
        }
        if (!(url.startsWith("postgres://") || url.startsWith("postgresql://"))) {
            throw new IllegalArgumentException("must start with postgres://, postgresql:// or jdbc:postgresql://");
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not a valid URL");
        }
        String host = uri.getHost();
        int port = uri.getPort();
        String userInfo = uri.getRawUserInfo();
        if (host == null && uri.getRawAuthority() != null) {
            // URI refuses host names with '_' (docker compose service names have them) and then
            // leaves the authority unparsed: split it here, as PostgreSQL's own libpq would accept it.
            String authority = uri.getRawAuthority();
            int at = authority.lastIndexOf('@');
            userInfo = at < 0 ? null : authority.substring(0, at);
            String hostPort = authority.substring(at + 1);
            Matcher m = HostPort.PATTERN.matcher(hostPort);
            if (!m.matches()) {
                throw new IllegalArgumentException("has no valid host");
            }
            host = m.group(1);
            port = m.group(2) == null ? -1 : Integer.parseInt(m.group(2));
        }
        if (host == null) {
            throw new IllegalArgumentException("has no host");
        }
        String db = uri.getPath() == null || uri.getPath().length() <= 1
                ? "postgres"
                : uri.getPath().substring(1);
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(host);
        if (port > 0) {
            jdbc.append(':').append(port);
        }
        jdbc.append('/').append(db);
        if (uri.getRawQuery() != null) {
            jdbc.append('?').append(uri.getRawQuery());
        }
        String user = null;
        String password = null;
        if (userInfo != null) {
            String[] parts = userInfo.split(":", 2);
            user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : null;
        }
        return new DatabaseConfig(jdbc.toString(), user, password, pool);
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + (embedded() ? "embedded" : Redact.url(jdbcUrl))
                + ", user=" + user + ", password=" + (password == null ? "none" : "***")
                + ", poolSize=" + poolSize + "]";
    }
}
