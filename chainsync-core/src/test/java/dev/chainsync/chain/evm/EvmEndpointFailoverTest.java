package dev.chainsync.chain.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chain.ChainException;
import dev.chainsync.chain.ChainHealth;
import dev.chainsync.chain.RecentBlockhash;
import dev.chainsync.chain.RpcEndpoints;
import dev.chainsync.chain.SignedTransaction;
import dev.chainsync.chain.Signer;
import dev.chainsync.testing.EvmAnvil;
import dev.chainsync.time.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The EVM adapter over several endpoints, as the Solana one: failover on node errors and timeouts,
 * one breaker per endpoint, an endpoint far behind the others skipped, all of it in /health.
 * Two fake endpoints stand in front of one anvil, so both serve the same chain.
 */
class EvmEndpointFailoverTest {
    private static final Signer ISSUER = new Signer() {
        @Override
        public String address() {
            return "issuer";
        }

        @Override
        public byte[] sign(byte[] message) {
            throw new UnsupportedOperationException();
        }
    };

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private EvmAnvil anvil;
    private FakeEndpoint first;
    private FakeEndpoint second;
    private EvmChainClient client;

    @BeforeEach
    void start() {
        anvil = EvmAnvil.start();
        first = new FakeEndpoint(anvil.node.url());
        second = new FakeEndpoint(anvil.node.url());
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (first != null) {
            first.close();
            second.close();
        }
        if (anvil != null) {
            anvil.close();
        }
    }

    private EvmChainClient client(Duration timeout, Clock clock) {
        EvmConfig config = anvil.config()
                .withRpcUrls(List.of(first.url(), second.url()))
                .withEndpointLimits(timeout, EvmConfig.DEFAULT_MAX_LAG_BLOCKS);
        client = EvmChainClient.create(config, "issuer", 50, Duration.ofSeconds(30), clock, registry);
        return client;
    }

    private String label(FakeEndpoint e, int index) {
        return index + ":http://127.0.0.1:" + e.url().getPort();
    }

    private double failovers(FakeEndpoint e, int index) {
        return registry.get("chainsync_chain_rpc_failovers_total")
                .tag("endpoint", label(e, index))
                .counter()
                .count();
    }

    @Test
    void errorsOfTheFirstEndpointGoToTheSecond() {
        EvmChainClient c = client(Duration.ofMillis(500), Clock.systemUTC());
        first.down(true);
        assertThat(c.latestBlockhash().lastValidBlockHeight()).isPositive();
        assertThat(first.requests("eth_getBlockByNumber")).isEqualTo(1);
        assertThat(second.requests("eth_getBlockByNumber")).isEqualTo(1);
        // a block, the tip, the pending nonce: each failed over once
        assertThat(failovers(first, 0)).isEqualTo(3);
        assertThat(failovers(second, 1)).isZero();
    }

    @Test
    void timeoutsOfTheFirstEndpointGoToTheSecond() {
        EvmChainClient c = client(Duration.ofMillis(500), Clock.systemUTC());
        first.latency(3_000, false);
        assertThat(c.latestBlockhash().lastValidBlockHeight()).isPositive();
        assertThat(first.requests("eth_getBlockByNumber")).isEqualTo(1);
        assertThat(second.requests("eth_getBlockByNumber")).isEqualTo(1);
        assertThat(c.health().endpoints().getFirst().lastError()).containsIgnoringCase("timed out");
    }

    @Test
    void theNodeRefusingTheRequestItselfIsAnAnswerAndNoOtherEndpointIsAsked() {
        EvmChainClient c = client(Duration.ofSeconds(5), Clock.systemUTC());
        SignedTransaction garbage =
                new SignedTransaction("0x00", new byte[] {1, 2, 3}, "issuer", List.of("m"), c.latestBlockhash());
        assertThatThrownBy(() -> c.submit(garbage))
                .isInstanceOfSatisfying(
                        ChainException.class,
                        e -> assertThat(e.kind()).isEqualTo(ChainException.Kind.INVALID_TRANSACTION));
        assertThat(first.requests("eth_sendRawTransaction")).isEqualTo(1);
        assertThat(second.requests("eth_sendRawTransaction")).isZero();
        assertThat(failovers(first, 0)).isZero();
    }

