package dev.chainsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.config.Env;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code CHAINSYNC_INGEST_SOURCE=evm}: its variables, checked at start, and the range planning. */
class EvmSourceConfigTest {
    static final String CONTRACT = "0x430BBF52503BD4801E51182F4CB9F8F534225DE5";

    @Test
    void theEvmSourceReadsItsVariablesAndSwitchesIngestOn() {
        IngestConfig c = Env.read(
                Map.of(
                        "CHAINSYNC_INGEST_SOURCE", "evm",
                        "CHAINSYNC_EVM_RPC_URLS", "https://base.example/v2/KEY, http://127.0.0.1:8545",
                        "CHAINSYNC_INTUITION_CONTRACT", CONTRACT,
                        "CHAINSYNC_EVM_START_BLOCK", "24000000",
                        "CHAINSYNC_EVM_NETWORK", "base"),
                IngestConfig::load);
        assertThat(c.enabled()).isTrue();
        assertThat(c.evmSource()).isTrue();
        assertThat(c.kafkaSource()).isFalse();
        EvmSourceConfig e = c.evm();
        assertThat(e.rpcUrls())
                .containsExactly(URI.create("https://base.example/v2/KEY"), URI.create("http://127.0.0.1:8545"));
        assertThat(e.contracts()).containsExactly(CONTRACT.toLowerCase(java.util.Locale.ROOT));
        assertThat(e.startBlock()).isEqualTo(24_000_000);
        assertThat(e.network()).isEqualTo("base");
        assertThat(e.stream()).isEqualTo("evm:base");
        assertThat(e.maxBlockRange()).isEqualTo(EvmSourceConfig.DEFAULT_MAX_BLOCK_RANGE);
        assertThat(e.requestTimeout()).isEqualTo(EvmSourceConfig.DEFAULT_REQUEST_TIMEOUT);
        assertThat(c.toString()).as("provider keys sit in URL paths").doesNotContain("KEY");
    }

    @Test
    void everyMissingOrBadVariableIsNamedAtStart() {
        assertThatThrownBy(() -> Env.read(Map.of("CHAINSYNC_INGEST_SOURCE", "evm"), IngestConfig::load))
                .hasMessageContaining("CHAINSYNC_EVM_RPC_URLS is required with CHAINSYNC_INGEST_SOURCE=evm");
        assertThatThrownBy(() -> Env.read(
                        Map.of(
                                "CHAINSYNC_INGEST_SOURCE", "evm",
                                "CHAINSYNC_EVM_RPC_URLS", "ws://node:8546",
                                "CHAINSYNC_INTUITION_CONTRACT", CONTRACT,
                                "CHAINSYNC_EVM_NETWORK", "base"),
                        IngestConfig::load))
                .hasMessageContaining("must be http(s)");
        assertThatThrownBy(() -> Env.read(
                        Map.of(
                                "CHAINSYNC_INGEST_SOURCE", "evm",
                                "CHAINSYNC_EVM_RPC_URLS", "http://node:8545",
                                "CHAINSYNC_INTUITION_CONTRACT", "0x1234",
                                "CHAINSYNC_EVM_START_BLOCK", "-1",
                                "CHAINSYNC_EVM_MAX_BLOCK_RANGE", "0"),
                        IngestConfig::load))
                .hasMessageContaining("CHAINSYNC_INTUITION_CONTRACT: '0x1234' is not 0x + 40 hex digits")
                .hasMessageContaining("CHAINSYNC_EVM_START_BLOCK must not be negative")
                .hasMessageContaining("CHAINSYNC_EVM_NETWORK must name the network")
                .hasMessageContaining("CHAINSYNC_EVM_MAX_BLOCK_RANGE must be between 1 and 1000000");
        assertThatThrownBy(() -> Env.read(Map.of("CHAINSYNC_INGEST_SOURCE", "ethereum"), IngestConfig::load))
                .hasMessageContaining("CHAINSYNC_INGEST_SOURCE");
    }

    @Test
    void rangesStopAtTheHeadAndAtTheFinalizedBlock() {
        assertThat(EvmRanges.next(100, 100, 90, 50)).isEqualTo(new EvmRanges.AtHead(100));
        assertThat(EvmRanges.next(9, 1000, 500, 100)).isEqualTo(new EvmRanges.Read(10, 109, false));
        assertThat(EvmRanges.next(450, 1000, 500, 100))
                .as("a range straddling the finalized block ends there")
                .isEqualTo(new EvmRanges.Read(451, 500, false));
        assertThat(EvmRanges.next(500, 520, 500, 100))
                .as("above it, every header is checked")
                .isEqualTo(new EvmRanges.Read(501, 520, true));
        assertThat(EvmRanges.next(-1, 5, -1, 100)).isEqualTo(new EvmRanges.Read(0, 5, true));
    }

    @Test
    void theSpanHalvesWhenRefusedFollowsTheLogCountAndDoublesUpToTheMaximum() {
        EvmRanges.Span s = EvmRanges.Span.start(2000);
        assertThat(s.blocks()).as("starts small").isEqualTo(EvmRanges.Span.INITIAL);
        assertThat(EvmRanges.Span.start(10).blocks()).isEqualTo(10);
        assertThat(s.answered(100, 0).blocks()).isEqualTo(200);
        assertThat(s.answered(100, 0)
                        .answered(200, 10)
                        .answered(400, 0)
                        .answered(800, 0)
                        .answered(1600, 0)
                        .blocks())
                .isEqualTo(2000);
        assertThat(s.answered(3, 0).blocks())
                .as("a short range at the head says nothing")
                .isEqualTo(100);
        assertThat(s.answered(100, 4 * EvmRanges.Span.TARGET_LOGS).blocks())
                .as("too many logs per range: fewer blocks")
                .isEqualTo(25);
        assertThat(s.refused(100).blocks()).isEqualTo(50);
        assertThat(s.refused(10).blocks()).as("half of what was actually asked").isEqualTo(5);
        EvmRanges.Span one = new EvmRanges.Span(1, 2000);
        assertThat(one.refused(1).blocks()).isEqualTo(1);
        assertThat(one.minimal()).isTrue();
        assertThat(new EvmSourceConfig(
                                List.of(URI.create("http://n:1")),
                                List.of(CONTRACT),
                                0,
                                "x",
                                Duration.ofSeconds(1),
                                10,
                                Duration.ofSeconds(1))
                        .maxBlockRange())
                .isEqualTo(10);
    }
}
