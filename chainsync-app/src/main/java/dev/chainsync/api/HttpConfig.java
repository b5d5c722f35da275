package dev.chainsync.api;

import dev.chainsync.config.Checks;
import dev.chainsync.config.Env;
import java.time.Duration;

/** The HTTP server: port, upload limit, shutdown grace; valid by construction. */
public record HttpConfig(int port, long maxUploadBytes, Duration shutdownGrace) {
    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 10L * 1024 * 1024;
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);
    public static final int MAX_PORT = 65535;

    public HttpConfig {
        new Checks()
                .range("HTTP_PORT", port, 0, MAX_PORT)
                .range("CHAINSYNC_MAX_UPLOAD_BYTES", maxUploadBytes, 1, 1L << 31)
                .millis("CHAINSYNC_SHUTDOWN_GRACE_MS", shutdownGrace, Duration.ZERO, Duration.ofMinutes(10))
                .throwIfInvalid();
    }

    /** Reads the HTTP variables; problems are collected in {@code env} (the result is null then). */
    public static HttpConfig load(Env env) {
        int port = env.integer("HTTP_PORT", DEFAULT_PORT);
        long maxUpload = env.longValue("CHAINSYNC_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES);
        Duration grace = env.millis("CHAINSYNC_SHUTDOWN_GRACE_MS", DEFAULT_SHUTDOWN_GRACE);
        return env.validated(() -> new HttpConfig(port, maxUpload, grace));
    }

    public HttpConfig withPort(int newPort) {
        return new HttpConfig(newPort, maxUploadBytes, shutdownGrace);
    }
}
