package dev.chainsync.chain.solana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chain.ChainConfig;
import dev.chainsync.config.ConfigException;
import dev.chainsync.config.Env;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SolanaConfigTest {

    /** The chain section as the application loads it (the whole configuration lives in app). */
    private static ChainConfig chain(Map<String, String> vars) {
        return Env.read(vars, env -> ChainConfig.load(env, Path.of(".chainsync")));
    }

    @Test
    void solanaNeedsItsRpcUrlsAndReportsEveryBadValueAtOnce() {
        assertThatThrownBy(() -> chain(Map.of(
                        "CHAINSYNC_CHAIN", "solana",
                        "CHAINSYNC_SOLANA_COMPUTE_UNIT_PRICE", "-3",
                        "CHAINSYNC_SOLANA_COMPUTE_UNIT_LIMIT", "2000000",
                        "CHAINSYNC_SOLANA_FEE_PAYER_KEYPAIR", "/nonexistent/payer.json")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CHAINSYNC_SOLANA_RPC_URLS is required")
                .hasMessageContaining("CHAINSYNC_SOLANA_COMPUTE_UNIT_PRICE")
                .hasMessageContaining("CHAINSYNC_SOLANA_COMPUTE_UNIT_LIMIT")
                .hasMessageContaining("/nonexistent/payer.json");
        assertThatThrownBy(() -> chain(Map.of(
                        "CHAINSYNC_CHAIN", "solana", "CHAINSYNC_SOLANA_RPC_URLS", "ftp://x.example/?api-key=SECRET")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http(s)")
                .hasMessageNotContaining("SECRET");
    }

    @Test
    void urlsKeepTheirOrderAndAreShownWithoutPathsOrQueries() {
        ChainConfig c = chain(Map.of(
                "CHAINSYNC_CHAIN", "solana",
                "CHAINSYNC_SOLANA_RPC_URLS", "https://a.example/abc-token/ , http://127.0.0.1:8899?api-key=SECRET",
                "CHAINSYNC_SOLANA_COMPUTE_UNIT_PRICE", "1000",
                "CHAINSYNC_SOLANA_COMPUTE_UNIT_LIMIT", "20000"));
        SolanaConfig s = c.solana();
        assertThat(s.rpcUrls())
                .containsExactly(
                        URI.create("https://a.example/abc-token/"), URI.create("http://127.0.0.1:8899?api-key=SECRET"));
        assertThat(s.computeUnitPriceMicroLamports()).isEqualTo(1000L);
        assertThat(s.computeUnitLimit()).isEqualTo(20000);
        assertThat(s.maxLagBlocks()).isEqualTo(SolanaConfig.DEFAULT_MAX_LAG_BLOCKS);
        assertThat(c.toString())
                .contains("https://a.example")
                .doesNotContain("SECRET")
                .doesNotContain("abc-token");
    }

    @Test
    void devnetNeedsNoSolanaSettingsAndEvmIsStillRefused() {
        assertThat(chain(Map.of()).solana()).isNull();
        assertThatThrownBy(() -> chain(Map.of("CHAINSYNC_CHAIN", "evm")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("evm is not available");
    }

    @Test
    void recordRefusesNonsense() {
        assertThatThrownBy(() -> SolanaConfig.of(List.of())).hasMessageContaining("at least one");
        assertThatThrownBy(() -> SolanaConfig.of(List.of(URI.create("localhost:8899"))))
                .hasMessageContaining("http(s)");
    }
}
