package dev.chainsync.app;

import dev.chainsync.api.ApiServices;
import dev.chainsync.api.HttpApi;
import dev.chainsync.apikey.ApiKeys;
import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.ChainConfig;
import dev.chainsync.chain.CircuitBreakingChainClient;
import dev.chainsync.chain.Devnet;
import dev.chainsync.chain.DevnetFaults;
import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.chain.evm.EvmChainClient;
import dev.chainsync.chain.evm.EvmConfig;
import dev.chainsync.chain.solana.SolanaChainClient;
import dev.chainsync.chain.solana.SolanaConfig;
import dev.chainsync.credential.CredentialService;
import dev.chainsync.db.Database;
import dev.chainsync.deployment.IdentityGuard;
import dev.chainsync.deployment.SharedIdentity;
import dev.chainsync.idempotency.Idempotency;
import dev.chainsync.ingest.Ingest;
import dev.chainsync.ledger.Ledger;
import dev.chainsync.ledger.TransferBatcher;
import dev.chainsync.outbox.OperationHandler;
import dev.chainsync.outbox.Outbox;
import dev.chainsync.outbox.Relay;
import dev.chainsync.ratelimit.RateLimiter;
import dev.chainsync.reconcile.CredentialReconciler;
import dev.chainsync.reconcile.IngestCompleteness;
import dev.chainsync.reconcile.ReconcileEngine;
import dev.chainsync.reconcile.ReviewQueue;
import dev.chainsync.ticket.SyncQueries;
import dev.chainsync.ticket.TicketService;
import dev.chainsync.ticket.TicketStore;
import dev.chainsync.ticketsync.OwnershipListener;
import dev.chainsync.ticketsync.Royalties;
import dev.chainsync.ticketsync.TicketOwnership;
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
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole service, wired by hand in one place: every component is built here with plain
 * constructors, started in dependency order and closed in reverse. Whatever a failed
 * construction or start had acquired is released before the failure propagates.
 */
