package dev.chainsync.chain.solana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.config.ChainsyncConfig;
import dev.chainsync.config.ConfigException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SolanaConfigTest {

    @Test
    void solanaNeedsItsRpcUrlsAndReportsEveryBadValueAtOnce() {
        assertThatThrownBy(() -> ChainsyncConfig.fromEnvironment(Map.of(
                        "CHAINSYNC_CHAIN", "solana",
                        "CHAINSYNC_SOLANA_COMPUTE_UNIT_PRICE", "-3",
                        "CHAINSYNC_SOLANA_COMPUTE_UNIT_LIMIT", "2000000",
                        "CHAINSYNC_SOLANA_FEE_PAYER_KEYPAIR", "/nonexistent/payer.json")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CHAINSYNC_SOLANA_RPC_URLS is required")
                .hasMessageContaining("CHAINSYNC_SOLANA_COMPUTE_UNIT_PRICE")
                .hasMessageContaining("CHAINSYNC_SOLANA_COMPUTE_UNIT_LIMIT")
                .hasMessageContaining("/nonexistent/payer.json");
        assertThatThrownBy(() -> ChainsyncConfig.fromEnvironment(Map.of(
                        "CHAINSYNC_CHAIN", "solana", "CHAINSYNC_SOLANA_RPC_URLS", "ftp://x.example/?api-key=SECRET")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http(s)")
                .hasMessageNotContaining("SECRET");
    }

    @Test
    void urlsKeepTheirOrderAndAreShownWithoutPathsOrQueries() {
        ChainsyncConfig c = ChainsyncConfig.fromEnvironment(Map.of(
                "CHAINSYNC_CHAIN", "solana",
                "CHAINSYNC_SOLANA_RPC_URLS", "https://a.example/abc-token/ , http://127.0.0.1:8899?api-key=SECRET",
                "CHAINSYNC_SOLANA_COMPUTE_UNIT_PRICE", "1000",
                "CHAINSYNC_SOLANA_COMPUTE_UNIT_LIMIT", "20000"));
        SolanaConfig s = c.chain().solana();
        assertThat(s.rpcUrls())
                .containsExactly(
                        URI.create("https://a.example/abc-token/"), URI.create("http://127.0.0.1:8899?api-key=SECRET"));
        assertThat(s.computeUnitPriceMicroLamports()).isEqualTo(1000L);
        assertThat(s.computeUnitLimit()).isEqualTo(20000);
        assertThat(s.maxLagBlocks()).isEqualTo(SolanaConfig.DEFAULT_MAX_LAG_BLOCKS);
        assertThat(c.describe())
                .contains("https://a.example")
                .doesNotContain("SECRET")
                .doesNotContain("abc-token");
    }

    @Test
    void devnetNeedsNoSolanaSettings() {
        assertThat(ChainsyncConfig.fromEnvironment(Map.of()).chain().solana()).isNull();
    }

    @Test
    void recordRefusesNonsense() {
        assertThatThrownBy(() -> SolanaConfig.of(List.of())).hasMessageContaining("at least one");
        assertThatThrownBy(() -> SolanaConfig.of(List.of(URI.create("localhost:8899"))))
                .hasMessageContaining("http(s)");
    }
}
