package dev.chainsync.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.chain.RecentBlockhash;
import dev.chainsync.chain.SignedTransaction;
import dev.chainsync.credential.Credential;
import dev.chainsync.credential.CredentialHash;
import dev.chainsync.credential.CredentialStatus;
import dev.chainsync.outbox.ManualRelay;
import dev.chainsync.outbox.Relay;
import dev.chainsync.testing.WritePath;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CredentialReconcilerTest {
    private WritePath w;

    @AfterEach
    void tearDown() {
        if (w != null) {
            w.close();
        }
    }

    private CredentialReconciler reconciler() {
        return new CredentialReconciler(
                w.jdbc, w.chain, w.credentials, Duration.ofMinutes(5), Duration.ofHours(1), w.clock, w.registry);
    }

    /** Payloads of the reconciliation.discrepancy webhook events, oldest first. */
    private List<String> discrepancyEvents() {
        return w.jdbc.query(
                "SELECT payload::text FROM webhook_events WHERE type = ? ORDER BY id",
                r -> r.getString(1),
                CredentialReconciler.EVENT_DISCREPANCY);
    }

    private String writeMemoBehindTheDatabasesBack() {
        byte[] h = new byte[32];
        w.random.nextBytes(h);
        String hash = HexFormat.of().formatHex(h);
        RecentBlockhash bh = w.devnet.latestBlockhash();
        SignedTransaction tx = w.devnet.buildMemoTransaction(w.issuer, CredentialHash.memo(hash), bh);
        w.devnet.submit(tx);
        return hash;
    }

    @Test
    void agreeingSidesProduceACleanRun() {
        w = new WritePath("rec-clean");
        Relay relay = w.relay("relay-a");
        w.issue("a");
        w.issue("b");
        w.settle(relay, 3);
        w.advance(Duration.ofSeconds(10));
        CredentialReconciler.Run run = reconciler().runOnce();
        assertThat(run.status()).isEqualTo("succeeded");
        assertThat(run.chainRecords()).isEqualTo(2);
        assertThat(run.dbRecords()).isEqualTo(2);
        assertThat(run.matched()).isEqualTo(2);
        assertThat(run.recovered()).isZero();
        assertThat(run.flagged()).isZero();
        assertThat(reconciler().findings(run.id())).isEmpty();
        assertThat(discrepancyEvents()).isEmpty();
    }

    @Test
    void memoOnChainMissingFromTheDatabaseIsRecoveredOnce() {
        w = new WritePath("rec-missing");
        String hash = writeMemoBehindTheDatabasesBack();
        w.advanceSlots(3);
        CredentialReconciler r = reconciler();
        CredentialReconciler.Run run = r.runOnce();
        assertThat(run.recovered()).isEqualTo(1);
        Credential recovered = w.credentials.find(hash).orElseThrow();
        assertThat(recovered.status()).isEqualTo(CredentialStatus.RECOVERED_FROM_CHAIN);
        assertThat(recovered.chainSignature()).isNotNull();
        assertThat(recovered.issuerId()).isNull();
        assertThat(w.historyTypes(hash)).containsExactly("recovered");
        assertThat(r.findings(run.id())).singleElement().satisfies(f -> {
            assertThat(f.finding()).isEqualTo("missing_in_db");
            assertThat(f.action()).isEqualTo("recovered");
            assertThat(f.credentialHash()).isEqualTo(hash);
        });
        assertThat(w.registry.counter("chainsync_reconcile_recovered_total").count())
                .isEqualTo(1.0);
        assertThat(discrepancyEvents())
                .singleElement()
                .satisfies(e -> assertThat(e)
                        .contains(
                                "\"action\": \"recovered\"",
                                "\"finding\": \"missing_in_db\"",
                                hash,
                                "\"run_id\": " + run.id()));

        CredentialReconciler.Run again = r.runOnce();
        assertThat(again.recovered()).isZero();
        assertThat(again.matched()).isEqualTo(1);
        assertThat(w.historyTypes(hash)).containsExactly("recovered");
    }

    @Test
    void confirmedInTheDatabaseButAbsentOnChainIsFlagged() {
        w = new WritePath("rec-flag");
        Relay relay = w.relay("relay-a");
        Credential c = w.issue("a");
        w.settle(relay, 3);
        // Corrupt the database: it now claims a transaction the chain never saw.
        w.jdbc.update(
                "UPDATE credentials SET chain_signature = ? WHERE hash = ?",
                "1111111111111111111111111111111111111111111111111111111111111111",
                c.hash());
        w.advance(Duration.ofSeconds(10));
        CredentialReconciler r = reconciler();
        CredentialReconciler.Run run = r.runOnce();
        assertThat(run.flagged()).isEqualTo(1);
        assertThat(r.findings(run.id())).singleElement().satisfies(f -> {
            assertThat(f.finding()).isEqualTo("missing_on_chain");
            assertThat(f.action()).isEqualTo("flagged");
        });
        assertThat(w.historyTypes(c.hash())).last().isEqualTo("flagged");
        assertThat(r.runOnce().flagged()).as("flagged once, not on every run").isZero();
        assertThat(discrepancyEvents())
                .as("alerted once")
                .singleElement()
                .satisfies(e -> assertThat(e)
                        .contains(
                                "\"action\": \"flagged\"",
                                "\"finding\": \"missing_on_chain\"",
                                c.hash(),
                                "not found on chain"));
    }

    @Test
    void deadLetteredCredentialWhoseMemoLandedIsFlagged() {
        w = new WritePath("rec-dead");
        Relay relay = w.relay("relay-a");
        Credential c = w.issue("a");
        ManualRelay.submitPass(relay);
        w.advanceSlots(2);
        w.jdbc.update("UPDATE credentials SET status = 'dead_lettered' WHERE hash = ?", c.hash());
        w.jdbc.update("UPDATE chain_operations SET status = 'dead_lettered'");
        CredentialReconciler.Run run = reconciler().runOnce();
        assertThat(run.flagged()).isEqualTo(1);
        assertThat(reconciler().findings(run.id()))
                .extracting(CredentialReconciler.Finding::finding)
                .containsExactly("status_behind_chain");
        // A known disagreement is not flagged (or alerted) again by the next run.
        CredentialReconciler.Run again = reconciler().runOnce();
        assertThat(again.flagged()).isZero();
        assertThat(w.historyTypes(c.hash()).stream().filter("flagged"::equals).count())
                .isEqualTo(1);
        assertThat(discrepancyEvents())
                .singleElement()
                .satisfies(e -> assertThat(e)
                        .contains("\"finding\": \"status_behind_chain\"", "\"db_status\": \"dead_lettered\""));
    }

    @Test
    void packedCredentialsReconcileOneByOneAndASharedSignatureWithoutTheMemoIsFlagged() {
        w = new WritePath("rec-packed");
        Relay relay = w.relay("relay-a");
        List<Credential> issued = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            issued.add(w.issue("s" + i));
        }
        w.settle(relay, 3);
        List<String> signatures = issued.stream()
                .map(c -> w.credentials.find(c.hash()).orElseThrow().chainSignature())
                .distinct()
                .toList();
        assertThat(signatures).as("11 memos in one transaction, 1 in another").hasSize(2);
        w.advance(Duration.ofSeconds(10));
        CredentialReconciler r = reconciler();
        CredentialReconciler.Run clean = r.runOnce();
        assertThat(clean.chainRecords()).isEqualTo(12);
        assertThat(clean.dbRecords()).isEqualTo(12);
        assertThat(clean.matched()).isEqualTo(12);
        assertThat(clean.flagged()).isZero();

        // The database now names the other packed transaction: on chain, but without this credential's memo.
        Credential moved = issued.stream()
                .filter(c -> w.credentials
                        .find(c.hash())
                        .orElseThrow()
                        .chainSignature()
                        .equals(signatures.get(0)))
                .findFirst()
                .orElseThrow();
        w.jdbc.update("UPDATE credentials SET chain_signature = ? WHERE hash = ?", signatures.get(1), moved.hash());
        CredentialReconciler.Run run = r.runOnce();
        assertThat(run.flagged()).isEqualTo(1);
        assertThat(r.findings(run.id())).singleElement().satisfies(f -> {
            assertThat(f.finding()).isEqualTo("missing_on_chain");
            assertThat(f.credentialHash()).isEqualTo(moved.hash());
            assertThat(f.detail()).contains("does not carry");
        });
        var verdict = w.credentials.verify(moved.hash());
        assertThat(verdict.valid()).isFalse();
        assertThat(verdict.problems()).anyMatch(p -> p.contains("memo differs"));
        assertThat(issued.stream()
                        .filter(c -> !c.hash().equals(moved.hash()))
                        .allMatch(c -> w.credentials.verify(c.hash()).valid()))
                .isTrue();
    }

    @Test
    void memosOfAPackedTransactionMissingFromTheDatabaseAreEachRecovered() {
        w = new WritePath("rec-packed-missing");
        List<String> hashes = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] h = new byte[32];
            w.random.nextBytes(h);
            hashes.add(HexFormat.of().formatHex(h));
        }
        SignedTransaction tx = w.devnet.buildMemoTransaction(
                w.issuer, hashes.stream().map(CredentialHash::memo).toList(), w.devnet.latestBlockhash());
        w.devnet.submit(tx);
        w.advanceSlots(3);
        for (String hash : hashes) {
            var before = w.credentials.verify(hash);
            assertThat(before.valid()).isFalse();
            assertThat(before.problems()).anyMatch(p -> p.contains("memo found in transaction " + tx.signature()));
        }
        CredentialReconciler.Run run = reconciler().runOnce();
        assertThat(run.chainRecords()).isEqualTo(3);
        assertThat(run.recovered()).isEqualTo(3);
        for (String hash : hashes) {
            Credential recovered = w.credentials.find(hash).orElseThrow();
            assertThat(recovered.status()).isEqualTo(CredentialStatus.RECOVERED_FROM_CHAIN);
            assertThat(recovered.chainSignature()).isEqualTo(tx.signature());
            assertThat(recovered.memo()).isEqualTo(CredentialHash.memo(hash));
            assertThat(w.credentials.verify(hash).memoMatches()).isTrue();
        }
        assertThat(reconciler().runOnce().recovered()).isZero();
    }

    @Test
    void runFailsCleanlyWhenTheChainIsDown() {
        w = new WritePath("rec-down");
        w.faults.outage(w.clock.instant(), w.clock.instant().plusSeconds(60));
        CredentialReconciler.Run run = reconciler().runOnce();
        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.error()).isNotBlank();
        assertThat(run.finishedAt()).isNotNull();
        assertThat(reconciler().runs(null, 10))
                .extracting(CredentialReconciler.Run::id)
                .containsExactly(run.id());
        List<CredentialReconciler.Run> none = reconciler().runs(run.id(), 10);
        assertThat(none).isEmpty();
    }
}
