package dev.chainsync.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.chain.ChainException.Kind;
import dev.chainsync.chain.ChainException.Reach;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CircuitBreakingChainClientTest {
    final dev.chainsync.time.ManualClock clock = new dev.chainsync.time.ManualClock(DevnetTest.START);
    final DevnetFaults faults = new DevnetFaults();
    final Devnet devnet = Devnet.builder().clock(clock).faults(faults).build();
    final CircuitBreakingChainClient chain = new CircuitBreakingChainClient(devnet, 50, Duration.ofSeconds(30), clock);

    @AfterEach
    void close() {
        chain.close();
    }

    @Test
    void anOpenBreakerRefusesWithoutSendingAndSaysSo() {
        SignedTransaction tx = DevnetTest.memo(devnet, DevnetTest.ISSUER, "held back");
        faults.rpcErrorRate(1.0);
        for (int i = 0; i < CircuitBreakingChainClient.MINIMUM_CALLS; i++) {
            ChainException answered = DevnetTest.chainError(chain::blockHeight);
            assertThat(answered.reach()).as("the node answered with the error").isEqualTo(Reach.ANSWERED);
        }
        assertThat(chain.isOpen()).isTrue();
        faults.reset();

        ChainException refused = DevnetTest.chainError(() -> chain.submit(tx));

        assertThat(refused.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(refused.reach()).isEqualTo(Reach.NOT_SENT);
        assertThat(devnet.landedCount())
                .as("the transaction never reached the chain")
                .isZero();

        // Once the open period has passed, calls go through again.
        clock.advance(Duration.ofSeconds(31));
        chain.submit(tx);
        clock.advance(Devnet.DEFAULT_SLOT_TIME.multipliedBy(2));
        assertThat(devnet.signatureStatuses(List.of(tx.signature()))).containsKey(tx.signature());
    }

    @Test
    void rejectionsByTheChainDoNotOpenTheBreaker() {
        SignedTransaction tx = DevnetTest.memo(devnet, DevnetTest.ISSUER, "expires");
        clock.advance(Devnet.DEFAULT_SLOT_TIME.multipliedBy(Devnet.BLOCKHASH_VALIDITY_BLOCKS + 2));
        for (int i = 0; i < CircuitBreakingChainClient.MINIMUM_CALLS * 2; i++) {
            ChainException expired = DevnetTest.chainError(() -> chain.submit(tx));
            assertThat(expired.kind()).isEqualTo(Kind.BLOCKHASH_EXPIRED);
            assertThat(expired.reach()).isEqualTo(Reach.ANSWERED);
        }
        assertThat(chain.isOpen()).isFalse();
    }

    @Test
    void whatTheChainSaysOfItselfPassesThroughTheBreaker() {
        ChainClient longerLived = new dev.chainsync.testing.ForwardingChainClient(devnet) {
            @Override
            public long blockhashValidityBlocks() {
                return 300;
            }

            @Override
            public int maxMemosPerTransaction() {
                return 7;
            }
        };
        try (CircuitBreakingChainClient wrapped =
                new CircuitBreakingChainClient(longerLived, 50, Duration.ofSeconds(30), clock)) {
            assertThat(wrapped.blockhashValidityBlocks()).isEqualTo(300);
            assertThat(wrapped.maxMemosPerTransaction()).isEqualTo(7);
            assertThat(wrapped.maxTransactionBytes()).isEqualTo(devnet.maxTransactionBytes());
            assertThat(wrapped.expectedTimeTo(Commitment.FINALIZED))
                    .isEqualTo(devnet.expectedTimeTo(Commitment.FINALIZED));
        }
    }
}
