package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chain.evm.AnvilNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code bench ingest --source evm} on a few events: every figure printed, the tables right. */
class EvmIngestBenchmarkTest {
    @Test
    void aSmallRunReportsEveryFigureAndTheLiveTablesEqualARebuild() throws Exception {
        String unavailable = AnvilNode.unavailableReason(AnvilNode.findDirectory());
        Assumptions.assumeTrue(unavailable == null, () -> "EVM benchmark test skipped: " + unavailable);
        EvmIngestBenchmark.Result r = new EvmIngestBenchmark(230, 50, 2000, false).run();
        assertThat(r.events()).isEqualTo(230);
        assertThat(r.rebuildEqualsLive()).isTrue();
        assertThat(r.eventsPerSecond()).isPositive();
        assertThat(r.rawPerSecond()).isPositive();
        assertThat(r.report(50, 2000))
                .contains("230 Intuition events")
                .contains("chainsync native EVM source")
                .contains("node's raw eth_getLogs delivery")
                .contains("database floor")
                .contains("ponder 0.16")
                .contains("not measured (--no-ponder)");
    }

    @Test
    void badSizesAreRefused() {
        assertThatThrownBy(() -> new EvmIngestBenchmark(0, 50, 10, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EvmIngestBenchmark(10, 5_000, 10, false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
