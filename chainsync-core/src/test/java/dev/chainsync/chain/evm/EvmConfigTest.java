package dev.chainsync.chain.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chain.ChainConfig;
import dev.chainsync.config.ConfigException;
import dev.chainsync.config.Env;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvmConfigTest {
    static final String ANCHOR = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

    /** The chain section as the application loads it (the whole configuration lives in app). */
    private static ChainConfig chain(Map<String, String> vars) {
        return Env.read(
                vars, env -> ChainConfig.load(env, Path.of(".chainsync"), Map.of(ChainConfig.EVM, EvmConfig::load)));
    }

    @Test
    void evmSettingsAreReadAndValidated(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("k"), "0x" + "11".repeat(32));
        ChainConfig c = chain(Map.of(
                "CHAINSYNC_CHAIN", "evm",
                "CHAINSYNC_EVM_RPC_URLS", "http://a:8545/key-SECRET, https://b",
                "CHAINSYNC_EVM_CHAIN_ID", "8453",
                "CHAINSYNC_EVM_SIGNER_KEY_FILE", key.toString(),
                "CHAINSYNC_EVM_ANCHOR_CONTRACT", ANCHOR,
                "CHAINSYNC_EVM_CONFIRMATIONS", "5",
                "CHAINSYNC_EVM_MAX_LAG_BLOCKS", "40"));
        EvmConfig evm = c.adapter(EvmConfig.class);
        assertThat(evm.maxLagBlocks()).isEqualTo(40);
        assertThat(evm.rpcUrls()).hasSize(2);
        assertThat(evm.chainId()).isEqualTo(8453);
        assertThat(evm.confirmations()).isEqualTo(5);
        assertThat(evm.anchorContract()).isEqualTo(ANCHOR.toLowerCase());
        assertThat(evm.toString()).doesNotContain("SECRET");
        assertThat(c.adapter()).isInstanceOf(EvmConfig.class);
    }

    @Test
    void everyMissingSettingIsReportedAtOnce() {
        assertThatThrownBy(() ->
                        chain(Map.of("CHAINSYNC_CHAIN", "evm", "CHAINSYNC_EVM_SIGNER_KEY_FILE", "/nonexistent/key")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CHAINSYNC_EVM_RPC_URLS is required")
                .hasMessageContaining("CHAINSYNC_EVM_CHAIN_ID is required")
                .hasMessageContaining("not a readable file")
                .hasMessageContaining("CHAINSYNC_EVM_ANCHOR_CONTRACT is required");
    }

    @Test
    void recordRefusesNonsense() {
        Path key = Path.of("k");
        List<URI> urls = List.of(URI.create("http://x"));
        assertThatThrownBy(() -> EvmConfig.of(List.of(), 1, key, ANCHOR)).hasMessageContaining("at least one");
        assertThatThrownBy(() -> EvmConfig.of(List.of(URI.create("ws://x")), 1, key, ANCHOR))
                .hasMessageContaining("http(s)");
        assertThatThrownBy(() -> EvmConfig.of(urls, 0, key, ANCHOR)).hasMessageContaining("chain id");
        assertThatThrownBy(() -> EvmConfig.of(urls, 1, key, "0x1234")).hasMessageContaining("40 hex");
        assertThatThrownBy(() -> EvmConfig.of(urls, 1, key, ANCHOR).withBlocks(0, 5))
                .hasMessageContaining("confirmations");
        assertThat(EvmConfig.of(urls, 1, key, ANCHOR).maxLagBlocks()).isEqualTo(EvmConfig.DEFAULT_MAX_LAG_BLOCKS);
        assertThatThrownBy(
                        () -> EvmConfig.of(urls, 1, key, ANCHOR).withEndpointLimits(java.time.Duration.ofSeconds(1), 0))
                .hasMessageContaining("maxLagBlocks");
    }

    @Test
    void keyFileMustHoldAHexKey(@TempDir Path dir) throws Exception {
        assertThat(EvmChainClient.readKey(Files.writeString(dir.resolve("a"), "  0x" + "ab".repeat(32) + "\n")))
                .isEqualTo("ab".repeat(32));
        Path bad = Files.writeString(dir.resolve("b"), "not a key");
        assertThatThrownBy(() -> EvmChainClient.readKey(bad))
                .hasMessageContaining("32-byte hex")
                .hasMessageNotContaining("not a key");
    }
}