public final class Application implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Application.class);
    static final String DEVNET_LEDGER_FILE = "devnet-ledger.jsonl";
    static final Duration PURGE_INTERVAL = Duration.ofMinutes(10);
    static final String UPLOAD_CACHE_DIR = "uploads";

    private final ChainsyncConfig config;
    /** Everything closeable, closed in reverse of the order it was added. */
    private final Resources resources = new Resources();

    private final Devnet devnet;
    private final Ed25519Keypair issuer;
    private final Relay relay;
    private final PollingWorker retentionPurge;
    private final ApiServices services;
    private final ReconcileEngine reconcileEngine;
    private final OwnershipListener ownershipListener;
    private final HttpApi http;
    private boolean closed;

    /** Builds every component; nothing runs until {@link #start()}. */
    public Application(ChainsyncConfig config, Clock clock, RandomGenerator random) {
        this.config = config;
        log.info(config.describe());
        try {
            PrometheusMeterRegistry registry = newRegistry();
            resources.add("metrics", registry::close);
            Database db = resources.add("database", Databases.open(config.database(), config.dataDir(), "chainsync"));
            db.migrate();
            this.issuer = loadIssuer(config);
            // The devnet runs in process; on Solana or EVM there is none (and so no fault switches).
            this.devnet = config.chain().kind().equals(ChainConfig.DEVNET)
                    ? resources.add("devnet", newDevnet(clock, random))
                    : null;
            ChainClient target =
                    devnet != null ? devnet : resources.add("chain client", newRemoteChain(issuer, clock, registry));
            CircuitBreakingChainClient chain = resources.add("chain", withBreaker(target, clock));
            CredentialService credentials = new CredentialService(
                    db.jdbc(),
                    issuer,
                    chain,
                    config.relay().commitment(),
                    config.relay().maxAttempts(),
                    clock);
            TicketService tickets = new TicketService(
                    db.jdbc(), issuer, chain, config.relay().maxAttempts(), clock, new SecureRandom());
            Map<String, OperationHandler> handlers = new HashMap<>(credentials.handlers());
            handlers.putAll(tickets.handlers());
            Outbox outbox = new Outbox(db.jdbc(), handlers, config.relay().maxAttempts(), clock);
            SecretBox secretBox = SecretBox.load(config.webhooks());
            // Before any worker could touch shared state: refuse a start whose identity the others do not share.
            resources.add("shared identity", verifySharedIdentity(db, chain, secretBox, clock));
            WebhookEndpoints webhookEndpoints =
                    new WebhookEndpoints(db.jdbc(), config.webhooks(), secretBox, clock, new SecureRandom());
            Idempotency idempotency =
                    new Idempotency(db.jdbc(), clock, config.edge().idempotencyTtl());
            this.retentionPurge = resources.add(
                    "retention purge",
                    new PollingWorker(
                            "retention-purge", PURGE_INTERVAL, () -> purgeExpired(idempotency, webhookEndpoints)));
            CredentialReconciler reconciler =
                    resources.add("reconciler", newReconciler(db, chain, credentials, clock, registry));
            this.reconcileEngine = resources.add(
                    "reconciliation engine",
                    newReconcileEngine(db, chain, reconciler, tickets.store(), clock, registry));
            // Stops before the engine it triggers (resources close in reverse).
            this.ownershipListener = resources.add(
                    "ticket ownership listener",
                    new OwnershipListener(
                            db.jdbc(), tickets.store(), chain, reconcileEngine, config.ticketSync(), clock, registry));
            WebhookDispatcher webhookDispatcher = resources.add(
                    "webhook dispatcher",
                    new WebhookDispatcher(db.jdbc(), config.webhooks(), secretBox, clock, random, registry));
            this.relay = resources.add(
                    "relay", new Relay(db.jdbc(), chain, issuer, handlers, config.relay(), clock, random, registry));
            // Each ingest worker commits and acknowledges the batch in flight before its connection closes.
            Ingest ingest = resources.add("ingest", new Ingest(db.jdbc(), config.ingest(), clock, registry));
            Ledger ledger = new Ledger(db.jdbc(), clock);
            // In-flight requests' transfer batches commit before the batcher stops: it closes after HTTP.
            TransferBatcher transfers = resources.add(
                    "transfer batcher",
                    new TransferBatcher(db.jdbc(), ledger, idempotency, TransferBatcher.DEFAULT_MAX_BATCH, registry));
            this.services = new ApiServices(
                    clock,
                    registry,
                    db,
                    chain,
                    devnet == null ? null : devnet.faults(),
                    new ApiKeys(
                            db.jdbc(), clock, new SecureRandom(), config.edge().adminApiKey()),
                    new RateLimiter(db.dataSource(), clock, config.edge().defaultRateLimitPerMinute()),
                    idempotency,
                    secretBox,
                    credentials,
                    outbox,
                    relay,
                    reconciler,
                    reconcileEngine,
                    new ReviewQueue(db.jdbc(), reconcileEngine, clock),
                    ingest,
                    ledger,
                    transfers,
                    webhookEndpoints,
                    webhookDispatcher,
                    tickets,
                    ownershipListener);
            this.http = resources.add("http", new HttpApi(httpSettings(config), services));
        } catch (RuntimeException | Error e) {
            resources.close();
            throw e;
        }
    }

    private static Ed25519Keypair loadIssuer(ChainsyncConfig config) {
        Ed25519Keypair issuer = Ed25519Keypair.loadOrGenerate(config.chain().issuerKeypair());
        log.info(
                "issuer address {} (keypair {})",
                issuer.address(),
                config.chain().issuerKeypair());
        return issuer;
    }

    /** The chain client everything uses: {@code target} behind the configured circuit breaker. */
    private CircuitBreakingChainClient withBreaker(ChainClient target, Clock clock) {
        return new CircuitBreakingChainClient(
                target,
                config.chain().breakerFailureRatePercent(),
                config.chain().breakerOpenDuration(),
                clock);
    }

    private CredentialReconciler newReconciler(
            Database db,
            CircuitBreakingChainClient chain,
            CredentialService credentials,
            Clock clock,
            PrometheusMeterRegistry registry) {
        return new CredentialReconciler(
                db.jdbc(),
                chain,
                credentials,
                config.reconcile().interval(),
                config.reconcile().window(),
                clock,
                registry);
    }

    /**
     * The engine schedules every reconciled data type: credentials (CHAINSYNC_RECONCILE_INTERVAL_MS),
     * ingest completeness, ticket ownership (chain wins; the platform's transfers are the issuer's)
     * and royalties (manual review).
     */
    private ReconcileEngine newReconcileEngine(
            Database db,
            CircuitBreakingChainClient chain,
            CredentialReconciler reconciler,
            TicketStore ticketStore,
            Clock clock,
            PrometheusMeterRegistry registry) {
        return new ReconcileEngine(
                        db.jdbc(), config.reconcile().engine(), config.relay().maxAttempts(), clock, registry)
                .register(reconciler.type())
                .register(new IngestCompleteness(
                        db.jdbc(), config.reconcile().engine().ingestMaxQuietBlocks()))
                .register(new TicketOwnership(ticketStore, chain, issuer.address()))
                .register(new Royalties(new SyncQueries(db.jdbc()), chain));
    }

    /**
     * Checks this instance's issuer key, webhook key (by fingerprint) and chain against what the
     * instances on its database recorded; a devnet instance keeps the database's devnet claim open.
     */
    private IdentityGuard verifySharedIdentity(
            Database db, CircuitBreakingChainClient chain, SecretBox secretBox, Clock clock) {
        SharedIdentity identity = new SharedIdentity(
                issuer.address(),
                secretBox.keyId(),
                chain.name(),
                chain.chainId().orElse(null));
        IdentityGuard guard =
                IdentityGuard.verify(db.dataSource(), identity, config.relay().instanceId(), clock);
        log.info(
                "shared identity verified: issuer {}, webhook key {}, chain {} {}",
                identity.issuerPublicKey(),
                identity.webhookKeyFingerprint(),
                identity.chain(),
                identity.chainId() == null ? "(id unknown)" : identity.chainId());
        return guard;
    }

    /** Production wiring: system clock, secure randomness. */
    public static Application create(ChainsyncConfig config) {
        return new Application(config, Clock.systemUTC(), new SecureRandom());
    }

    private static PrometheusMeterRegistry newRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }

    /** The devnet; with a persistent ledger it holds that file's lock until closed. */
    private Devnet newDevnet(Clock clock, RandomGenerator random) {
        return Devnet.builder()
                .clock(clock)
                .slotTime(config.chain().devnetSlotTime())
                .random(random)
                .ledgerFile(config.chain().devnetPersistent() ? config.dataDir().resolve(DEVNET_LEDGER_FILE) : null)
                .faults(new DevnetFaults())
                .build();
    }

    /** The client of a chain outside the process: Solana's or an EVM chain's, over their RPC endpoints. */
    private ChainClient newRemoteChain(Ed25519Keypair issuer, Clock clock, PrometheusMeterRegistry registry) {
        ChainConfig chain = config.chain();
        if (chain.kind().equals(ChainConfig.EVM)) {
            return EvmChainClient.create(
                    chain.adapter(EvmConfig.class),
                    issuer.address(),
                    chain.breakerFailureRatePercent(),
                    chain.breakerOpenDuration(),
                    clock,
                    registry);
        }
        // The issuer signs; a fee payer may pay.
        return SolanaChainClient.create(
                chain.adapter(SolanaConfig.class),
                issuer,
                chain.breakerFailureRatePercent(),
                chain.breakerOpenDuration(),
                clock,
                registry);
    }

    private static HttpApi.Settings httpSettings(ChainsyncConfig config) {
        return new HttpApi.Settings(
                config.http(), config.edge(), config.relay(), config.dataDir().resolve(UPLOAD_CACHE_DIR));
    }

    /**
     * Starts the workers, then the HTTP server. A start that fails closes everything, so nothing of
     * it (threads, claims, the pool, file locks) outlives the failure.
     */
    public synchronized Application start() {
        try {
            http.ensurePortFree();
            if (config.relay().enabled()) {
                relay.start();
            }
            if (config.webhooks().dispatcherEnabled()) {
                services.webhookDispatcher().start();
            }
            if (config.reconcile().enabled()) {
                reconcileEngine.start();
                ownershipListener.start();
            }
            retentionPurge.start();
            services.transfers().start();
            // Ingest (no-op without REDIS_URL): fails the start when Redis is configured but unreachable.
            services.ingest().start();
            http.start();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        log.info(
                "chainsync listening on http://localhost:{} (database {}, chain {})",
                http.port(),
                services.database().describe(),
                services.chain().name());
        return this;
    }

    /**
     * Stops in reverse of construction: HTTP stops accepting and finishes in-flight requests (their
     * transfer batches commit before the batcher stops); ingest commits and acknowledges the batches
     * in flight; the relay finishes its passes and releases its claims; the webhook dispatcher
     * finishes its deliveries; reconciliation stops; then the chain and the pool close.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("shutting down");
        resources.close();
        log.info("shutdown complete");
    }

    /** Drops expired Idempotency-Key records and old delivered webhook messages. */
    private static int purgeExpired(Idempotency idempotency, WebhookEndpoints webhookEndpoints) {
        int keys = idempotency.purgeExpired();
        int messages = webhookEndpoints.purgeDelivered();
        if (keys + messages > 0) {
            log.info("purged {} expired idempotency records and {} delivered webhook messages", keys, messages);
        }
        return 0;
    }

    public ChainsyncConfig config() {
        return config;
    }

    /** The reconciliation engine: its data types, runs and retention. */
    public ReconcileEngine reconcileEngine() {
        return reconcileEngine;
    }

    /** The ticket ownership listener (its passes are driven by hand in tests). */
    public OwnershipListener ownershipListener() {
        return ownershipListener;
    }

    /** The services behind the HTTP API (the database, the outbox, API keys, the ledger, ...). */
    public ApiServices services() {
        return services;
    }

    /** The relay (its passes are driven by hand in tests that switch its loop off). */
    public Relay relay() {
        return relay;
    }

    /** The in-process devnet with its fault switches, or null when the chain is another (Solana). */
    public Devnet devnet() {
        return devnet;
    }

    /** The issuer's keypair: it signs credentials and their chain transactions. */
    public Ed25519Keypair issuer() {
        return issuer;
    }

    /** The port the HTTP server is bound to (useful when configured as 0). */
    public int httpPort() {
        return http.port();
    }
}
