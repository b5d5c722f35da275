package dev.chainsync.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.chain.ChainRecord;
import dev.chainsync.chain.evm.AnvilNode;
import dev.chainsync.chain.evm.EvmChainClient;
import dev.chainsync.credential.Credential;
import dev.chainsync.credential.CredentialStatus;
import dev.chainsync.testing.TestChain;
import dev.chainsync.testing.WritePath;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What only an EVM chain does to the write path, on anvil: a stuck transaction replaced under its
 * own nonce, and a receipt whose block is reorged out. (The guarantees EVM shares with the other
 * chains run in {@link RelayTest}, parametrised over every chain.)
 */
class EvmRelayTest {
    private WritePath w;

    @AfterEach
    void tearDown() {
        if (w != null) {
            w.close();
        }
    }

    private AnvilNode node() {
        return w.onChain.anvil();
    }

    @Test
    void aStuckTransactionIsReplacedUnderItsOwnNonceAndOnlyTheReplacementLands() {
        w = new WritePath("evm-replace", TestChain.Kind.EVM_ANVIL);
        AnvilNode node = node();
        Relay relay = w.relay("relay-a");
        Credential c = w.issue("student-1");
        node.automine(false);
        relay.submitPass();
        Operation first = w.operationOf(c.hash());
        assertThat(first.status()).isEqualTo(OperationStatus.SUBMITTED);
        // The market moves far above the first transaction's fee cap: it stays in the pool, unmined.
        node.call("anvil_setNextBlockBaseFeePerGas", List.of("0x" + Long.toHexString(1_000_000_000_000L)));
        w.advanceSlots(25);
        relay.confirmPass();
        Operation expired = w.operationOf(c.hash());
        assertThat(expired.status()).isEqualTo(OperationStatus.PENDING);
        assertThat(w.chain.transaction(first.signature())).isEmpty();

        w.advance(w.relayConfig.retryCap());
        relay.submitPass();
        w.advanceSlots(4);
        relay.confirmPass();

        Operation done = w.operationOf(c.hash());
        assertThat(done.status()).isEqualTo(OperationStatus.CONFIRMED);
        List<Attempt> attempts = w.outbox.attempts(done.id());
        assertThat(attempts).hasSize(2);
        assertThat(nonce(attempts.get(1))).isEqualTo(nonce(attempts.get(0)));
        assertThat(attempts.get(1).signature()).isNotEqualTo(attempts.get(0).signature());
        assertThat(done.signature()).isEqualTo(attempts.get(1).signature());
        // The replaced transaction can never land now: its nonce is spent.
        node.automine(true);
        w.advanceSlots(3);
        assertThat(w.chain.transaction(attempts.get(0).signature())).isEmpty();
        assertThat(w.onChain.countMemo(c.memo())).isEqualTo(1);
        assertThat(w.status(c.hash())).isEqualTo(CredentialStatus.CONFIRMED);
        assertThat(w.credentials.verify(c.hash()).valid()).isTrue();
    }

    @Test
    void aReceiptWhoseBlockIsReorgedOutSendsTheOperationBackAndItLandsOnce() {
        w = new WritePath("evm-reorg", TestChain.Kind.EVM_ANVIL);
        AnvilNode node = node();
        Relay relay = w.relay("relay-a");
        Credential c = w.issue("student-1");
        relay.submitPass();
        Operation sent = w.operationOf(c.hash());
        relay.confirmPass();
        assertThat(w.operationOf(c.hash()).status())
                .as("landed but not yet deep enough")
                .isEqualTo(OperationStatus.SUBMITTED);
        assertThat(w.chain.transaction(sent.signature())).isPresent();

        // The block holding the receipt is replaced by one without the transaction.
        node.reorg(1, List.of());
        node.call("anvil_dropAllTransactions", List.of());
        assertThat(w.chain.transaction(sent.signature())).isEmpty();
        assertThat(w.onChain.countMemo(c.memo())).isZero();

        w.advanceSlots(25);
        relay.confirmPass();
        assertThat(w.operationOf(c.hash()).status()).isEqualTo(OperationStatus.PENDING);
        w.advance(w.relayConfig.retryCap());
        w.settle(relay, 5);

        Operation done = w.operationOf(c.hash());
        assertThat(done.status()).isEqualTo(OperationStatus.CONFIRMED);
        assertThat(w.onChain.countMemo(c.memo())).isEqualTo(1);
        List<Attempt> attempts = w.outbox.attempts(done.id());
        assertThat(attempts).extracting(EvmRelayTest::nonce).containsOnly(nonce(attempts.getFirst()));
        assertThat(w.credentials.verify(c.hash()).valid()).isTrue();
    }

    @Test
    void theAdapterReadsBackWhatItAnchoredAndBudgetsEnoughGas() {
        w = new WritePath("evm-adapter", TestChain.Kind.EVM_ANVIL);
        AnvilNode node = node();
        EvmChainClient client = (EvmChainClient) w.onChain.client();
        Relay relay = w.relay("relay-a");
        List<Credential> issued = List.of(w.issue("a"), w.issue("b"), w.issue("c"));
        w.settle(relay, 10);
        List<ChainRecord> newest = client.recordsByAddress(w.issuer.address(), null, 2);
        assertThat(newest).hasSize(2);
        assertThat(newest).allMatch(r -> r.signer().equals(w.issuer.address()));
        List<ChainRecord> older =
                client.recordsByAddress(w.issuer.address(), newest.getLast().signature(), 10);
        assertThat(older).hasSize(1);
        assertThat(List.of(
                        newest.get(0).memos().getFirst(),
                        newest.get(1).memos().getFirst(),
                        older.getFirst().memos().getFirst()))
                .containsExactlyInAnyOrderElementsOf(
                        issued.stream().map(Credential::memo).toList());
        assertThat(newest.get(0).slot()).isGreaterThanOrEqualTo(newest.get(1).slot());
        assertThat(newest.getFirst().blockTime()).isNotNull();

        // The pure gas budget covers what the node estimates for the longest memo chainsync sends.
        String longest = "x".repeat(dev.chainsync.chain.MemoText.MAX_BYTES);
        String data = org.web3j.abi.FunctionEncoder.encode(new org.web3j.abi.datatypes.Function(
                "anchor", List.of(new org.web3j.abi.datatypes.Utf8String(longest)), List.of()));
        JsonNode estimate = node.call(
                "eth_estimateGas",
                List.of(java.util.Map.of("from", client.senderAddress(), "to", client.anchorContract(), "data", data)));
        assertThat(EvmChainClient.gasLimitFor(longest))
                .isGreaterThanOrEqualTo(org.web3j.utils.Numeric.decodeQuantity(estimate.asText())
                        .longValueExact());
    }

    private static long nonce(Attempt a) {
        return Long.parseLong(a.blockhash().split(":")[1]);
    }
}
