package dev.chainsync.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.chain.ChainInstruction;
import dev.chainsync.chain.ChainInstruction.Memo;
import dev.chainsync.chain.ChainInstruction.MintTicket;
import dev.chainsync.chain.ChainInstruction.TransferTicket;
import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.chain.TicketMints;
import dev.chainsync.credential.Credential;
import dev.chainsync.credential.CredentialStatus;
import dev.chainsync.testing.WritePath;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay carrying operations that bring their own chain instructions (ticket tokens on the devnet). */
class InstructionRelayTest {
    static final String KIND = "test.ticket";
    private WritePath w;
    private final Ed25519Keypair alice = Ed25519Keypair.generate(new SecureRandom());
    private final Ed25519Keypair bob = Ed25519Keypair.generate(new SecureRandom());

    @AfterEach
    void tearDown() {
        if (w != null) {
            w.close();
        }
    }

    /** Payload "mint|ticketId|owner" or "transfer|mint|from|to". */
    static final class TicketKind implements OperationHandler {
        final List<Long> confirmed = new CopyOnWriteArrayList<>();

        @Override
        public List<ChainInstruction> instructions(Operation op) {
            String[] p = op.payload().split("\\|");
            ChainInstruction token = switch (p[0]) {
                case "mint" -> new MintTicket(p[1], p[2], p[3], "seat=" + p[1]);
                case "transfer" -> new TransferTicket(p[1], p[2], p[3]);
                default -> throw new IllegalArgumentException("bad payload " + op.payload());
            };
            return List.of(new Memo(op.memo()), token);
        }

        @Override
        public void onSubmitted(Connection tx, List<Submitted> batch, Instant now) {}

        @Override
        public void onConfirmed(Connection tx, List<Confirmed> batch, Instant now) {
            batch.forEach(c -> confirmed.add(c.op().id()));
        }

        @Override
        public void onFailed(Connection tx, List<Failed> batch, Instant now) {}

        @Override
        public void onDeadLettered(Connection tx, List<Failed> batch, Instant now) {}

        @Override
        public void onRetried(Connection tx, Operation op, Instant now) {}
    }

    long enqueue(String key, String payload) {
        return w.jdbc.inTransaction(c ->
                Outbox.enqueue(c, new NewOperation(KIND, key, "ticket-op " + key, key, payload), 5, w.clock.instant()));
    }

    @Test
    void ticketOperationsTravelAloneBesideAPackOfMemosAndConfirm() {
        w = new WritePath("instr-pack");
        TicketKind handler = new TicketKind();
        Relay relay = w.relay("relay-a", w.chain, Map.of(KIND, handler));
        String mint = TicketMints.address(w.issuer, "t1");
        Credential c1 = w.issue("s1");
        Credential c2 = w.issue("s2");
        long mintOp = enqueue("m1", "mint|t1|" + mint + "|" + alice.address());

        assertThat(relay.submitPass()).isEqualTo(3);
        assertThat(w.devnet.landedCount())
                .as("the two memos packed, the mint alone")
                .isEqualTo(2);
        w.advanceSlots(2);
        relay.confirmPass();

        assertThat(w.status(c1.hash())).isEqualTo(CredentialStatus.CONFIRMED);
        assertThat(w.status(c2.hash())).isEqualTo(CredentialStatus.CONFIRMED);
        assertThat(handler.confirmed).containsExactly(mintOp);
        assertThat(w.devnet.tokenOwner(mint).orElseThrow().owner()).isEqualTo(alice.address());
    }

    @Test
    void relayThatDiesAfterSendingATransferIsReplacedAndTheTransferLandsOnce() throws Exception {
        w = new WritePath("instr-crash");
        TicketKind handler = new TicketKind();
        String mint = TicketMints.address(w.issuer, "t1");
        enqueue("m1", "mint|t1|" + mint + "|" + alice.address());
        w.settle(w.relay("relay-a", w.chain, Map.of(KIND, handler)), 5);
        long transfer = enqueue("x1", "transfer|" + mint + "|" + alice.address() + "|" + bob.address());

        RelayTest.FreezingChain frozen = new RelayTest.FreezingChain(w.chain);
        Relay doomed = w.relay("relay-doomed", frozen, Map.of(KIND, handler));
        Thread dying = Thread.ofPlatform().start(doomed::submitPass);
        assertThat(frozen.submitted.await(10, TimeUnit.SECONDS)).isTrue();
        Relay survivor = w.relay("relay-b", w.chain, Map.of(KIND, handler));
        w.advance(w.relayConfig.lease().plusSeconds(1));
        // Well past the blockhash: the survivor must prove from the memo that the transfer landed.
        w.advanceSlots(200);
        w.settle(survivor, 5);
        frozen.release.countDown();
        dying.join(10_000);

        assertThat(w.outbox.find(transfer).orElseThrow().status()).isEqualTo(OperationStatus.CONFIRMED);
        assertThat(w.outbox.attempts(transfer)).hasSize(1);
        assertThat(w.devnet.countMemo("ticket-op x1")).isEqualTo(1);
        assertThat(w.devnet.tokenTransfers(mint, null, 10))
                .filteredOn(t -> t.kind() == dev.chainsync.chain.TokenTransfer.Kind.TRANSFER)
                .hasSize(1);
        assertThat(w.devnet.tokenOwner(mint).orElseThrow().owner()).isEqualTo(bob.address());
    }

    @Test
    void anOperationWhosePayloadBuildsNoInstructionsIsDeadLetteredAlone() {
        w = new WritePath("instr-bad");
        Relay relay = w.relay("relay-a", w.chain, Map.of(KIND, new TicketKind()));
        Credential c = w.issue("s1");
        long bad = enqueue("b1", "nonsense|x");
        relay.submitPass();
        assertThat(w.outbox.find(bad).orElseThrow().status()).isEqualTo(OperationStatus.DEAD_LETTERED);
        assertThat(w.outbox.find(bad).orElseThrow().lastError()).contains("bad payload");
        assertThat(w.operationOf(c.hash()).status()).isEqualTo(OperationStatus.SUBMITTED);
    }
}
