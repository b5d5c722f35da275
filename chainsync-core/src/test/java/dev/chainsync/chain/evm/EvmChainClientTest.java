package dev.chainsync.chain.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chain.ChainException;
import dev.chainsync.testing.EvmAnvil;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The EVM adapter's endpoint handling and start-up checks, on anvil. */
class EvmChainClientTest {
    private EvmAnvil anvil;

    @BeforeEach
    void start() {
        anvil = EvmAnvil.start();
    }

    @AfterEach
    void stop() {
        if (anvil != null) {
            anvil.close();
        }
    }

    @Test
    void aFailingEndpointSendsRequestsToTheNextAndEveryOneFailingIsUnavailable() {
        EvmConfig c = anvil.config();
        EvmConfig both = new EvmConfig(
                List.of(anvil.proxyUrl(), anvil.node.url()),
                c.chainId(),
                c.signerKeyFile(),
                c.anchorContract(),
                c.confirmations(),
                c.replaceAfterBlocks(),
                c.requestTimeout());
        EvmChainClient client = EvmChainClient.create(both, "issuer");
        anvil.node.mine(3);
        anvil.outage(true);
        assertThat(client.blockHeight()).isGreaterThanOrEqualTo(3);
        assertThat(client.health().up()).isTrue();

        EvmChainClient onlyProxy = EvmChainClient.create(anvil.config(), "issuer");
        assertThatThrownBy(onlyProxy::blockHeight)
                .isInstanceOfSatisfying(
                        ChainException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("HTTP 503");
        assertThat(onlyProxy.health().up()).isFalse();
        anvil.outage(false);
        assertThat(onlyProxy.blockHeight()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aNodeOnAnotherChainIsRefusedAtStart() {
        EvmConfig c = anvil.config();
        EvmConfig wrong = new EvmConfig(
                c.rpcUrls(),
                1,
                c.signerKeyFile(),
                c.anchorContract(),
                c.confirmations(),
                c.replaceAfterBlocks(),
                c.requestTimeout());
        assertThatThrownBy(() -> EvmChainClient.create(wrong, "issuer"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CHAINSYNC_EVM_CHAIN_ID is 1")
                .hasMessageContaining("serves chain 31337");
    }

    @Test
    void buildingRefusesAnUnreservedNonceAndMoreThanOneMemo() {
        EvmChainClient client = EvmChainClient.create(anvil.config(), "issuer");
        dev.chainsync.chain.Signer issuer = new dev.chainsync.chain.Signer() {
            @Override
            public String address() {
                return "issuer";
            }

            @Override
            public byte[] sign(byte[] message) {
                throw new UnsupportedOperationException();
            }
        };
        dev.chainsync.chain.RecentBlockhash quote = client.latestBlockhash();
        assertThatThrownBy(() -> client.buildMemoTransaction(issuer, List.of("m"), quote))
                .hasMessageContaining("no nonce reserved");
        dev.chainsync.chain.RecentBlockhash reserved = new dev.chainsync.chain.RecentBlockhash(
                EvmFees.parse(quote.blockhash()).withNonce(0).wire(), quote.lastValidBlockHeight());
        assertThatThrownBy(() -> client.buildMemoTransaction(issuer, List.of("a", "b"), reserved))
                .hasMessageContaining("exactly one memo");
        // Deterministic: the same inputs sign to the same hash, which the relay records before sending.
        assertThat(client.buildMemoTransaction(issuer, List.of("m"), reserved).signature())
                .isEqualTo(client.buildMemoTransaction(issuer, List.of("m"), reserved)
                        .signature());
    }
}
