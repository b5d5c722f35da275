package dev.chainsync.chain.solana;

import dev.chainsync.chain.AdapterSettings;
import dev.chainsync.chain.RpcUrls;
import dev.chainsync.config.Env;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where and how chainsync talks to Solana: RPC endpoints in order of preference, an optional
 * separate fee payer, an optional priority fee and compute-unit limit.
 *
 * @param rpcUrls HTTP(S) JSON-RPC endpoints, most preferred first
 * @param feePayerKeypair a Solana keypair file paying the fees, or null for the issuer to pay
 * @param computeUnitPriceMicroLamports priority fee per compute unit, or null for none
 * @param computeUnitLimit compute units requested per transaction, or null for the runtime's default
 * @param maxLagBlocks an endpoint further than this behind the best one is not read from
 * @param requestTimeout how long one RPC request may take before the next endpoint is tried
 */
public record SolanaConfig(
        List<URI> rpcUrls,
        Path feePayerKeypair,
        Long computeUnitPriceMicroLamports,
        Integer computeUnitLimit,
        long maxLagBlocks,
        Duration requestTimeout)
        implements AdapterSettings {
    public static final long DEFAULT_MAX_LAG_BLOCKS = 100;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Solana's per-transaction compute-unit ceiling. */
    public static final int MAX_COMPUTE_UNIT_LIMIT = 1_400_000;
    /** A sanity ceiling on the priority fee: 1 SOL per million units, far above any real market price. */
    public static final long MAX_COMPUTE_UNIT_PRICE = 1_000_000_000_000L;

    public SolanaConfig {
        rpcUrls = RpcUrls.check(rpcUrls, "Solana");
        if (computeUnitPriceMicroLamports != null
                && (computeUnitPriceMicroLamports < 0 || computeUnitPriceMicroLamports > MAX_COMPUTE_UNIT_PRICE)) {
            throw new IllegalArgumentException("compute-unit price must be 0.." + MAX_COMPUTE_UNIT_PRICE);
        }
        if (computeUnitLimit != null && (computeUnitLimit < 1 || computeUnitLimit > MAX_COMPUTE_UNIT_LIMIT)) {
            throw new IllegalArgumentException("compute-unit limit must be 1.." + MAX_COMPUTE_UNIT_LIMIT);
        }
        if (maxLagBlocks < 1) {
            throw new IllegalArgumentException("maxLagBlocks must be positive");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive");
        }
    }

    /** These endpoints with the defaults for everything else. */
    public static SolanaConfig of(List<URI> rpcUrls) {
        return new SolanaConfig(rpcUrls, null, null, null, DEFAULT_MAX_LAG_BLOCKS, DEFAULT_REQUEST_TIMEOUT);
    }

    /** With another fee payer keypair file. */
    public SolanaConfig withFeePayer(Path keypair) {
        return new SolanaConfig(
                rpcUrls, keypair, computeUnitPriceMicroLamports, computeUnitLimit, maxLagBlocks, requestTimeout);
    }

    /**
     * Reads {@code CHAINSYNC_SOLANA_*}; every problem goes to {@code env} (reported with the rest),
     * and null comes back when there was one.
     */
    public static SolanaConfig load(Env env) {
        String urls = env.raw("CHAINSYNC_SOLANA_RPC_URLS");
        List<URI> parsed = RpcUrls.parse("CHAINSYNC_SOLANA_RPC_URLS", urls, "solana", env::problem);
        if (parsed == null) {
            parsed = List.of();
        }
        Path feePayer = env.path("CHAINSYNC_SOLANA_FEE_PAYER_KEYPAIR", null);
        if (feePayer != null && !Files.isReadable(feePayer)) {
            env.problem("CHAINSYNC_SOLANA_FEE_PAYER_KEYPAIR names " + feePayer + ", which is not a readable file");
        }
        long price = env.longValue("CHAINSYNC_SOLANA_COMPUTE_UNIT_PRICE", -1, 0, MAX_COMPUTE_UNIT_PRICE);
        int limit = env.integer("CHAINSYNC_SOLANA_COMPUTE_UNIT_LIMIT", -1, 1, MAX_COMPUTE_UNIT_LIMIT);
        long maxLag = env.longValue("CHAINSYNC_SOLANA_MAX_LAG_BLOCKS", DEFAULT_MAX_LAG_BLOCKS, 1, 1_000_000);
        Duration timeout = env.millis(
                "CHAINSYNC_SOLANA_REQUEST_TIMEOUT_MS",
                DEFAULT_REQUEST_TIMEOUT,
                Duration.ofMillis(100),
                Duration.ofMinutes(5));
        try {
            return new SolanaConfig(
                    parsed, feePayer, price < 0 ? null : price, limit < 0 ? null : limit, maxLag, timeout);
        } catch (IllegalArgumentException e) {
            if (urls != null) {
                env.problem("CHAINSYNC_SOLANA_RPC_URLS: " + e.getMessage());
            }
            return null;
        }
    }

    /** How an endpoint is named in logs, metrics and /health: scheme, host and port only, since providers put API keys in paths and queries. */
    public static String label(URI url) {
        return RpcUrls.label(url);
    }

    @Override
    public String toString() {
        return "SolanaConfig[rpcUrls="
                + rpcUrls.stream().map(SolanaConfig::label).toList() + ", feePayerKeypair="
                + feePayerKeypair + ", computeUnitPriceMicroLamports=" + computeUnitPriceMicroLamports
                + ", computeUnitLimit=" + computeUnitLimit + ", maxLagBlocks=" + maxLagBlocks + ", requestTimeout="
                + requestTimeout + "]";
    }
}
