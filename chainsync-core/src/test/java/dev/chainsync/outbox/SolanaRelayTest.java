package dev.chainsync.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.ChainHealth;
import dev.chainsync.chain.ChainRecord;
import dev.chainsync.credential.Credential;
import dev.chainsync.credential.CredentialStatus;
import dev.chainsync.testing.ForwardingChainClient;
import dev.chainsync.testing.TestChain;
import dev.chainsync.testing.WritePath;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Write-path cases that come from what a real Solana chain does: fees, and address histories that
 * list others' transactions. The cases both chains share are parametrised in RelayTest.
 */
class SolanaRelayTest {
    private WritePath w;

    @AfterEach
    void tearDown() {
        if (w != null) {
            w.close();
        }
    }

    @Test
    void aFeePayerWithoutLamportsDeadLettersWithTheReasonAndHealthSaysWhy() {
        w = new WritePath("unfunded", UnaryOperator.identity(), p -> TestChain.solanaRuntime(p.clock, p.issuer, 0));
        Relay relay = w.relay("relay-a");
        Credential c = w.issue("student-1");

        w.settle(relay, 20);
        assertThat(w.operationOf(c.hash()).attemptCount()).isEqualTo(w.relayConfig.maxAttempts());
        // Out of attempts, it is buried only once its last transaction's blockhash has expired unseen.
        w.advanceSlots(w.chain.blockhashValidityBlocks() + 5);
        w.settle(relay, 3);

        Operation dead = w.operationOf(c.hash());
        assertThat(dead.status()).isEqualTo(OperationStatus.DEAD_LETTERED);
        assertThat(dead.lastError())
                .contains("fee payer " + w.issuer.address() + " cannot pay the fee (AccountNotFound)")
                .contains("fund it");
        assertThat(w.status(c.hash())).isEqualTo(CredentialStatus.DEAD_LETTERED);
        assertThat(w.onChain.landedCount()).isZero();
        ChainHealth health = w.chain.health();
        assertThat(health.up()).isFalse();
        assertThat(health.detail()).contains("fee payer " + w.issuer.address() + " has 0 lamports");
    }

    @Test
    void anotherSignersTransactionCarryingTheMemoIsNotAdoptedAsTheLanding() {
        w = new WritePath("foreign-memo", TestChain.Kind.DEVNET);
        Credential c = w.issue("student-1");
        ChainRecord[] planted = new ChainRecord[1];
        ChainClient naming = new ForwardingChainClient(w.chain) {
            @Override
            public List<ChainRecord> recordsByAddress(String address, String before, int limit) {
                List<ChainRecord> page = new ArrayList<>(delegate.recordsByAddress(address, before, limit));
                if (before == null && planted[0] != null) {
                    page.addFirst(planted[0]);
                }
                return page;
            }
        };
        Relay relay = w.relay("relay-a", naming);
        w.onChain.dropRate(1.0);
        relay.submitPass();
        w.onChain.dropRate(0.0);
        // Someone else's transaction naming the issuer, with this credential's memo in it.
        planted[0] = new ChainRecord(
                "foreign-signature",
                "Stranger1111111111111111111111111111111111",
                3,
                w.clock.instant(),
                c.memo(),
                null);
        w.advanceSlots(w.chain.blockhashValidityBlocks() + 5);
        w.settle(relay, 5);

        Operation op = w.operationOf(c.hash());
        assertThat(op.status()).isEqualTo(OperationStatus.CONFIRMED);
        assertThat(op.signature()).isNotEqualTo("foreign-signature");
        assertThat(w.onChain.countMemo(c.memo())).isEqualTo(1);
        assertThat(w.credentials.verify(c.hash()).valid()).isTrue();
    }
}
