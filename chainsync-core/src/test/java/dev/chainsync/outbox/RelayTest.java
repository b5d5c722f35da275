package dev.chainsync.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.RecentBlockhash;
import dev.chainsync.chain.SignatureStatus;
import dev.chainsync.chain.SignedTransaction;
import dev.chainsync.credential.Credential;
import dev.chainsync.credential.CredentialStatus;
import dev.chainsync.outbox.OperationHandler.Confirmed;
import dev.chainsync.outbox.OperationHandler.Failed;
import dev.chainsync.outbox.OperationHandler.Submitted;
import dev.chainsync.testing.ForwardingChainClient;
import dev.chainsync.testing.TestChain;
import dev.chainsync.testing.WritePath;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RelayTest {
    private WritePath w;

    @AfterEach
    void tearDown() {
        if (w != null) {
            w.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestChain.Kind.class)
    void issuedCredentialIsSubmittedThenConfirmedWithItsHistory(TestChain.Kind kind) {
        w = new WritePath("happy", kind);
        Relay relay = w.relay("relay-a");
        Credential c = w.issue("student-1");
        assertThat(c.status()).isEqualTo(CredentialStatus.PENDING);
        assertThat(w.historyTypes(c.hash())).containsExactly("created");

        assertThat(relay.submitPass()).isEqualTo(1);
        Operation op = w.operationOf(c.hash());
        assertThat(op.status()).isEqualTo(OperationStatus.SUBMITTED);
        assertThat(w.status(c.hash())).isEqualTo(CredentialStatus.SUBMITTED);
        // The signature was recorded as an attempt before the transaction was sent.
        assertThat(w.outbox.attempts(op.id())).extracting(Attempt::signature).containsExactly(op.signature());

        w.advanceSlots(1);
        relay.confirmPass();
        // Landed but only processed: not yet what the write path waits for.
        assertThat(w.operationOf(c.hash()).status()).isEqualTo(OperationStatus.SUBMITTED);

        w.advanceSlots(2);
        relay.confirmPass();
        Credential done = w.credentials.find(c.hash()).orElseThrow();
        assertThat(done.status()).isEqualTo(CredentialStatus.CONFIRMED);
        assertThat(done.chainSignature()).isEqualTo(op.signature());
        assertThat(done.chainSlot()).isNotNull();
        assertThat(w.historyTypes(c.hash())).containsExactly("created", "submitted", "confirmed");
        assertThat(w.onChain.countMemo(c.memo())).isEqualTo(1);
        assertThat(w.credentials.verify(c.hash()).valid()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(TestChain.Kind.class)
    void relayThatDiesAfterSubmitIsReplacedAndTheMemoLandsOnce(TestChain.Kind kind) throws Exception {
        w = new WritePath("crash", kind);
        Credential c = w.issue("student-1");
        FreezingChain frozen = new FreezingChain(w.chain);
        Relay doomed = w.relay("relay-doomed", frozen);
        Thread dying = Thread.ofPlatform().start(doomed::submitPass);
        // The transaction left the process, and then the process "died" before recording the outcome.
        assertThat(frozen.submitted.await(10, java.util.concurrent.TimeUnit.SECONDS))
                .isTrue();
        Operation stuck = w.operationOf(c.hash());
        assertThat(stuck.status()).isEqualTo(OperationStatus.PENDING);
        assertThat(stuck.leaseOwner()).isEqualTo("relay-doomed");

        Relay survivor = w.relay("relay-b");
        assertThat(survivor.submitPass()).as("the lease still holds").isZero();
        w.advance(w.relayConfig.lease().plusSeconds(1));
        assertThat(survivor.submitPass()).isEqualTo(1);
        w.advanceSlots(2);
        survivor.confirmPass();

        assertThat(w.status(c.hash())).isEqualTo(CredentialStatus.CONFIRMED);
        assertThat(w.onChain.countMemo(c.memo())).isEqualTo(1);
        assertThat(w.onChain.landedCount()).isEqualTo(1);
        assertThat(w.outbox.attempts(w.operationOf(c.hash()).id())).hasSize(1);

        // The dead relay wakes up: its stale version changes nothing.
        frozen.release.countDown();
        dying.join(10_000);
        assertThat(dying.isAlive()).isFalse();
        assertThat(w.operationOf(c.hash()).status()).isEqualTo(OperationStatus.CONFIRMED);
        assertThat(w.status(c.hash())).isEqualTo(CredentialStatus.CONFIRMED);
        assertThat(w.onChain.countMemo(c.memo())).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(TestChain.Kind.class)
    void relayThatDiesBeforeItsDroppedTransactionLandsIsReplacedBySameBytesNotANewMemo(TestChain.Kind kind)
            throws Exception {
        w = new WritePath("crash-dropped", kind);
        Credential c = w.issue("student-1");
        w.onChain.dropRate(1.0);
        FreezingChain frozen = new FreezingChain(w.chain);
        Thread dying = Thread.ofPlatform().start(w.relay("relay-doomed", frozen)::submitPass);
        assertThat(frozen.submitted.await(10, java.util.concurrent.TimeUnit.SECONDS))
                .isTrue();
        w.onChain.dropRate(0.0);

        Relay survivor = w.relay("relay-b");
        w.advance(w.relayConfig.lease().plusSeconds(1));
        survivor.submitPass();
        w.advanceSlots(2);
        survivor.confirmPass();

        Operation op = w.operationOf(c.hash());
        assertThat(op.status()).isEqualTo(OperationStatus.CONFIRMED);
        // The blockhash was still valid, so the survivor re-sent the recorded transaction itself.
        assertThat(w.outbox.attempts(op.id())).hasSize(1);
        assertThat(op.signature())
                .isEqualTo(w.outbox.attempts(op.id()).getFirst().signature());
        assertThat(w.onChain.countMemo(c.memo())).isEqualTo(1);
        frozen.release.countDown();
        dying.join(10_000);
        assertThat(w.operationOf(c.hash()).status()).isEqualTo(OperationStatus.CONFIRMED);
    }

    @ParameterizedTest
    @EnumSource(TestChain.Kind.class)
    void droppedTransactionIsResubmittedWithAFreshBlockhashOnlyAfterItExpired(TestChain.Kind kind) {
        w = new WritePath("dropped", kind);
        Relay relay = w.relay("relay-a");
        Credential c = w.issue("student-1");
        w.onChain.dropRate(1.0);
        relay.submitPass();
        w.onChain.dropRate(0.0);
        Operation first = w.operationOf(c.hash());
        assertThat(first.status()).isEqualTo(OperationStatus.SUBMITTED);

        w.advanceSlots(5);
        relay.confirmPass();
        assertThat(w.operationOf(c.hash()).status())
                .as("not expired yet: keep waiting")
                .isEqualTo(OperationStatus.SUBMITTED);

        w.advanceSlots(150);
        relay.confirmPass();
        Operation expired = w.operationOf(c.hash());
        assertThat(expired.status()).isEqualTo(OperationStatus.PENDING);
        assertThat(expired.lastError()).contains("expired");
        assertThat(expired.attemptCount()).isEqualTo(1);

        w.advance(w.relayConfig.retryCap());
        relay.submitPass();
        w.advanceSlots(2);
        relay.confirmPass();

        Operation done = w.operationOf(c.hash());
        assertThat(done.status()).isEqualTo(OperationStatus.CONFIRMED);
        List<Attempt> attempts = w.outbox.attempts(done.id());
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).blockhash()).isNotEqualTo(attempts.get(1).blockhash());
        assertThat(done.signature()).isEqualTo(attempts.get(1).signature());
        assertThat(w.onChain.countMemo(c.memo())).isEqualTo(1);
        assertThat(w.historyTypes(c.hash()))
                .containsExactly("created", "submitted", "failed", "resubmitted", "confirmed");
    }

    @ParameterizedTest
    @EnumSource(TestChain.Kind.class)
    void expiredAttemptThatLandedLateIsAdoptedInsteadOfSendingAnother(TestChain.Kind kind) {
        w = new WritePath("late", kind);
        Relay relay = w.relay("relay-a");
        Credential c = w.issue("student-1");
        relay.submitPass();
        Operation op = w.operationOf(c.hash());
        // Simulate the tracker having given up on an attempt the chain did in fact land.
        w.jdbc.update(
                "UPDATE chain_operations SET status = 'pending', next_attempt_at = ? WHERE id = ?",
                w.clock.instant(),
                op.id());
        w.advanceSlots(200);
        relay.submitPass();
        w.advanceSlots(2);
        relay.confirmPass();
        assertThat(w.operationOf(c.hash()).status()).isEqualTo(OperationStatus.CONFIRMED);
        assertThat(w.outbox.attempts(op.id())).hasSize(1);
        assertThat(w.onChain.countMemo(c.memo())).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(TestChain.Kind.class)
    void chainOutageOpensTheBreakerSubmitsNothingAndRecoversAfterwards(TestChain.Kind kind) {
        w = new WritePath("outage", kind);
        Relay relay = w.relay("relay-a");
        List<Credential> issued = List.of(w.issue("s1"), w.issue("s2"), w.issue("s3"));
        w.onChain.outage(true);

        for (int i = 0; i < 15; i++) {
            assertThat(relay.submitPass()).isZero();
        }
        assertThat(w.chain.isOpen()).isTrue();
        assertThat(w.chain.health().up()).isFalse();
        assertThat(w.count("SELECT count(*) FROM chain_operation_attempts")).isZero();
        assertThat(w.count("SELECT count(*) FROM chain_operations WHERE status = 'pending' AND attempt_count = 0"))
                .isEqualTo(3);
        assertThat(w.onChain.landedCount()).isZero();

        w.onChain.outage(false);
        w.advance(Duration.ofSeconds(61));
        w.settle(relay, 10);
        for (Credential c : issued) {
            assertThat(w.status(c.hash())).isEqualTo(CredentialStatus.CONFIRMED);
            assertThat(w.onChain.countMemo(c.memo())).isEqualTo(1);
        }
        assertThat(w.chain.isOpen()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(TestChain.Kind.class)
    void failingTransactionsAreDeadLetteredThenRetriedToConfirmation(TestChain.Kind kind) {
        w = new WritePath("dead", kind);
        Relay relay = w.relay("relay-a");
        Credential c = w.issue("student-1");
        w.onChain.failRate(1.0);
        w.settle(relay, 20);
        Operation dead = w.operationOf(c.hash());
        assertThat(dead.status()).isEqualTo(OperationStatus.DEAD_LETTERED);
        assertThat(dead.attemptCount()).isEqualTo(w.relayConfig.maxAttempts());
        assertThat(dead.lastError()).contains("failed on chain", "InstructionError");
        assertThat(w.status(c.hash())).isEqualTo(CredentialStatus.DEAD_LETTERED);
        assertThat(w.onChain.countMemo(c.memo()))
                .as("failed transactions carry no memo")
                .isZero();
        // Subscribers hear of it from events written in the dead-lettering transaction.
        assertThat(w.jdbc.query(
                        "SELECT type || ' ' || payload::text FROM webhook_events ORDER BY id", r -> r.getString(1)))
                .satisfiesExactly(
                        e -> assertThat(e).startsWith("credential.failed ").contains(c.hash(), "\"dead_lettered\""),
                        e -> assertThat(e)
                                .startsWith("operation.dead_lettered ")
                                .contains("\"operation_id\": " + dead.id(), "failed on chain"));
        assertThat(w.outbox.retry(w.operationOf(c.hash()).id() + 1000)).isEqualTo(Outbox.RetryOutcome.NOT_FOUND);

        w.onChain.failRate(0.0);
        assertThat(w.outbox.retry(dead.id())).isEqualTo(Outbox.RetryOutcome.RETRIED);
        assertThat(w.outbox.retry(dead.id())).isEqualTo(Outbox.RetryOutcome.NOT_DEAD_LETTERED);
        assertThat(w.status(c.hash())).isEqualTo(CredentialStatus.PENDING);
        w.settle(relay, 5);

        assertThat(w.operationOf(c.hash()).status()).isEqualTo(OperationStatus.CONFIRMED);
        assertThat(w.status(c.hash())).isEqualTo(CredentialStatus.CONFIRMED);
        assertThat(w.onChain.countMemo(c.memo())).isEqualTo(1);
        List<String> history = w.historyTypes(c.hash());
        assertThat(history)
                .startsWith("created", "submitted", "failed")
                .endsWith("dead_lettered", "retried", "resubmitted", "confirmed");
        assertThat(history.stream().filter("failed"::equals).count()).isEqualTo(w.relayConfig.maxAttempts() - 1);
    }

    @Test
    void transientSubmitErrorsBackOffAndResendTheSameTransaction() {
        w = new WritePath("transient");
        CountingChain flaky = new CountingChain(w.chain);
        Relay relay = w.relay("relay-a", flaky);
        Credential c = w.issue("student-1");
        flaky.failSubmits.set(2);
        relay.submitPass();
        Operation op = w.operationOf(c.hash());
        assertThat(op.status()).isEqualTo(OperationStatus.PENDING);
        assertThat(op.attemptCount()).isEqualTo(1);
        assertThat(op.nextAttemptAt())
                .isAfterOrEqualTo(w.clock.instant())
                .isBeforeOrEqualTo(w.clock.instant().plus(w.relayConfig.retryBase()));
        assertThat(relay.submitPass()).as("not due before its backoff").isLessThanOrEqualTo(1);
        w.advance(Duration.ofSeconds(2));
        relay.submitPass();
        w.advance(Duration.ofSeconds(2));
        relay.submitPass();
        w.advanceSlots(2);
        relay.confirmPass();
        assertThat(w.operationOf(c.hash()).status()).isEqualTo(OperationStatus.CONFIRMED);
        // Every try used the one recorded transaction: same signature, one attempt row.
        assertThat(w.outbox.attempts(op.id())).hasSize(1);
        assertThat(flaky.submitsBySignature).containsOnlyKeys(op.signature());
        assertThat(w.devnet.countMemo(c.memo())).isEqualTo(1);
    }

    @Test
    void aSendRefusedBeforeItLeftCostsNoAttemptAndGoesOutLater() {
        w = new WritePath("refused");
        CountingChain guarded = new CountingChain(w.chain);
        Relay relay = w.relay("relay-a", guarded);
        Credential c = w.issue("student-1");
        w.jdbc.update("UPDATE chain_operations SET attempt_count = max_attempts - 1 WHERE aggregate_id = ?", c.hash());
        guarded.refuseSubmits.set(3);

        for (int i = 0; i < 3; i++) {
            relay.submitPass();
            w.advance(w.relayConfig.pollInterval());
        }

        Operation op = w.operationOf(c.hash());
        assertThat(op.status()).as("on its last attempt, yet not buried").isEqualTo(OperationStatus.PENDING);
        assertThat(op.attemptCount()).isEqualTo(op.maxAttempts() - 1);
        assertThat(w.count(
                        "SELECT count(*) FROM credential_events WHERE credential_hash = ? AND event_type = 'failed'",
                        c.hash()))
                .isZero();
        assertThat(guarded.sent).isEmpty();
        relay.submitPass();
        w.advanceSlots(2);
        relay.confirmPass();
        assertThat(w.operationOf(c.hash()).status()).isEqualTo(OperationStatus.CONFIRMED);
        assertThat(w.outbox.attempts(op.id()))
                .as("the recorded transaction, sent once it could be")
                .hasSize(1);
        assertThat(w.devnet.countMemo(c.memo())).isEqualTo(1);
    }

    /** Records the dead letters of a kind other than credentials; nothing else happens to its aggregates. */
    static final class BuriedKind implements OperationHandler {
        final List<Failed> buried = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void onSubmitted(java.sql.Connection tx, List<Submitted> batch, java.time.Instant now) {}

        @Override
        public void onConfirmed(java.sql.Connection tx, List<Confirmed> batch, java.time.Instant now) {}

        @Override
        public void onFailed(java.sql.Connection tx, List<Failed> batch, java.time.Instant now) {}

        @Override
        public void onDeadLettered(java.sql.Connection tx, List<Failed> batch, java.time.Instant now) {
            buried.addAll(batch);
        }

        @Override
        public void onRetried(java.sql.Connection tx, Operation op, java.time.Instant now) {}
    }

    @Test
    void anOperationNoTransactionCanCarryOrNoHandlerKnowsDoesNotHoldBackItsBatch() {
        w = new WritePath("unsendable");
        BuriedKind big = new BuriedKind();
        Map<String, OperationHandler> handlers = new java.util.HashMap<>(w.credentials.handlers());
        handlers.put("test.big", big);
        Credential c = w.issue("student-1");
        long tooBig = w.jdbc.inTransaction(tx -> Outbox.enqueue(
                tx, new NewOperation("test.big", "big-1", "x".repeat(2000), "test.big:1"), 3, w.clock.instant()));
        long unknown = w.jdbc.inTransaction(tx -> Outbox.enqueue(
                tx, new NewOperation("test.unknown", "u-1", "hello", "test.unknown:1"), 3, w.clock.instant()));
        try (Relay relay = new Relay(
                w.jdbc, w.chain, w.issuer, handlers, w.relayConfig, w.clock, new java.util.Random(1), w.registry)) {
            assertThat(relay.submitPass()).isEqualTo(3);
            w.advanceSlots(2);
            relay.confirmPass();

            assertThat(w.status(c.hash())).isEqualTo(CredentialStatus.CONFIRMED);
            assertThat(w.devnet.countMemo(c.memo())).isEqualTo(1);
            Operation buried = w.outbox.find(tooBig).orElseThrow();
            assertThat(buried.status()).isEqualTo(OperationStatus.DEAD_LETTERED);
            assertThat(buried.lastError()).startsWith("memo cannot be sent").contains("2000");
            assertThat(big.buried)
                    .singleElement()
                    .satisfies(f -> assertThat(f.op().id()).isEqualTo(tooBig));
            Operation waiting = w.outbox.find(unknown).orElseThrow();
            assertThat(waiting.status())
                    .as("left for a relay that knows its kind")
                    .isEqualTo(OperationStatus.PENDING);
            assertThat(waiting.attemptCount()).isZero();
            assertThat(waiting.nextAttemptAt())
                    .isAfterOrEqualTo(
                            w.clock.instant().plus(w.relayConfig.retryCap()).minus(Duration.ofSeconds(1)));
            assertThat(w.devnet.landedCount())
                    .as("only the credential's transaction")
                    .isEqualTo(1);
        }
    }

    /** Two credentials in one pack, the first already one failure short of its limit. */
    private List<Credential> packWithOneOnItsLastAttempt(CountingChain flaky, Relay relay) {
        Credential last = w.issue("last");
        Credential sibling = w.issue("sibling");
        w.jdbc.update(
                "UPDATE chain_operations SET attempt_count = max_attempts - 1 WHERE aggregate_id = ?", last.hash());
        flaky.failSubmits.set(1);
        relay.submitPass();
        assertThat(w.outbox.attempts(w.operationOf(last.hash()).id()).getFirst().signature())
                .as("both in one transaction")
                .isEqualTo(w.outbox
                        .attempts(w.operationOf(sibling.hash()).id())
                        .getFirst()
                        .signature());
        return List.of(last, sibling);
    }

    private long webhookEvents(String type) {
        return w.count("SELECT count(*) FROM webhook_events WHERE type = ?", type);
    }

    @Test
    void anOperationOutOfAttemptsIsNotBuriedWhileItsPackCanStillLand() {
        w = new WritePath("pack-last-lands");
        CountingChain flaky = new CountingChain(w.chain);
        Relay relay = w.relay("relay-a", flaky);
        List<Credential> pack = packWithOneOnItsLastAttempt(flaky, relay);
        Credential last = pack.getFirst();

        // The failed send may still be re-sent (by this relay for the sibling, or another): no verdict yet.
        Operation op = w.operationOf(last.hash());
        assertThat(op.status()).isEqualTo(OperationStatus.PENDING);
        assertThat(op.attemptCount()).isEqualTo(op.maxAttempts());
        assertThat(w.status(last.hash())).isEqualTo(CredentialStatus.PENDING);
        assertThat(webhookEvents("credential.failed")).isZero();

        w.settle(relay, 10);

        for (Credential c : pack) {
            assertThat(w.status(c.hash())).isEqualTo(CredentialStatus.CONFIRMED);
            assertThat(w.devnet.countMemo(c.memo())).isEqualTo(1);
        }
        assertThat(flaky.submitsBySignature)
                .as("the one recorded transaction, re-sent")
                .hasSize(1);
        assertThat(webhookEvents("credential.failed")).isZero();
    }

    @Test
    void anOperationOutOfAttemptsIsBuriedOnlyOnceItsPackHasExpiredUnseen() {
        w = new WritePath("pack-last-dies");
        CountingChain flaky = new CountingChain(w.chain);
        Relay relay = w.relay("relay-a", flaky);
        List<Credential> pack = packWithOneOnItsLastAttempt(flaky, relay);
        Credential last = pack.getFirst();
        long lastValid =
                w.outbox.attempts(w.operationOf(last.hash()).id()).getFirst().lastValidHeight();
        flaky.failSubmits.set(Integer.MAX_VALUE); // the chain refuses every send from now on

        long buriedAt = -1;
        for (int pass = 0; pass < 200 && buriedAt < 0; pass++) {
            w.advance(Duration.ofSeconds(5));
            long height = w.devnet.blockHeight();
            relay.submitPass();
            if (w.operationOf(last.hash()).status() == OperationStatus.DEAD_LETTERED) {
                buriedAt = height;
            }
        }

        assertThat(buriedAt)
                .as("buried, but only after its transaction could no longer land")
                .isGreaterThan(lastValid + SubmitPlanner.LANDING_MARGIN_BLOCKS);
        assertThat(w.status(last.hash())).isEqualTo(CredentialStatus.DEAD_LETTERED);
        assertThat(w.operationOf(last.hash()).lastError()).startsWith("no attempt landed after");
        assertThat(w.devnet.countMemo(last.memo())).isZero();
        assertThat(w.count(
                        "SELECT count(*) FROM webhook_events WHERE type = 'credential.failed' AND payload->>'hash' = ?",
                        last.hash()))
                .isEqualTo(1);
        assertThat(w.outbox.attempts(w.operationOf(last.hash()).id()))
                .as("never given a second transaction")
                .hasSize(1);
    }

    @Test
    void aPassThatBreaksAfterRecordingItsAttemptGivesTheClaimBackAtOnce() {
        w = new WritePath("give-back");
        java.util.concurrent.atomic.AtomicBoolean explode = new java.util.concurrent.atomic.AtomicBoolean(true);
        Relay relay = w.relay("relay-a", new ForwardingChainClient(w.chain) {
            @Override
            public String submit(SignedTransaction tx) {
                if (explode.getAndSet(false)) {
                    throw new IllegalStateException("bug in a chain adapter");
                }
                return delegate.submit(tx);
            }
        });
        Credential c = w.issue("student-1");
        org.assertj.core.api.Assertions.assertThatThrownBy(relay::submitPass).isInstanceOf(IllegalStateException.class);
        Operation released = w.operationOf(c.hash());
        assertThat(released.leaseOwner())
                .as("not stuck until the lease runs out")
                .isNull();
        assertThat(w.outbox.attempts(released.id())).hasSize(1);

        w.advance(w.relayConfig.pollInterval());
        relay.submitPass();
        w.advanceSlots(2);
        relay.confirmPass();
        assertThat(w.operationOf(c.hash()).status()).isEqualTo(OperationStatus.CONFIRMED);
        assertThat(w.outbox.attempts(released.id())).hasSize(1);
        assertThat(w.devnet.countMemo(c.memo())).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(TestChain.Kind.class)
    void twoRelaysOnOneDatabaseSubmitEachOfAThousandOperationsOnce(TestChain.Kind kind) {
        w = new WritePath(
                "two-relays",
                kind,
                rc -> rc.toBuilder()
                        .instanceId("x")
                        .batchSize(50)
                        .pollInterval(Duration.ofMillis(2))
                        .lease(Duration.ofHours(1))
                        .build());
        int n = 1000;
        CountingChain counting = new CountingChain(w.chain);
        Relay a = w.relay("relay-a", counting);
        Relay b = w.relay("relay-b", counting);
        for (int i = 0; i < n; i++) {
            w.issue("student-" + i);
        }
        Thread ticker = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                w.advanceSlots(1);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        a.start();
        b.start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> w.unfinished() == 0);
        } finally {
            ticker.interrupt();
        }
        assertThat(w.count("SELECT count(*) FROM chain_operations WHERE status = 'confirmed'"))
                .isEqualTo(n);
        assertThat(w.count("SELECT count(*) FROM credentials WHERE status = 'confirmed'"))
                .isEqualTo(n);
        assertThat(w.count("SELECT count(*) FROM chain_operation_attempts")).isEqualTo(n);
        // Packed: far fewer transactions than operations, each sent once, every memo on chain exactly once.
        assertThat(counting.submitsBySignature.values()).allMatch(count -> count.get() == 1);
        assertThat(w.onChain.landedCount())
                .isEqualTo(counting.submitsBySignature.size())
                .isLessThanOrEqualTo(n / 4);
        List<String> memos = w.onChain.landedMemos();
        assertThat(memos).hasSize(n).doesNotHaveDuplicates();
        assertThat(w.count("SELECT count(DISTINCT signature) FROM chain_operation_attempts"))
                .isEqualTo(w.onChain.landedCount());
        long byA = w.count("SELECT count(*) FROM chain_operation_attempts WHERE relay = 'relay-a'");
        long byB = w.count("SELECT count(*) FROM chain_operation_attempts WHERE relay = 'relay-b'");
        assertThat(byA + byB).isEqualTo(n);
        System.out.printf("two relays split the work %d / %d%n", byA, byB);
    }

    @Test
    void oneTransactionCarriesAsManyMemosAsFitAndIsLookedUpOnce() {
        w = new WritePath("packing");
        CountingChain counting = new CountingChain(w.chain);
        Relay relay = w.relay("relay-a", counting);
        List<Credential> issued = new java.util.ArrayList<>();
        for (int i = 0; i < 25; i++) {
            issued.add(w.issue("student-" + i));
        }
        assertThat(relay.submitPass()).isEqualTo(25);
        // 88-byte credential memos: 11 fit Solana's 1232 bytes, so 25 operations take 11 + 11 + 3.
        assertThat(counting.submitsBySignature).hasSize(3);
        assertThat(counting.sent).allSatisfy(tx -> assertThat(tx.wire().length).isLessThanOrEqualTo(1232));
        assertThat(counting.sent).extracting(tx -> tx.memos().size()).containsExactlyInAnyOrder(11, 11, 3);
        List<Operation> ops = issued.stream().map(c -> w.operationOf(c.hash())).toList();
        assertThat(ops).allMatch(op -> op.status() == OperationStatus.SUBMITTED);
        assertThat(ops.stream().map(Operation::signature).distinct()).hasSize(3);
        for (Operation op : ops) {
            assertThat(w.outbox.attempts(op.id()))
                    .extracting(Attempt::signature)
                    .containsExactly(op.signature());
        }

        w.advanceSlots(2);
        counting.statusLookups.clear();
        relay.confirmPass();
        assertThat(counting.statusLookups)
                .as("one status per transaction, not per operation")
                .hasSize(3)
                .doesNotHaveDuplicates();
        for (Credential c : issued) {
            Credential done = w.credentials.find(c.hash()).orElseThrow();
            assertThat(done.status()).isEqualTo(CredentialStatus.CONFIRMED);
            assertThat(done.chainSignature()).isEqualTo(w.operationOf(c.hash()).signature());
            assertThat(w.devnet.countMemo(c.memo())).isEqualTo(1);
            assertThat(w.historyTypes(c.hash())).containsExactly("created", "submitted", "confirmed");
            var verdict = w.credentials.verify(c.hash());
            assertThat(verdict.valid()).as(verdict.problems().toString()).isTrue();
            assertThat(w.devnet.transaction(done.chainSignature()).orElseThrow().memos())
                    .contains(c.memo());
        }
        assertThat(w.devnet.landedCount()).isEqualTo(3);
    }

    @Test
    void packedTransactionWhoseBlockhashExpiredIsRepackedOnceItIsProvablyDeadAndEachMemoLandsOnce() {
        w = new WritePath("packed-expired");
        Relay relay = w.relay("relay-a");
        List<Credential> issued = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            issued.add(w.issue("student-" + i));
        }
        w.faults.dropRate(1.0);
        relay.submitPass();
        w.faults.dropRate(0.0);
        List<String> firstSignatures = issued.stream()
                .map(c -> w.operationOf(c.hash()).signature())
                .distinct()
                .toList();
        assertThat(firstSignatures).hasSize(2);

        w.advanceSlots(5);
        relay.confirmPass();
        assertThat(issued).allMatch(c -> w.operationOf(c.hash()).status() == OperationStatus.SUBMITTED);
        w.advanceSlots(150);
        relay.confirmPass();
        assertThat(issued).allMatch(c -> w.operationOf(c.hash()).status() == OperationStatus.PENDING);
        // Nothing may be re-sent while an earlier transaction could still land.
        assertThat(w.devnet.landedCount()).isZero();

        w.advance(w.relayConfig.retryCap());
        relay.submitPass();
        w.advanceSlots(2);
        relay.confirmPass();
        for (Credential c : issued) {
            Operation op = w.operationOf(c.hash());
            assertThat(op.status()).isEqualTo(OperationStatus.CONFIRMED);
            List<Attempt> attempts = w.outbox.attempts(op.id());
            assertThat(attempts).hasSize(2);
            assertThat(firstSignatures)
                    .contains(attempts.get(0).signature())
                    .doesNotContain(attempts.get(1).signature());
            assertThat(op.signature()).isEqualTo(attempts.get(1).signature());
            assertThat(w.devnet.countMemo(c.memo())).isEqualTo(1);
            assertThat(w.historyTypes(c.hash()))
                    .containsExactly("created", "submitted", "failed", "resubmitted", "confirmed");
        }
        assertThat(w.devnet.landedCount()).isEqualTo(2);
        // Re-sending a dead transaction's bytes is refused by the chain, so nothing can land twice later.
        w.settle(relay, 3);
        issued.forEach(c -> assertThat(w.devnet.countMemo(c.memo())).isEqualTo(1));
    }

    @Test
    void packedTransactionThatLandedAfterTheTrackerGaveUpIsAdoptedForEveryOperationNotRepacked() {
        w = new WritePath("packed-late");
        Relay relay = w.relay("relay-a");
        List<Credential> packed = List.of(w.issue("a"), w.issue("b"), w.issue("c"));
        relay.submitPass();
        String signature = w.operationOf(packed.getFirst().hash()).signature();
        // Two of the three were wrongly given up on; the third is still being tracked.
        for (Credential c : packed.subList(0, 2)) {
            w.jdbc.update(
                    "UPDATE chain_operations SET status = 'pending', next_attempt_at = ? WHERE id = ?",
                    w.clock.instant(),
                    w.operationOf(c.hash()).id());
        }
        Credential later = w.issue("d");
        w.advanceSlots(200);
        relay.submitPass();
        w.advanceSlots(2);
        relay.confirmPass();
        for (Credential c : packed) {
            Operation op = w.operationOf(c.hash());
            assertThat(op.status()).isEqualTo(OperationStatus.CONFIRMED);
            assertThat(op.signature()).isEqualTo(signature);
            assertThat(w.outbox.attempts(op.id())).hasSize(1);
            assertThat(w.devnet.countMemo(c.memo())).isEqualTo(1);
        }
        // The newcomer travelled alone: it was not packed with operations whose transaction had landed.
        Operation d = w.operationOf(later.hash());
        assertThat(d.status()).isEqualTo(OperationStatus.CONFIRMED);
        assertThat(w.devnet.transaction(d.signature()).orElseThrow().memos()).containsExactly(later.memo());
        assertThat(w.devnet.landedCount()).isEqualTo(2);
    }

    @Test
    void relayThatDiesMidPackIsReplacedAndEveryMemoLandsOnce() throws Exception {
        w = new WritePath("crash-mid-pack");
        List<Credential> issued = new java.util.ArrayList<>();
        for (int i = 0; i < 15; i++) {
            issued.add(w.issue("student-" + i));
        }
        // The first transaction reaches the chain, then the process dies before sending the second.
        CountDownLatch oneSent = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger sends = new AtomicInteger();
        Relay doomed = w.relay("relay-doomed", new ForwardingChainClient(w.chain) {
            @Override
            public String submit(SignedTransaction tx) {
                if (sends.getAndIncrement() == 0) {
                    delegate.submit(tx);
                    oneSent.countDown();
                }
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new dev.chainsync.chain.ChainException(
                        dev.chainsync.chain.ChainException.Kind.UNAVAILABLE, "process died");
            }
        });
        Thread dying = Thread.ofPlatform().start(doomed::submitPass);
        // A failed assertion must not leave the doomed relay's send parked forever (close() would wait on it).
        try {
            assertThat(oneSent.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> sends.get() == 2);
            Map<String, Long> recorded = new java.util.HashMap<>();
            Set<String> unsent = new java.util.HashSet<>();
            for (Credential c : issued) {
                String signature = w.outbox
                        .attempts(w.operationOf(c.hash()).id())
                        .getFirst()
                        .signature();
                recorded.merge(signature, 1L, Long::sum);
                if (w.devnet.countMemo(c.memo()) == 0) {
                    unsent.add(signature);
                }
            }
            assertThat(recorded.values()).containsExactlyInAnyOrder(11L, 4L);
            assertThat(w.devnet.landedCount()).isEqualTo(1);
            // The two packs are sent in parallel, so either may be the one that got out.
            assertThat(unsent).hasSize(1);

            CountingChain counting = new CountingChain(w.chain);
            Relay survivor = w.relay("relay-b", counting);
            w.advance(w.relayConfig.lease().plusSeconds(1));
            assertThat(survivor.submitPass()).isEqualTo(15);
            // The landed pack is adopted; the unsent one, still valid, is re-sent byte for byte, not repacked.
            assertThat(counting.sent).singleElement().satisfies(tx -> {
                assertThat(tx.signature()).isEqualTo(unsent.iterator().next());
                assertThat((long) tx.memos().size()).isEqualTo(recorded.get(tx.signature()));
            });
            w.advanceSlots(2);
            survivor.confirmPass();
            for (Credential c : issued) {
                Operation op = w.operationOf(c.hash());
                assertThat(op.status()).isEqualTo(OperationStatus.CONFIRMED);
                assertThat(w.outbox.attempts(op.id())).hasSize(1);
                assertThat(w.devnet.countMemo(c.memo())).isEqualTo(1);
            }
            assertThat(w.devnet.landedCount()).isEqualTo(2);
        } finally {
            never.countDown();
        }
        dying.join(10_000);
        assertThat(dying.isAlive()).isFalse();
        assertThat(issued).allMatch(c -> w.operationOf(c.hash()).status() == OperationStatus.CONFIRMED);
    }

    @Test
    void aPackWithOneLostClaimIsNotSentAtAllAndItsOtherOperationsArePackedAgain() {
        w = new WritePath("pack-lost-claim");
        List<Credential> issued = List.of(w.issue("a"), w.issue("b"), w.issue("c"));
        long stolen = w.operationOf(issued.get(1).hash()).id();
        java.util.concurrent.atomic.AtomicBoolean steal = new java.util.concurrent.atomic.AtomicBoolean(true);
        CountingChain counting = new CountingChain(new ForwardingChainClient(w.chain) {
            @Override
            public RecentBlockhash latestBlockhash() {
                // Between claim and record, another relay takes over one operation of the pack.
                if (steal.getAndSet(false)) {
                    w.jdbc.update(
                            "UPDATE chain_operations SET version = version + 1, lease_owner = 'relay-other' "
                                    + "WHERE id = ?",
                            stolen);
                }
                return delegate.latestBlockhash();
            }
        });
        Relay relay = w.relay("relay-a", counting);
        relay.submitPass();
        assertThat(counting.sent)
                .as("a transaction is sent only once every memo in it is recorded")
                .isEmpty();
        assertThat(w.count("SELECT count(*) FROM chain_operation_attempts")).isZero();
        for (Credential c : List.of(issued.get(0), issued.get(2))) {
            Operation op = w.operationOf(c.hash());
            assertThat(op.status()).isEqualTo(OperationStatus.PENDING);
            assertThat(op.leaseOwner()).isNull();
            assertThat(op.attemptCount()).isZero();
        }
        assertThat(w.operationOf(issued.get(1).hash()).leaseOwner()).isEqualTo("relay-other");

        relay.submitPass();
        assertThat(counting.sent)
                .singleElement()
                .satisfies(tx -> assertThat(tx.memos())
                        .containsExactly(issued.get(0).memo(), issued.get(2).memo()));
        w.jdbc.update("UPDATE chain_operations SET lease_owner = NULL, lease_until = NULL WHERE id = ?", stolen);
        w.settle(relay, 3);
        for (Credential c : issued) {
            assertThat(w.status(c.hash())).isEqualTo(CredentialStatus.CONFIRMED);
            assertThat(w.devnet.countMemo(c.memo())).isEqualTo(1);
        }
    }

    /** Passes calls through; its submit sends, then blocks as if the process had died right after. */
    static final class FreezingChain extends ForwardingChainClient {
        final CountDownLatch submitted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        FreezingChain(ChainClient delegate) {
            super(delegate);
        }

        @Override
        public String submit(SignedTransaction tx) {
            String sig = delegate.submit(tx);
            submitted.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return sig;
        }
    }

    /** Counts submits per signature and can fail the next few with UNAVAILABLE. */
    static final class CountingChain extends ForwardingChainClient {
        final Map<String, AtomicInteger> submitsBySignature = new ConcurrentHashMap<>();
        final List<SignedTransaction> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> statusLookups = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicInteger failSubmits = new AtomicInteger();
        final AtomicInteger refuseSubmits = new AtomicInteger();

        @Override
        public Map<String, SignatureStatus> signatureStatuses(Collection<String> signatures) {
            statusLookups.addAll(signatures);
            return delegate.signatureStatuses(signatures);
        }

        CountingChain(ChainClient delegate) {
            super(delegate);
        }

        @Override
        public String submit(SignedTransaction tx) {
            if (refuseSubmits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                // What CircuitBreakingChainClient throws when the breaker opened after the blockhash was fetched.
                throw new dev.chainsync.chain.ChainException(
                        dev.chainsync.chain.ChainException.Kind.UNAVAILABLE,
                        dev.chainsync.chain.ChainException.Reach.NOT_SENT,
                        "refused before sending",
                        null);
            }
            if (failSubmits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new dev.chainsync.chain.ChainException(
                        dev.chainsync.chain.ChainException.Kind.UNAVAILABLE, "injected RPC error");
            }
            submitsBySignature
                    .computeIfAbsent(tx.signature(), k -> new AtomicInteger())
                    .incrementAndGet();
            sent.add(tx);
            return delegate.submit(tx);
        }
    }
}
