package dev.chainsync.config;

import dev.chainsync.chain.Commitment;
import dev.chainsync.chain.evm.EvmConfig;
import dev.chainsync.chain.solana.SolanaConfig;
import dev.chainsync.ingest.IngestConfig;
import dev.chainsync.webhook.WebhookConfig;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole effective configuration, loaded from environment variables and validated once at
 * start. Names come from the seeds where they exist ({@code DATABASE_URL}, {@code HTTP_PORT});
 * the rest are prefixed {@code CHAINSYNC_}.
 */
public record ChainsyncConfig(
        Path dataDir,
        DatabaseConfig database,
        HttpConfig http,
        ChainConfig chain,
        CredentialConfig credentials,
        RelayConfig relay,
        ReconcileConfig reconcile,
        EdgeConfig edge,
        IngestConfig ingest,
        WebhookConfig webhooks) {

    public static final Path DEFAULT_DATA_DIR = Path.of(".chainsync");

    /** Where PostgreSQL is: an external server ({@code jdbcUrl} set) or the embedded one. */
    public record DatabaseConfig(String jdbcUrl, String user, String password, int poolSize) {
        public static final int DEFAULT_POOL_SIZE = 10;

        public boolean embedded() {
            return jdbcUrl == null;
        }

        @Override
        public String toString() {
            return "DatabaseConfig[url=" + (embedded() ? "embedded" : Redact.url(jdbcUrl))
                    + ", user=" + user + ", password=" + (password == null ? "none" : "***")
                    + ", poolSize=" + poolSize + "]";
        }
    }

    /** The HTTP edge. */
    public record HttpConfig(int port, long maxUploadBytes, Duration shutdownGrace) {
        public static final int DEFAULT_PORT = 8080;
        public static final long DEFAULT_MAX_UPLOAD_BYTES = 10L * 1024 * 1024;
        public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);

        public HttpConfig withPort(int newPort) {
            return new HttpConfig(newPort, maxUploadBytes, shutdownGrace);
        }
    }

    /** Which chain to write to, and the devnet's knobs or Solana's or the EVM chain's settings (null unless that chain). */
    public record ChainConfig(
            String kind,
            Duration devnetSlotTime,
            boolean devnetPersistent,
            Path issuerKeypair,
            int breakerFailureRatePercent,
            Duration breakerOpenDuration,
            SolanaConfig solana,
            EvmConfig evm) {
        public static final String DEVNET = "devnet";
        public static final String SOLANA = "solana";
        public static final String EVM = "evm";
        public static final Duration DEFAULT_DEVNET_SLOT_TIME = Duration.ofMillis(400);
        public static final int DEFAULT_BREAKER_FAILURE_RATE = 50;
        public static final Duration DEFAULT_BREAKER_OPEN = Duration.ofSeconds(30);
    }

    /** Credential issuing. */
    public record CredentialConfig(int memoVersion) {
        public static final int MEMO_VERSION = 1;
    }

    /** The outbox relay and confirmation tracker. */
    public record RelayConfig(
            boolean enabled,
            String instanceId,
            int batchSize,
            Duration pollInterval,
            Duration confirmPollInterval,
            Duration lease,
            int maxAttempts,
            Duration retryBase,
            Duration retryCap,
            Commitment commitment,
            Duration unhealthyPendingAge) {
        public static final int DEFAULT_BATCH_SIZE = 200;
        public static final Duration DEFAULT_POLL = Duration.ofMillis(200);
        public static final Duration DEFAULT_CONFIRM_POLL = Duration.ofMillis(400);
        public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
        public static final int DEFAULT_MAX_ATTEMPTS = 8;
        public static final Duration DEFAULT_RETRY_BASE = Duration.ofMillis(500);
        public static final Duration DEFAULT_RETRY_CAP = Duration.ofMinutes(5);
        public static final Duration DEFAULT_UNHEALTHY_PENDING_AGE = Duration.ofMinutes(10);
    }

    /** The scheduled credential reconciliation. */
    public record ReconcileConfig(boolean enabled, Duration interval, Duration window) {
        public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
        public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    }

    /** The HTTP edge's access control: API keys, rate limits, idempotency. */
    public record EdgeConfig(
            String adminApiKey, int defaultRateLimitPerMinute, boolean metricsRequireKey, Duration idempotencyTtl) {
        public static final int DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
        public static final Duration DEFAULT_IDEMPOTENCY_TTL = Duration.ofHours(24);

        @Override
        public String toString() {
            return "EdgeConfig[adminApiKey=" + (adminApiKey == null ? "unset" : "***") + ", defaultRateLimitPerMinute="
                    + defaultRateLimitPerMinute + ", metricsRequireKey=" + metricsRequireKey + ", idempotencyTtl="
                    + idempotencyTtl + "]";
        }
    }

    /** Loads and validates; throws {@link ConfigException} listing every bad value. */
    public static ChainsyncConfig fromEnvironment(Map<String, String> vars) {
        Env env = new Env(vars);
        Path dataDir = env.path("CHAINSYNC_DATA_DIR", DEFAULT_DATA_DIR);

        DatabaseConfig database = parseDatabase(env);

        HttpConfig http = new HttpConfig(
                env.integer("HTTP_PORT", HttpConfig.DEFAULT_PORT, 0, 65535),
                env.longValue("CHAINSYNC_MAX_UPLOAD_BYTES", HttpConfig.DEFAULT_MAX_UPLOAD_BYTES, 1, 1L << 31),
                env.millis(
                        "CHAINSYNC_SHUTDOWN_GRACE_MS",
                        HttpConfig.DEFAULT_SHUTDOWN_GRACE,
                        Duration.ZERO,
                        Duration.ofMinutes(10)));

        String chainKind =
                env.oneOf("CHAINSYNC_CHAIN", ChainConfig.DEVNET, List.of(ChainConfig.DEVNET, "solana", "evm"));
        ChainConfig chain = new ChainConfig(
                chainKind,
                env.millis(
                        "CHAINSYNC_DEVNET_SLOT_MS",
                        ChainConfig.DEFAULT_DEVNET_SLOT_TIME,
                        Duration.ofMillis(1),
                        Duration.ofMinutes(1)),
                env.bool("CHAINSYNC_DEVNET_PERSISTENT", true),
                env.path("CHAINSYNC_ISSUER_KEYPAIR", dataDir.resolve("issuer-keypair.json")),
                env.integer("CHAINSYNC_CHAIN_BREAKER_FAILURE_RATE", ChainConfig.DEFAULT_BREAKER_FAILURE_RATE, 1, 100),
                env.millis(
                        "CHAINSYNC_CHAIN_BREAKER_OPEN_MS",
                        ChainConfig.DEFAULT_BREAKER_OPEN,
                        Duration.ofMillis(10),
                        Duration.ofHours(1)),
                chainKind.equals(ChainConfig.SOLANA) ? SolanaConfig.load(env) : null,
                chainKind.equals(ChainConfig.EVM) ? EvmConfig.load(env) : null);

        String commitment =
                env.oneOf("CHAINSYNC_CONFIRMATION_COMMITMENT", "confirmed", List.of("confirmed", "finalized"));
        RelayConfig relay = new RelayConfig(
                env.bool("CHAINSYNC_RELAY_ENABLED", true),
                env.string("CHAINSYNC_RELAY_INSTANCE_ID", defaultInstanceId()),
                env.integer("CHAINSYNC_RELAY_BATCH_SIZE", RelayConfig.DEFAULT_BATCH_SIZE, 1, 10_000),
                env.millis(
                        "CHAINSYNC_RELAY_POLL_MS",
                        RelayConfig.DEFAULT_POLL,
                        Duration.ofMillis(1),
                        Duration.ofMinutes(1)),
                env.millis(
                        "CHAINSYNC_CONFIRM_POLL_MS",
                        RelayConfig.DEFAULT_CONFIRM_POLL,
                        Duration.ofMillis(1),
                        Duration.ofMinutes(1)),
                env.millis(
                        "CHAINSYNC_RELAY_LEASE_MS",
                        RelayConfig.DEFAULT_LEASE,
                        Duration.ofSeconds(1),
                        Duration.ofHours(1)),
                env.integer("CHAINSYNC_RELAY_MAX_ATTEMPTS", RelayConfig.DEFAULT_MAX_ATTEMPTS, 1, 1000),
                env.millis(
                        "CHAINSYNC_RETRY_BASE_MS",
                        RelayConfig.DEFAULT_RETRY_BASE,
                        Duration.ofMillis(1),
                        Duration.ofHours(1)),
                env.millis(
                        "CHAINSYNC_RETRY_MAX_MS",
                        RelayConfig.DEFAULT_RETRY_CAP,
                        Duration.ofMillis(1),
                        Duration.ofDays(1)),
                Commitment.parse(commitment),
                env.millis(
                        "CHAINSYNC_HEALTH_MAX_PENDING_AGE_MS",
                        RelayConfig.DEFAULT_UNHEALTHY_PENDING_AGE,
                        Duration.ofSeconds(1),
                        Duration.ofDays(30)));
        if (relay.retryCap().compareTo(relay.retryBase()) < 0) {
            env.problem("CHAINSYNC_RETRY_MAX_MS must not be smaller than CHAINSYNC_RETRY_BASE_MS");
        }

        ReconcileConfig reconcile = new ReconcileConfig(
                env.bool("CHAINSYNC_RECONCILE_ENABLED", true),
                env.millis(
                        "CHAINSYNC_RECONCILE_INTERVAL_MS",
                        ReconcileConfig.DEFAULT_INTERVAL,
                        Duration.ofSeconds(1),
                        Duration.ofDays(1)),
                env.millis(
                        "CHAINSYNC_RECONCILE_WINDOW_MS",
                        ReconcileConfig.DEFAULT_WINDOW,
                        Duration.ofSeconds(1),
                        Duration.ofDays(365)));

        String adminKey = env.raw("CHAINSYNC_ADMIN_API_KEY");
        if (adminKey != null && adminKey.length() < 16) {
            env.problem("CHAINSYNC_ADMIN_API_KEY must be at least 16 characters");
        }
        EdgeConfig edge = new EdgeConfig(
                adminKey,
                env.integer("CHAINSYNC_RATE_LIMIT_PER_MINUTE", EdgeConfig.DEFAULT_RATE_LIMIT_PER_MINUTE, 1, 10_000_000),
                env.bool("CHAINSYNC_METRICS_REQUIRE_KEY", false),
                env.millis(
                        "CHAINSYNC_IDEMPOTENCY_TTL_MS",
                        EdgeConfig.DEFAULT_IDEMPOTENCY_TTL,
                        Duration.ofMinutes(1),
                        Duration.ofDays(30)));

        IngestConfig ingest = IngestConfig.load(env);

        WebhookConfig webhooks = WebhookConfig.load(env, dataDir);

        env.throwIfInvalid();
        return new ChainsyncConfig(
                dataDir,
                database,
                http,
                chain,
                new CredentialConfig(CredentialConfig.MEMO_VERSION),
                relay,
                reconcile,
                edge,
                ingest,
                webhooks);
    }

    /** The same configuration with another HTTP port (the {@code --port} flag). */
    public ChainsyncConfig withHttpPort(int port) {
        return new ChainsyncConfig(
                dataDir, database, http.withPort(port), chain, credentials, relay, reconcile, edge, ingest, webhooks);
    }

    /** The same configuration with the relay switched on or off. */
    public ChainsyncConfig withRelay(RelayConfig newRelay) {
        return new ChainsyncConfig(
                dataDir, database, http, chain, credentials, newRelay, reconcile, edge, ingest, webhooks);
    }

    /** The same configuration with other ingest settings (the {@code --ingest} flag, the demo's embedded Redis). */
    public ChainsyncConfig withIngest(IngestConfig newIngest) {
        return new ChainsyncConfig(
                dataDir, database, http, chain, credentials, relay, reconcile, edge, newIngest, webhooks);
    }

    /** A one-line-per-section description with no secrets, for the start-up log. */
    public String describe() {
        Map<String, Object> parts = new LinkedHashMap<>();
        parts.put("dataDir", dataDir.toAbsolutePath().normalize());
        parts.put("database", database);
        parts.put("http", http);
        parts.put("chain", chain);
        parts.put("relay", relay);
        parts.put("reconcile", reconcile);
        parts.put("edge", edge);
        parts.put("ingest", ingest);
        parts.put("webhooks", webhooks);
        StringBuilder sb = new StringBuilder("effective configuration:");
        parts.forEach((k, v) -> sb.append("\n  ").append(k).append(" = ").append(v));
        return sb.toString();
    }

    private static DatabaseConfig parseDatabase(Env env) {
        int pool = env.integer("CHAINSYNC_DB_POOL_SIZE", DatabaseConfig.DEFAULT_POOL_SIZE, 1, 500);
        String url = env.raw("DATABASE_URL");
        if (url == null) {
            return new DatabaseConfig(null, "postgres", null, pool);
        }
        try {
            return parseDatabaseUrl(url, pool);
        } catch (IllegalArgumentException e) {
            env.problem("DATABASE_URL=" + Redact.url(url) + " " + e.getMessage());
            return new DatabaseConfig(null, "postgres", null, pool);
        }
    }

    /**
     * Accepts {@code postgres://user:pass@host:port/db?params} (the seeds' form) and
     * {@code jdbc:postgresql://...}.
     */
    static DatabaseConfig parseDatabaseUrl(String url, int pool) {
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
            // java.net.URI refuses host names with '_' (docker compose service names have them) and then
            // leaves the authority unparsed: split it here, as PostgreSQL's own libpq would accept it.
            String authority = uri.getRawAuthority();
            int at = authority.lastIndexOf('@');
            userInfo = at < 0 ? null : authority.substring(0, at);
            String hostPort = authority.substring(at + 1);
            java.util.regex.Matcher m = HostPort.PATTERN.matcher(hostPort);
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

    private static String defaultInstanceId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "local");
        return host + "-" + ProcessHandle.current().pid();
    }
}
