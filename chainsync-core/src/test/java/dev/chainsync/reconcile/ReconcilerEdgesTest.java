package dev.chainsync.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.ChainRecord;
import dev.chainsync.credential.Credential;
import dev.chainsync.credential.CredentialHash;
import dev.chainsync.outbox.ManualRelay;
import dev.chainsync.outbox.Relay;
import dev.chainsync.testing.ForwardingChainClient;
import dev.chainsync.testing.WritePath;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReconcilerEdgesTest {
    private WritePath w;

    @AfterEach
    void tearDown() {
        if (w != null) {
            w.close();
        }
    }

    private CredentialReconciler reconciler(ChainClient chain, Duration interval, Duration window) {
        return new CredentialReconciler(w.jdbc, chain, w.credentials, interval, window, w.clock, w.registry);
    }

    private long events(String hash) {
        return w.count(
                "SELECT count(*) FROM webhook_events WHERE type = ? AND payload->>'credential_hash' = ?",
                CredentialReconciler.EVENT_DISCREPANCY,
                hash);
    }

    /** A recovery, its finding and its event commit together. */
    @Test
    void aCrashBeforeTheFindingIsRecordedUndoesTheRecoverySoALaterRunReportsIt() {
        w = new WritePath("rec-edges-crash");
        byte[] h = new byte[32];
        w.random.nextBytes(h);
        String hash = HexFormat.of().formatHex(h);
        w.devnet.submit(w.devnet.buildMemoTransaction(w.issuer, CredentialHash.memo(hash), w.devnet.latestBlockhash()));
        w.advanceSlots(3);
        // The finding cannot be written (standing in for a crash between the recovery and its finding).
        w.jdbc.update("""
                CREATE FUNCTION audit_crash() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'simulated crash'; END $$""");
        w.jdbc.update("CREATE TRIGGER audit_crash BEFORE INSERT ON reconciliation_findings "
                + "FOR EACH ROW EXECUTE FUNCTION audit_crash()");
        CredentialReconciler r = reconciler(w.chain, Duration.ofMinutes(5), Duration.ofHours(1));
        CredentialReconciler.Run crashed = r.runOnce();
        assertThat(crashed.status()).isEqualTo("failed");
        assertThat(w.credentials.find(hash))
                .as("the recovery went with the failed finding")
                .isEmpty();
        w.jdbc.update("DROP TRIGGER audit_crash ON reconciliation_findings");
        // Restarted: later runs.
        assertThat(r.runOnce().recovered()).isEqualTo(1);
        assertThat(r.runOnce().recovered()).isZero();
        assertThat(w.credentials.find(hash)).isPresent();
        assertThat(w.count("SELECT count(*) FROM reconciliation_findings WHERE credential_hash = ?", hash))
                .as("the finding, recorded by the run that recovered it")
                .isEqualTo(1);
        assertThat(events(hash))
                .as("reconciliation.discrepancy for the recovery")
                .isEqualTo(1);
    }

    /**
     * A chain's history of the issuer address may list transactions others wrote that name it (Solana's
     * getSignaturesForAddress does): their memos are neither recovered nor taken as the issuer's landing.
     */
    @Test
    void memosInTransactionsTheIssuerDidNotSignAreNotTheIssuers() {
        w = new WritePath("rec-edges-foreign");
        Relay relay = w.relay("relay-a");
        Credential c = w.issue("a");
        w.settle(relay, 5);
        String forgedHash = CredentialHash.sha256Hex("forged".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String stranger = "Stranger1111111111111111111111111111111111";
        ChainRecord forged = new ChainRecord(
                "forged-signature", stranger, 5, w.clock.instant(), CredentialHash.memo(forgedHash), null);
        // The chain as if a stranger had signed everything, the credential's own transaction included.
        java.util.function.UnaryOperator<ChainRecord> bySomeoneElse =
                r -> new ChainRecord(r.signature(), stranger, r.slot(), r.blockTime(), r.memos(), r.error());
        ChainClient chain = new ForwardingChainClient(w.chain) {
            @Override
            public java.util.List<ChainRecord> recordsByAddress(String address, String before, int limit) {
                java.util.List<ChainRecord> page =
                        new java.util.ArrayList<>(delegate.recordsByAddress(address, before, limit).stream()
                                .map(bySomeoneElse)
                                .toList());
                if (before == null) {
                    page.addFirst(forged);
                }
                return page;
            }

            @Override
            public Optional<ChainRecord> transaction(String signature) {
                return delegate.transaction(signature).map(bySomeoneElse);
            }
        };
        w.advance(Duration.ofMinutes(2));

        CredentialReconciler.Run run =
                reconciler(chain, Duration.ofMinutes(5), Duration.ofHours(1)).runOnce();

        assertThat(run.recovered()).isZero();
        assertThat(w.credentials.find(forgedHash)).isEmpty();
        assertThat(w.jdbc.query(
                        "SELECT detail->>'reason' FROM reconciliation_findings WHERE credential_hash = ?",
                        rs -> rs.getString(1),
                        c.hash()))
                .singleElement()
                .asString()
                .contains("was not written by the issuer");
    }

    /** Two instances reconciling at the same moment flag (and alert) a disagreement once. */
    @Test
    void twoConcurrentRunsFlagTheSameCredentialOnce() throws Exception {
        w = new WritePath("rec-edges-race");
        Relay relay = w.relay("relay-a");
        Credential c = w.issue("a");
        w.settle(relay, 3);
        w.jdbc.update(
                "UPDATE credentials SET chain_signature = ? WHERE hash = ?",
                "1111111111111111111111111111111111111111111111111111111111111111",
                c.hash());
        w.advance(Duration.ofSeconds(10));
        CyclicBarrier bothAsking = new CyclicBarrier(2);
        ChainClient slowRpc = new ForwardingChainClient(w.chain) {
            @Override
            public Optional<ChainRecord> transaction(String signature) {
                try {
                    bothAsking.await(5, TimeUnit.SECONDS); // both instances are inside the RPC call
                } catch (Exception e) {
                    // one run alone: carry on
                }
                return super.transaction(signature);
            }
        };
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2); // instance A and instance B
        var a = pool.submit(() ->
                reconciler(slowRpc, Duration.ofMinutes(5), Duration.ofHours(1)).runOnce());
        var b = pool.submit(() ->
                reconciler(slowRpc, Duration.ofMinutes(5), Duration.ofHours(1)).runOnce());
        int flagged = a.get(30, TimeUnit.SECONDS).flagged()
                + b.get(30, TimeUnit.SECONDS).flagged();
        pool.shutdown();
        assertThat(w.historyTypes(c.hash()).stream().filter("flagged"::equals).count())
                .as("flagged history entries")
                .isEqualTo(1);
        assertThat(events(c.hash())).as("discrepancy alerts").isEqualTo(1);
        assertThat(flagged).isEqualTo(1);
    }

    /** With the window no longer than the interval, the grace slice is still checked by the next run. */
    @Test
    void windowsJoinUpSoAConfirmationInsideTheSettleGraceIsCheckedByTheNextRun() {
        w = new WritePath("rec-edges-edge");
        Relay relay = w.relay("relay-a");
        Credential c = w.issue("a");
        w.settle(relay, 3);
        // The relay confirmed it 2 s before the scheduled run (inside SETTLE_GRACE).
        w.jdbc.update(
                "UPDATE credentials SET chain_signature = ?, confirmed_at = ? WHERE hash = ?",
                "1111111111111111111111111111111111111111111111111111111111111111",
                java.sql.Timestamp.from(w.clock.instant().minusSeconds(2)),
                c.hash());
        Duration every = Duration.ofMinutes(5);
        CredentialReconciler r = reconciler(w.chain, every, every);
        int flagged = 0;
        for (int i = 0; i < 4; i++) { // the scheduled runs: every 5 minutes
            flagged += r.runOnce().flagged();
            w.advance(every);
        }
        assertThat(flagged)
                .as("the credential whose transaction is not on chain is flagged")
                .isEqualTo(1);
    }

    /** chain_records counts credential memos of transactions that landed without error. */
    @Test
    void chainRecordsCountsOnlyCredentialMemosThatLanded() {
        w = new WritePath("rec-edges-count");
        Relay relay = w.relay("relay-a");
        w.faults.failRate(1.0);
        w.issue("a");
        ManualRelay.submitPass(relay);
        w.advanceSlots(2);
        ManualRelay.confirmPass(relay);
        w.faults.failRate(0.0);
        w.advance(Duration.ofMinutes(1));
        w.settle(relay, 5);
        assertThat(w.unfinished()).isZero();
        w.advance(Duration.ofSeconds(10));
        CredentialReconciler.Run run =
                reconciler(w.chain, Duration.ofMinutes(5), Duration.ofHours(1)).runOnce();
        assertThat(run.matched()).isEqualTo(1);
        assertThat(run.dbRecords()).isEqualTo(1);
        assertThat(run.chainRecords()).as("one credential memo on chain").isEqualTo(1);
    }
}
