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
 */
public record EvmConfig(
        List<URI> rpcUrls,
        long chainId,
        Path signerKeyFile,
        String anchorContract,
        int confirmations,
        int replaceAfterBlocks,
        Duration requestTimeout)
        implements AdapterSettings {
    public static final int DEFAULT_CONFIRMATIONS = 12;
    public static final int DEFAULT_REPLACE_AFTER_BLOCKS = 20;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
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
                requestTimeout);
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
        if (urls == null || chainId < 0 || key == null || anchor == null) {
            return null;
        }
        try {
            return new EvmConfig(urls, chainId, key, anchor.strip(), confirmations, replaceAfter, timeout);
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
                + "]";
    }
}
