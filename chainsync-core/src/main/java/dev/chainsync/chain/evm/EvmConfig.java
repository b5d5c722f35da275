package dev.chainsync.chain.evm;

import dev.chainsync.chain.AdapterSettings;
import dev.chainsync.chain.RpcUrls;
import dev.chainsync.config.Env;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where and how chainsync writes to an EVM chain: RPC endpoints in order of preference, the chain
 * id, the signer's key file, the anchor contract, and how settled a receipt must be.
 *
 * @param rpcUrls HTTP(S) JSON-RPC endpoints, most preferred first
 * @param chainId the chain id every transaction is signed for (EIP-155), checked against the node
 * @param signerKeyFile a file holding the signer's secp256k1 private key as hex
 * @param anchorContract the anchor contract's address (0x + 40 hex digits)
 * @param confirmations blocks (its own included) a receipt needs to count as {@code confirmed}
 * @param replaceAfterBlocks blocks after which an unlanded transaction is replaced (same nonce, higher fee)
 * @param requestTimeout how long one RPC request may take before the next endpoint is tried
 * @param maxLagBlocks an endpoint further than this behind the best one is not read from
 */
public record EvmConfig(
        List<URI> rpcUrls,
        long chainId,
        Path signerKeyFile,
        String anchorContract,
        int confirmations,
        int replaceAfterBlocks,
        Duration requestTimeout,
        long maxLagBlocks)
        implements AdapterSettings {
    public static final int DEFAULT_CONFIRMATIONS = 12;
    public static final int DEFAULT_REPLACE_AFTER_BLOCKS = 20;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Endpoints further behind the best than this are skipped: about four minutes of Ethereum
     * mainnet blocks, under a minute on the faster L2s; block times differ too much among EVM chains
     * for one figure in seconds, so set it to what your chain makes in about a minute.
     */
    public static final long DEFAULT_MAX_LAG_BLOCKS = 20;

    static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");

    public EvmConfig {
        rpcUrls = RpcUrls.check(rpcUrls, "EVM");
        if (chainId < 1) {
            throw new IllegalArgumentException("chain id must be positive");
        }
        java.util.Objects.requireNonNull(signerKeyFile, "signerKeyFile");
        if (anchorContract == null || !ADDRESS.matcher(anchorContract).matches()) {
            throw new IllegalArgumentException("anchor contract must be 0x and 40 hex digits");
        }
        anchorContract = anchorContract.toLowerCase(Locale.ROOT);
        if (confirmations < 1) {
            throw new IllegalArgumentException("confirmations must be at least 1");
        }
        if (replaceAfterBlocks < 1) {
            throw new IllegalArgumentException("replaceAfterBlocks must be positive");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive");
        }
        if (maxLagBlocks < 1) {
            throw new IllegalArgumentException("maxLagBlocks must be positive");
        }
    }

    /** With the default lag beyond which an endpoint is skipped. */
    public EvmConfig(
            List<URI> rpcUrls,
            long chainId,
            Path signerKeyFile,
            String anchorContract,
            int confirmations,
            int replaceAfterBlocks,
            Duration requestTimeout) {
        this(
                rpcUrls,
                chainId,
                signerKeyFile,
                anchorContract,
                confirmations,
                replaceAfterBlocks,
                requestTimeout,
                DEFAULT_MAX_LAG_BLOCKS);
    }

    /** These endpoints, chain, key and contract with the defaults for everything else. */
    public static EvmConfig of(List<URI> rpcUrls, long chainId, Path signerKeyFile, String anchorContract) {
        return new EvmConfig(
                rpcUrls,
                chainId,
                signerKeyFile,
                anchorContract,
                DEFAULT_CONFIRMATIONS,
                DEFAULT_REPLACE_AFTER_BLOCKS,
                DEFAULT_REQUEST_TIMEOUT);
    }

    /** With another confirmation depth and replacement window. */
    public EvmConfig withBlocks(int newConfirmations, int newReplaceAfterBlocks) {
        return new EvmConfig(
                rpcUrls,
                chainId,
                signerKeyFile,
                anchorContract,
                newConfirmations,
                newReplaceAfterBlocks,
                requestTimeout,
                maxLagBlocks);
    }

    /** With other endpoints, most preferred first. */
    public EvmConfig withRpcUrls(List<URI> urls) {
        return new EvmConfig(
                urls,
                chainId,
                signerKeyFile,
                anchorContract,
                confirmations,
                replaceAfterBlocks,
                requestTimeout,
                maxLagBlocks);
    }

    /** With another request timeout and lag beyond which an endpoint is skipped. */
    public EvmConfig withEndpointLimits(Duration newRequestTimeout, long newMaxLagBlocks) {
        return new EvmConfig(
                rpcUrls,
                chainId,
                signerKeyFile,
                anchorContract,
                confirmations,
                replaceAfterBlocks,
                newRequestTimeout,
                newMaxLagBlocks);
    }

    /**
     * Reads {@code CHAINSYNC_EVM_*}; every problem goes to {@code env} (reported with the rest), and
     * null comes back when there was one.
     */
    public static EvmConfig load(Env env) {
        List<URI> urls =
                RpcUrls.parse("CHAINSYNC_EVM_RPC_URLS", env.raw("CHAINSYNC_EVM_RPC_URLS"), "evm", env::problem);
        long chainId = env.longValue("CHAINSYNC_EVM_CHAIN_ID", -1, 1, Long.MAX_VALUE);
        if (chainId < 0) {
            env.problem("CHAINSYNC_EVM_CHAIN_ID is required with CHAINSYNC_CHAIN=evm (the chain's EIP-155 id)");
        }
        Path key = env.path("CHAINSYNC_EVM_SIGNER_KEY_FILE", null);
        if (key == null) {
            env.problem("CHAINSYNC_EVM_SIGNER_KEY_FILE is required with CHAINSYNC_CHAIN=evm"
                    + " (a file holding the signer's private key as hex)");
        } else if (!Files.isReadable(key)) {
            env.problem("CHAINSYNC_EVM_SIGNER_KEY_FILE names " + key + ", which is not a readable file");
        }
        String anchor = env.raw("CHAINSYNC_EVM_ANCHOR_CONTRACT");
        if (anchor == null || !ADDRESS.matcher(anchor.strip()).matches()) {
            env.problem("CHAINSYNC_EVM_ANCHOR_CONTRACT is required with CHAINSYNC_CHAIN=evm"
                    + " (the anchor contract's address, 0x and 40 hex digits)");
        }
        int confirmations = env.integer("CHAINSYNC_EVM_CONFIRMATIONS", DEFAULT_CONFIRMATIONS, 1, 10_000);
        int replaceAfter = env.integer("CHAINSYNC_EVM_REPLACE_AFTER_BLOCKS", DEFAULT_REPLACE_AFTER_BLOCKS, 1, 100_000);
        Duration timeout = env.millis(
                "CHAINSYNC_EVM_REQUEST_TIMEOUT_MS",
                DEFAULT_REQUEST_TIMEOUT,
                Duration.ofMillis(100),
                Duration.ofMinutes(5));
        long maxLag = env.longValue("CHAINSYNC_EVM_MAX_LAG_BLOCKS", DEFAULT_MAX_LAG_BLOCKS, 1, 1_000_000);
        if (urls == null || chainId < 0 || key == null || anchor == null) {
            return null;
        }
        try {
            return new EvmConfig(urls, chainId, key, anchor.strip(), confirmations, replaceAfter, timeout, maxLag);
        } catch (IllegalArgumentException e) {
            env.problem("CHAINSYNC_EVM_*: " + e.getMessage());
            return null;
        }
    }

    /** How an endpoint is named in logs and /health: scheme, host and port only (providers put API keys in paths). */
    public static String label(URI url) {
        return RpcUrls.label(url);
    }

    @Override
    public String toString() {
        return "EvmConfig[rpcUrls=" + rpcUrls.stream().map(EvmConfig::label).toList() + ", chainId=" + chainId
                + ", signerKeyFile=" + signerKeyFile + ", anchorContract=" + anchorContract + ", confirmations="
                + confirmations + ", replaceAfterBlocks=" + replaceAfterBlocks + ", requestTimeout=" + requestTimeout
                + ", maxLagBlocks=" + maxLagBlocks + "]";
    }
}
