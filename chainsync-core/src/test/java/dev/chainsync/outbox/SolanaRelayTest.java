package dev.chainsync.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.chain.ChainHealth;
import dev.chainsync.credential.Credential;
import dev.chainsync.credential.CredentialStatus;
import dev.chainsync.testing.TestChain;
import dev.chainsync.testing.WritePath;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Write-path cases only a real Solana runtime has: fees. The shared cases are parametrised in RelayTest. */
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
}
