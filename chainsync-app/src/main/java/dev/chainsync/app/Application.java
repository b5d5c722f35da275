package dev.chainsync.app;

import dev.chainsync.api.HttpApi;
import dev.chainsync.apikey.ApiKeys;
import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.CircuitBreakingChainClient;
import dev.chainsync.chain.Devnet;
import dev.chainsync.chain.DevnetFaults;
import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.chain.evm.EvmChainClient;
import dev.chainsync.chain.solana.SolanaChainClient;
import dev.chainsync.config.ChainsyncConfig;
import dev.chainsync.config.ChainsyncConfig.ChainConfig;
import dev.chainsync.credential.CredentialService;
import dev.chainsync.db.Database;
import dev.chainsync.idempotency.Idempotency;
import dev.chainsync.ingest.Ingest;
import dev.chainsync.ledger.Ledger;
import dev.chainsync.ledger.TransferBatcher;
import dev.chainsync.outbox.Outbox;
import dev.chainsync.outbox.Relay;
import dev.chainsync.ratelimit.RateLimiter;
import dev.chainsync.reconcile.CredentialReconciler;
import dev.chainsync.webhook.SecretBox;
import dev.chainsync.webhook.WebhookDispatcher;
import dev.chainsync.webhook.WebhookEndpoints;
import dev.chainsync.worker.PollingWorker;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole service, wired by hand in one place: every component is built here with plain
 * constructors, started in dependency order and closed in reverse.
 */