    @Test
    void aSendWhoseAnswerTimedOutIsResentAsTheSameBytesElsewhereAndLandsOnce() {
        EvmChainClient c = client(Duration.ofMillis(500), Clock.systemUTC());
        RecentBlockhash quote = c.latestBlockhash();
        long nonce = EvmFees.parse(quote.blockhash()).nonce();
        RecentBlockhash reserved = new RecentBlockhash(
                EvmFees.parse(quote.blockhash()).withNonce(nonce).wire(), quote.lastValidBlockHeight());
        SignedTransaction tx = c.buildMemoTransaction(ISSUER, List.of("once through two endpoints"), reserved);
        // The first endpoint passes the transaction to the node, then answers too late.
        first.latency(1_500, true);
        assertThat(c.submit(tx)).isEqualTo(tx.signature());
        assertThat(first.requests("eth_sendRawTransaction")).isEqualTo(1);
        assertThat(second.requests("eth_sendRawTransaction")).isEqualTo(1);
        first.latency(0, false);
        assertThat(anvil.anchoredMemos()).containsOnlyOnce("once through two endpoints");
        assertThat(c.signatureStatuses(List.of(tx.signature()))).containsKey(tx.signature());
    }

    @Test
    void aFailingEndpointsBreakerOpensStopsItsTrafficAndClosesAfterItsOpenPeriod() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        EvmChainClient c = client(Duration.ofSeconds(5), clock);
        first.down(true);
        for (int i = 0; i < RpcEndpoints.MINIMUM_CALLS; i++) {
            c.latestBlockhash();
        }
        int asked = first.requests("eth_getBlockByNumber");
        c.latestBlockhash();
        assertThat(first.requests("eth_getBlockByNumber"))
                .as("breaker open: not even tried")
                .isEqualTo(asked);
        ChainHealth health = c.health();
        assertThat(health.up()).isTrue();
        assertThat(health.endpoints()).extracting(ChainHealth.Endpoint::status).containsExactly("down", "up");
        assertThat(health.endpoints().getFirst().breaker()).isEqualTo("open");
        assertThat(health.endpoints().getFirst().lastError()).contains("HTTP 503");
        assertThat(health.detail()).contains("1 of 2 RPC endpoints up");

        first.down(false);
        clock.advance(Duration.ofSeconds(31));
        c.latestBlockhash();
        assertThat(first.requests("eth_getBlockByNumber")).isEqualTo(asked + 1);
        assertThat(c.health().endpoints())
                .extracting(ChainHealth.Endpoint::breaker)
                .containsExactly("closed", "closed");
    }

    @Test
    void anEndpointFarBehindTheOthersIsSkippedUntilItCatchesUp() {
        EvmChainClient c = client(Duration.ofSeconds(5), Clock.systemUTC());
        anvil.node.mine(250);
        first.lag(200);
        long head = c.blockHeight();
        assertThat(head)
                .as("the lagging endpoint's height is not the agreed one")
                .isGreaterThanOrEqualTo(250);
        c.latestBlockhash();
        assertThat(first.requests("eth_getBlockByNumber")).isZero();
        assertThat(second.requests("eth_getBlockByNumber")).isEqualTo(1);
        ChainHealth health = c.health();
        assertThat(health.endpoints()).extracting(ChainHealth.Endpoint::status).containsExactly("lagging", "up");
        assertThat(health.endpoints().getFirst().lagBlocks()).isEqualTo(200);
        assertThat(registry.get("chainsync_chain_rpc_height_lag_blocks")
                        .tag("endpoint", label(first, 0))
                        .gauge()
                        .value())
                .isEqualTo(200.0);

        first.lag(0);
        c.blockHeight();
        c.latestBlockhash();
        assertThat(first.requests("eth_getBlockByNumber")).isEqualTo(1);
        assertThat(c.health().endpoints())
                .extracting(ChainHealth.Endpoint::status)
                .containsExactly("up", "up");
    }

    @Test
    void everyEndpointDownIsUnavailableAndHealthListsEach() {
        EvmChainClient c = client(Duration.ofSeconds(5), Clock.systemUTC());
        first.down(true);
        second.down(true);
        assertThatThrownBy(c::latestBlockhash)
                .isInstanceOfSatisfying(
                        ChainException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("no EVM RPC endpoint answered");
        ChainHealth health = c.health();
        assertThat(health.up()).isFalse();
        assertThat(health.endpoints()).hasSize(2);
        assertThat(health.endpoints()).allSatisfy(e -> assertThat(e.lastError()).contains("HTTP 503"));
        first.down(false);
        second.down(false);
        assertThat(c.health().up()).isTrue();
    }

    @Test
    void closingRemovesTheEndpointMeters() {
        EvmChainClient c = client(Duration.ofSeconds(5), Clock.systemUTC());
        c.blockHeight();
        assertThat(registry.find("chainsync_chain_rpc_failovers_total").counters())
                .hasSize(2);
        c.close();
        client = null;
        assertThat(registry.find("chainsync_chain_rpc_failovers_total").counters())
                .isEmpty();
        assertThat(registry.find("chainsync_chain_rpc_height_lag_blocks").gauges())
                .isEmpty();
    }
}
