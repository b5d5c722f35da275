package dev.chainsync.app;

import dev.chainsync.api.EdgeConfig;
import dev.chainsync.api.HttpConfig;
import dev.chainsync.chain.ChainConfig;
import dev.chainsync.chain.evm.EvmConfig;
import dev.chainsync.chain.solana.SolanaConfig;
import dev.chainsync.config.ConfigException;
import dev.chainsync.config.Env;
import dev.chainsync.db.DatabaseConfig;
import dev.chainsync.ingest.IngestConfig;
import dev.chainsync.outbox.RelayConfig;
import dev.chainsync.reconcile.ReconcileConfig;
import dev.chainsync.ticketsync.TicketSyncConfig;
import dev.chainsync.webhook.WebhookConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole effective configuration, loaded from environment variables and validated once at
 * start. Each section is a record of the package that uses it, reads its own variables and
 * validates itself; this record only gathers them. Names come from the seeds where they exist
 * ({@code DATABASE_URL}, {@code HTTP_PORT}); the rest are prefixed {@code CHAINSYNC_}.
 */
public record ChainsyncConfig(
        Path dataDir,
        DatabaseConfig database,
        HttpConfig http,
        ChainConfig chain,
        RelayConfig relay,
        ReconcileConfig reconcile,
        EdgeConfig edge,
        IngestConfig ingest,
        WebhookConfig webhooks,
        TicketSyncConfig ticketSync) {

    public static final Path DEFAULT_DATA_DIR = Path.of(".chainsync");

    /** Loads and validates; throws {@link ConfigException} listing every bad value of every section. */
    public static ChainsyncConfig fromEnvironment(Map<String, String> vars) {
        return load(new Env(vars));
    }

    /** Reads every section from {@code env}; {@link Env#namesRead()} then lists the variables read. */
    static ChainsyncConfig load(Env env) {
        Path dataDir = env.path("CHAINSYNC_DATA_DIR", DEFAULT_DATA_DIR);
        DatabaseConfig database = DatabaseConfig.load(env);
        HttpConfig http = HttpConfig.load(env);
        ChainConfig chain = ChainConfig.load(
                env, dataDir, Map.of(ChainConfig.SOLANA, SolanaConfig::load, ChainConfig.EVM, EvmConfig::load));
        RelayConfig relay = RelayConfig.load(env);
        ReconcileConfig reconcile = ReconcileConfig.load(env);
        EdgeConfig edge = EdgeConfig.load(env);
        IngestConfig ingest = IngestConfig.load(env);
        WebhookConfig webhooks = WebhookConfig.load(env, dataDir);
        TicketSyncConfig ticketSync = TicketSyncConfig.load(env);
        env.throwIfInvalid();
        return new ChainsyncConfig(
                dataDir, database, http, chain, relay, reconcile, edge, ingest, webhooks, ticketSync);
    }

    /** The same configuration with another HTTP port (the {@code --port} flag). */
    public ChainsyncConfig withHttpPort(int port) {
        return new ChainsyncConfig(
                dataDir, database, http.withPort(port), chain, relay, reconcile, edge, ingest, webhooks, ticketSync);
    }

    /** The same configuration with other ingest settings (the {@code --ingest} flag, the demo's embedded Redis). */
    public ChainsyncConfig withIngest(IngestConfig newIngest) {
        return new ChainsyncConfig(
                dataDir, database, http, chain, relay, reconcile, edge, newIngest, webhooks, ticketSync);
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
        parts.put("ticketSync", ticketSync);
        StringBuilder sb = new StringBuilder("effective configuration:");
        parts.forEach((k, v) -> sb.append("\n  ").append(k).append(" = ").append(v));
        return sb.toString();
    }
}