public final class Application implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Application.class);
    static final String DEVNET_LEDGER_FILE = "devnet-ledger.jsonl";
    static final java.time.Duration PURGE_INTERVAL = java.time.Duration.ofMinutes(10);

    private final ChainsyncConfig config;
    private final Clock clock;
    private final PrometheusMeterRegistry registry;
    private final Database database;
    private final Devnet devnet;
    private final CircuitBreakingChainClient chain;
    private final Ed25519Keypair issuer;
    private final CredentialService credentials;
    private final Outbox outbox;
    private final Relay relay;
    private final SecretBox secretBox;
    private final WebhookEndpoints webhookEndpoints;
    private final WebhookDispatcher webhookDispatcher;
    private final CredentialReconciler reconciler;
    private final Ingest ingest;
    private final ApiKeys apiKeys;
    private final RateLimiter rateLimiter;
    private final Idempotency idempotency;
    private final PollingWorker retentionPurge;
    private final Ledger ledger;
    private final TransferBatcher transfers;
    private final HttpApi http;
    private boolean closed;

    /** Builds every component; nothing runs until {@link #start()}. */
    public Application(ChainsyncConfig config, Clock clock, RandomGenerator random) {
        this.config = config;
        this.clock = clock;
        log.info(config.describe());
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);

        Database db = Database.open(config.database(), config.dataDir(), "chainsync");
        try {
            db.migrate();
            this.database = db;
            this.issuer = Ed25519Keypair.loadOrGenerate(config.chain().issuerKeypair());
            log.info(
                    "issuer address {} (keypair {})",
                    issuer.address(),
                    config.chain().issuerKeypair());
            this.devnet = config.chain().kind().equals(ChainConfig.DEVNET) ? devnet(config, clock, random) : null;
            this.chain = new CircuitBreakingChainClient(
                    devnet != null
                            ? devnet
                            : config.chain().kind().equals(ChainConfig.EVM)
                                    ? EvmChainClient.create(config.chain().evm(), issuer.address())
                                    : solana(config, issuer, clock, registry),
                    config.chain().breakerFailureRatePercent(),
                    config.chain().breakerOpenDuration(),
                    clock);
            this.credentials = new CredentialService(
                    db.jdbc(),
                    issuer,
                    chain,
                    config.relay().commitment(),
                    config.relay().maxAttempts(),
                    clock);
            this.outbox =
                    new Outbox(db.jdbc(), credentials.handlers(), config.relay().maxAttempts(), clock);
            this.relay = new Relay(
                    db.jdbc(), chain, issuer, credentials.handlers(), config.relay(), clock, random, registry);
            SecretBox webhookSecrets = SecretBox.load(config.webhooks());
            this.secretBox = webhookSecrets;
            this.webhookEndpoints =
                    new WebhookEndpoints(db.jdbc(), config.webhooks(), webhookSecrets, clock, new SecureRandom());
            this.webhookDispatcher =
                    new WebhookDispatcher(db.jdbc(), config.webhooks(), webhookSecrets, clock, random, registry);
            this.reconciler = new CredentialReconciler(
                    db.jdbc(),
                    chain,
                    credentials,
                    config.reconcile().interval(),
                    config.reconcile().window(),
                    clock,
                    registry);
            this.ingest = new Ingest(db.jdbc(), config.ingest(), clock, registry);
            this.apiKeys = new ApiKeys(
                    db.jdbc(), clock, new SecureRandom(), config.edge().adminApiKey());
            this.rateLimiter =
                    new RateLimiter(db.dataSource(), clock, config.edge().defaultRateLimitPerMinute());
            this.idempotency = new Idempotency(db.jdbc(), clock, config.edge().idempotencyTtl());
            this.retentionPurge = new PollingWorker("retention-purge", PURGE_INTERVAL, this::purgeExpired);
            this.ledger = new Ledger(db.jdbc(), clock);
            this.transfers =
                    new TransferBatcher(db.jdbc(), ledger, idempotency, TransferBatcher.DEFAULT_MAX_BATCH, registry);
            this.http = new HttpApi(config, this, registry);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private static Devnet devnet(ChainsyncConfig config, Clock clock, RandomGenerator random) {
        return Devnet.builder()
                .clock(clock)
                .slotTime(config.chain().devnetSlotTime())
                .random(random)
                .ledgerFile(config.chain().devnetPersistent() ? config.dataDir().resolve(DEVNET_LEDGER_FILE) : null)
                .faults(new DevnetFaults())
                .build();
    }

    private static ChainClient solana(
            ChainsyncConfig config, Ed25519Keypair issuer, Clock clock, PrometheusMeterRegistry registry) {
        ChainConfig chain = config.chain();
        return SolanaChainClient.create(
                chain.solana(),
                issuer,
                chain.breakerFailureRatePercent(),
                chain.breakerOpenDuration(),
                clock,
                registry);
    }

    /** Production wiring: system clock, secure randomness. */
    public static Application create(ChainsyncConfig config) {
        return new Application(config, Clock.systemUTC(), new SecureRandom());
    }

    /** Starts the workers, then the HTTP server. */
    public synchronized Application start() {
        http.ensurePortFree();
        if (config.relay().enabled()) {
            relay.start();
        }
        if (config.webhooks().dispatcherEnabled()) {
            webhookDispatcher.start();
        }
        if (config.reconcile().enabled()) {
            reconciler.start();
        }
        retentionPurge.start();
        transfers.start();
        // Ingest (no-op without REDIS_URL): fails the start when Redis is configured but unreachable.
        ingest.start();
        http.start();
        log.info(
                "chainsync listening on http://localhost:{} (database {}, chain {})",
                http.port(),
                database.describe(),
                chain.name());
        return this;
    }

    /**
     * Stops in order: HTTP stops accepting and finishes in-flight requests (their transfer batches
     * commit before the batcher stops); ingest commits and
     * acknowledges the batches in flight; the relay finishes its passes and releases its claims; reconciliation stops; then the chain and the pool close.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("shutting down");
        closeQuietly("http", http);
        closeQuietly("transfer batcher", transfers);
        // Each ingest worker commits and acknowledges the batch in flight before its connection closes.
        closeQuietly("ingest", ingest);
        closeQuietly("relay", relay);
        closeQuietly("webhook dispatcher", webhookDispatcher);
        closeQuietly("reconciler", reconciler);
        closeQuietly("retention purge", retentionPurge);
        closeQuietly("chain", chain);
        closeQuietly("database", database);
        registry.close();
        log.info("shutdown complete");
    }

    /** Drops expired Idempotency-Key records and old delivered webhook messages. */
    private int purgeExpired() {
        int keys = idempotency.purgeExpired();
        int messages = webhookEndpoints.purgeDelivered();
        if (keys + messages > 0) {
            log.info("purged {} expired idempotency records and {} delivered webhook messages", keys, messages);
        }
        return 0;
    }

    private static void closeQuietly(String what, AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.warn("closing {} failed", what, e);
        }
    }

    public ChainsyncConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public Database database() {
        return database;
    }

    public ChainClient chain() {
        return chain;
    }

    public CircuitBreakingChainClient guardedChain() {
        return chain;
    }

    /** The in-process devnet, or null when the chain is another (Solana). */
    public Devnet devnet() {
        return devnet;
    }

    public Ed25519Keypair issuer() {
        return issuer;
    }

    public CredentialService credentials() {
        return credentials;
    }

    public Outbox outbox() {
        return outbox;
    }

    public Relay relay() {
        return relay;
    }

    /** Encrypts secrets at rest: webhook signing secrets and stored responses that carry a secret. */
    public SecretBox secretBox() {
        return secretBox;
    }

    public WebhookEndpoints webhookEndpoints() {
        return webhookEndpoints;
    }

    public WebhookDispatcher webhookDispatcher() {
        return webhookDispatcher;
    }

    public RateLimiter rateLimiter() {
        return rateLimiter;
    }

    /** Applies transfers in batches (one commit for all transfers queued together). */
    public TransferBatcher transfers() {
        return transfers;
    }

    public Idempotency idempotency() {
        return idempotency;
    }

    public Ledger ledger() {
        return ledger;
    }

    public ApiKeys apiKeys() {
        return apiKeys;
    }

    public Ingest ingest() {
        return ingest;
    }

    public CredentialReconciler reconciler() {
        return reconciler;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The port the HTTP server is bound to (useful when configured as 0). */
    public int httpPort() {
        return http.port();
    }
}
