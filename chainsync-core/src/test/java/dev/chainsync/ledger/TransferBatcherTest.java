package dev.chainsync.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chainsync.db.DataAccessException;
import dev.chainsync.db.Jdbc;
import dev.chainsync.idempotency.Idempotency;
import dev.chainsync.idempotency.Idempotency.Claim;
import dev.chainsync.idempotency.Idempotency.Outcome;
import dev.chainsync.idempotency.Idempotency.StoredResponse;
import dev.chainsync.testing.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TransferBatcherTest {
    private static final Function<Ledger.Transfer, StoredResponse> RENDER = t -> new StoredResponse(
            201, Map.of("Location", "/v1/transfers/" + t.id()), t.id().getBytes(StandardCharsets.UTF_8));

    private TestDatabases.Scratch db;
    private Jdbc jdbc;
    private Ledger ledger;
    private Idempotency idempotency;
    private TransferBatcher batcher;
    private SimpleMeterRegistry registry;
    private final ExecutorService callers = Executors.newFixedThreadPool(16);

    @BeforeEach
    void setUp() {
        db = TestDatabases.create("batcher", 24);
        jdbc = db.database().jdbc();
        ledger = new Ledger(jdbc, Clock.systemUTC());
        idempotency = new Idempotency(jdbc, Clock.systemUTC(), Duration.ofHours(24));
        registry = new SimpleMeterRegistry();
        batcher = new TransferBatcher(jdbc, ledger, idempotency, TransferBatcher.DEFAULT_MAX_BATCH, registry).start();
    }

    @AfterEach
    void tearDown() throws Exception {
        callers.shutdownNow();
        callers.awaitTermination(10, TimeUnit.SECONDS);
        batcher.close();
        db.close();
    }

    private String account(String currencyAmount) {
        String id = jdbc.inTransaction(c -> ledger.createAccount(c, "t")).id();
        if (currencyAmount != null) {
            jdbc.inTransaction(c -> ledger.mint(c, id, currencyAmount, "USD"));
        }
        return id;
    }

    private BigDecimal balance(String account) {
        return ledger.account(account).orElseThrow().balances().getOrDefault("USD", BigDecimal.ZERO);
    }

    private long count(String sql, Object... params) {
        return jdbc.queryOne(sql, r -> r.getLong(1), params).orElseThrow();
    }

    private void awaitSomeoneWaitingForALock() {
        await().atMost(Duration.ofSeconds(10)).until(() -> count("""
                SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
                 WHERE NOT l.granted AND a.datname = current_database()""") > 0);
    }

    /**
     * Lines requests up into one batch: a first transfer from {@code blocker}'s account stalls on a
     * row lock held here, the others queue behind it, then the lock goes and they run together.
     */
    private <T> List<Future<T>> inOneBatch(String lockedAccount, List<java.util.concurrent.Callable<T>> together)
            throws Exception {
        Connection holder = jdbc.dataSource().getConnection();
        try {
            holder.setAutoCommit(false);
            Jdbc.query(holder, "SELECT 1 FROM balances WHERE account_id = ? FOR UPDATE", r -> 1, lockedAccount);
            String sink = account(null);
            Future<Ledger.Transfer> stalled =
                    callers.submit(() -> batcher.transfer(ledger.order(lockedAccount, sink, "0.01", "USD")));
            awaitSomeoneWaitingForALock();
            List<Future<T>> futures = new ArrayList<>();
            for (java.util.concurrent.Callable<T> call : together) {
                futures.add(callers.submit(call));
                // One at a time, so the queue (and so the batch) keeps the order given.
                int queued = futures.size();
                await().atMost(Duration.ofSeconds(10)).until(() -> batcher.queued() == queued);
            }
            holder.rollback();
            stalled.get(10, TimeUnit.SECONDS);
            return futures;
        } finally {
            holder.close();
        }
    }

    @Test
    void aBatchAppliesInOrderAndARefusedTransferWritesNothingWhileTheOthersCommit() throws Exception {
        String blocker = account("1.00");
        String alice = account("10.00");
        String bob = account(null);
        String carol = account("1.00");
        long eventsBefore = count("SELECT count(*) FROM webhook_events WHERE type = 'transfer.completed'");
        List<Future<Object>> results = inOneBatch(
                blocker,
                List.of(
                        () -> batcher.transfer(ledger.order(alice, bob, "8.00", "USD")),
                        () -> refusalOf(() -> batcher.transfer(ledger.order(alice, bob, "5.00", "USD"))),
                        () -> batcher.transfer(ledger.order(carol, alice, "1.00", "USD")),
                        () -> refusalOf(() ->
                                batcher.transfer(ledger.order(alice, "acc_00000000000000000000", "1.00", "USD")))));
        List<Object> outcomes = new ArrayList<>();
        for (Future<Object> f : results) {
            outcomes.add(f.get(10, TimeUnit.SECONDS));
        }
        // The stalled transfer went alone, then the four lined up behind it in one batch.
        assertThat(registry.get("chainsync_ledger_transfer_batch_size")
                        .summary()
                        .max())
                .isEqualTo(4.0);
        assertThat(registry.get("chainsync_ledger_transfer_batches_failed_total")
                        .counter()
                        .count())
                .isZero();
        // In queue order: 10 - 8 leaves 2, so 5 is refused; carol's 1.00 then brings alice to 3.
        assertThat(outcomes).hasSize(4);
        assertThat(outcomes.get(0)).isInstanceOf(Ledger.Transfer.class);
        assertThat((String) outcomes.get(1)).contains("insufficient funds");
        assertThat(outcomes.get(2)).isInstanceOf(Ledger.Transfer.class);
        assertThat((String) outcomes.get(3)).contains("no account acc_00000000000000000000");
        assertThat(balance(alice)).isEqualByComparingTo("3.00");
        assertThat(balance(bob)).isEqualByComparingTo("8.00");
        assertThat(balance(carol)).isEqualByComparingTo("0");
        assertThat(count("SELECT count(*) FROM transfers WHERE from_account IN (?, ?)", alice, carol))
                .isEqualTo(2);
        assertThat(count("SELECT count(*) FROM ledger_entries WHERE account_id IN (?, ?, ?)", alice, bob, carol))
                .isEqualTo(2 + 2 * 2); // the mints to alice and carol, then two legs per transfer made
        assertThat(count("SELECT count(*) FROM webhook_events WHERE type = 'transfer.completed'") - eventsBefore)
                .isEqualTo(3); // the stalled one and the two that went through
        Ledger.Transfer first = (Ledger.Transfer) outcomes.get(0);
        assertThat(ledger.entries(bob, null, 10)).singleElement().satisfies(e -> {
            assertThat(e.transferId()).isEqualTo(first.id());
            assertThat(e.balanceAfter()).isEqualByComparingTo("8.00");
        });
    }

    private static Object refusalOf(Runnable call) {
        try {
            call.run();
            return "went through";
        } catch (LedgerException e) {
            return e.getMessage();
        }
    }

    @Test
    void aBatchThatFailsAsAWholeIsAppliedOneByOneSoOnlyTheBadTransferFails() throws Exception {
        String blocker = account("1.00");
        String rich = account("1.00");
        jdbc.update("UPDATE balances SET amount = 99999999999999999999 WHERE account_id = ?", rich);
        String payer = account("5.00");
        String payee = account(null);
        String other = account("5.00");
        List<Future<Object>> results = inOneBatch(
                blocker,
                List.of(
                        () -> batcher.transfer(ledger.order(payer, payee, "2.00", "USD")),
                        () -> {
                            try {
                                return batcher.transfer(ledger.order(payer, rich, "1.00", "USD"));
                            } catch (DataAccessException e) {
                                return e.sqlState();
                            }
                        },
                        // Applied one by one the callers race, so no transfer here may depend on another's outcome.
                        () -> batcher.transfer(ledger.order(other, payee, "0.50", "USD"))));
        assertThat(results.get(0).get(10, TimeUnit.SECONDS)).isInstanceOf(Ledger.Transfer.class);
        assertThat(results.get(1).get(10, TimeUnit.SECONDS)).isEqualTo("22003"); // numeric overflow
        assertThat(results.get(2).get(10, TimeUnit.SECONDS)).isInstanceOf(Ledger.Transfer.class);
        assertThat(balance(payer)).isEqualByComparingTo("3.00");
        assertThat(balance(payee)).isEqualByComparingTo("2.50");
        assertThat(balance(other)).isEqualByComparingTo("4.50");
        assertThat(balance(rich)).isEqualByComparingTo("99999999999999999999");
        assertThat(registry.get("chainsync_ledger_transfer_batches_failed_total")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void aKeyUsedTwiceInOneBatchHasOneEffectAndTheSecondReplaysTheFirst() throws Exception {
        String blocker = account("1.00");
        String alice = account("10.00");
        String bob = account(null);
        Claim claim = new Claim(7, "pay-bob-once", "fp-1");
        Ledger.TransferOrder order = ledger.order(alice, bob, "4.00", "USD");
        List<Future<Outcome>> results = inOneBatch(
                blocker,
                List.of(
                        () -> batcher.transfer(order, claim, RENDER),
                        () -> batcher.transfer(order, claim, RENDER),
                        () -> batcher.transfer(order, new Claim(7, "pay-bob-once", "another-request"), RENDER)));
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Outcome> f : results) {
            outcomes.add(f.get(10, TimeUnit.SECONDS));
        }
        assertThat(outcomes.get(0)).isInstanceOf(Outcome.Executed.class);
        assertThat(outcomes.get(1))
                .isInstanceOfSatisfying(
                        Outcome.Replayed.class,
                        r -> assertThat(r.response().body())
                                .isEqualTo(((Outcome.Executed) outcomes.get(0))
                                        .response()
                                        .body()));
        assertThat(outcomes.get(2)).isInstanceOf(Outcome.Mismatch.class);
        assertThat(balance(bob)).isEqualByComparingTo("4.00");
        assertThat(count("SELECT count(*) FROM transfers WHERE to_account = ?", bob))
                .isEqualTo(1);
    }

    @Test
    void aRefusedKeyedTransferStoresNoRecordSoTheSameKeyWorksOnceFundsArrive() {
        String alice = account("1.00");
        String bob = account(null);
        Claim claim = new Claim(7, "pay-bob", "fp");
        Ledger.TransferOrder order = ledger.order(alice, bob, "4.00", "USD");
        assertThatThrownBy(() -> batcher.transfer(order, claim, RENDER))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("insufficient funds");
        assertThat(count("SELECT count(*) FROM idempotency_keys WHERE idempotency_key = 'pay-bob'"))
                .isZero();
        jdbc.inTransaction(c -> ledger.mint(c, alice, "3.00", "USD"));
        assertThat(batcher.transfer(order, claim, RENDER)).isInstanceOf(Outcome.Executed.class);
        assertThat(batcher.transfer(order, claim, RENDER)).isInstanceOf(Outcome.Replayed.class);
        assertThat(balance(bob)).isEqualByComparingTo("4.00");
    }

    @Test
    void aKeyInFlightElsewhereAnswersInProgressAndTheRestOfItsBatchStillCommits() throws Exception {
        String blocker = account("1.00");
        String alice = account("10.00");
        String bob = account(null);
        try (Connection elsewhere = jdbc.dataSource().getConnection()) {
            elsewhere.setAutoCommit(false);
            Jdbc.update(elsewhere, """
                    INSERT INTO idempotency_keys (api_key_id, idempotency_key, fingerprint, response_status, response_body,
                                                  created_at, expires_at)
                    VALUES (7, 'busy', 'fp', 0, ''::bytea, now(), now() + interval '1 day')""");
            List<Future<Outcome>> results = inOneBatch(
                    blocker,
                    List.of(
                            () -> batcher.transfer(
                                    ledger.order(alice, bob, "1.00", "USD"), new Claim(7, "busy", "fp"), RENDER),
                            () -> batcher.transfer(
                                    ledger.order(alice, bob, "2.00", "USD"), new Claim(7, "free", "fp"), RENDER)));
            assertThat(results.get(0).get(10, TimeUnit.SECONDS)).isInstanceOf(Outcome.InProgress.class);
            assertThat(results.get(1).get(10, TimeUnit.SECONDS)).isInstanceOf(Outcome.Executed.class);
            elsewhere.rollback();
        }
        assertThat(balance(bob)).isEqualByComparingTo("2.00");
        // Only the busy key left the batch: the free one was applied with it, not one by one.
        assertThat(registry.get("chainsync_ledger_transfer_batches_failed_total")
                        .counter()
                        .count())
                .isZero();
    }

    @Test
    void concurrentTransfersAmongFewAccountsConserveTheTotalAndNeverOverdraw() throws Exception {
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            accounts.add(account("100.00"));
        }
        List<Future<int[]>> workers = new ArrayList<>();
        for (int w = 0; w < 12; w++) {
            SplittableRandom random = new SplittableRandom(w);
            workers.add(callers.submit(() -> {
                int[] madeAndRefused = new int[2];
                for (int i = 0; i < 150; i++) {
                    String from = accounts.get(random.nextInt(accounts.size()));
                    String to = accounts.get(random.nextInt(accounts.size()));
                    if (from.equals(to)) {
                        continue;
                    }
                    try {
                        batcher.transfer(ledger.order(from, to, random.nextInt(1, 6000) / 100 + ".00", "USD"));
                        madeAndRefused[0]++;
                    } catch (LedgerException e) {
                        madeAndRefused[1]++;
                    }
                }
                return madeAndRefused;
            }));
        }
        int made = 0;
        int refused = 0;
        for (Future<int[]> f : workers) {
            int[] r = f.get(120, TimeUnit.SECONDS);
            made += r[0];
            refused += r[1];
        }
        assertThat(made).isPositive();
        assertThat(refused).isPositive();
        assertThat(ledger.total("USD")).isEqualByComparingTo("500.00");
        assertThat(count("SELECT count(*) FROM balances WHERE amount < 0")).isZero();
        assertThat(count("SELECT count(*) FROM transfers WHERE kind = 'transfer'"))
                .isEqualTo(made);
        assertThat(
                        count(
                                "SELECT count(*) FROM ledger_entries l JOIN transfers t ON t.id = l.transfer_id WHERE t.kind = 'transfer'"))
                .isEqualTo(2L * made);
        // Every account's journal replays to its balance.
        for (String a : accounts) {
            assertThat(jdbc.queryOne(
                                    "SELECT balance_after FROM ledger_entries WHERE account_id = ? ORDER BY id DESC LIMIT 1",
                                    r -> r.getBigDecimal(1),
                                    a)
                            .orElseThrow())
                    .isEqualByComparingTo(balance(a));
            assertThat(jdbc.queryOne(
                                    "SELECT sum(amount) FROM ledger_entries WHERE account_id = ?",
                                    r -> r.getBigDecimal(1),
                                    a)
                            .orElseThrow())
                    .isEqualByComparingTo(balance(a));
        }
    }

    @Test
    void aRefusedTransferLeavesNoTraceNotEvenAReceiverRowMadeForIt() throws Exception {
        String blocker = account("1.00");
        String alice = account("1.00");
        String carol = account(null); // no USD row at all: holds nothing
        String bob = account(null);
        String dave = account(null);
        long eventsBefore = count("SELECT count(*) FROM webhook_events WHERE type = 'transfer.completed'");
        List<Future<Object>> results = inOneBatch(
                blocker,
                List.of(
                        () -> refusalOf(() -> batcher.transfer(ledger.order(alice, bob, "5.00", "USD"))),
                        () -> refusalOf(() -> batcher.transfer(ledger.order(carol, bob, "1.00", "USD"))),
                        () -> batcher.transfer(ledger.order(alice, dave, "0.40", "USD"))));
        assertThat((String) results.get(0).get(10, TimeUnit.SECONDS))
                .contains("insufficient funds: " + alice + " holds 1.00");
        assertThat((String) results.get(1).get(10, TimeUnit.SECONDS))
                .contains("insufficient funds: " + carol + " holds 0.00");
        assertThat(results.get(2).get(10, TimeUnit.SECONDS)).isInstanceOf(Ledger.Transfer.class);
        assertThat(count("SELECT count(*) FROM balances WHERE account_id IN (?, ?)", bob, carol))
                .isZero();
        assertThat(ledger.account(bob).orElseThrow().balances()).isEmpty();
        assertThat(balance(dave)).isEqualByComparingTo("0.40");
        assertThat(balance(alice)).isEqualByComparingTo("0.60");
        assertThat(count("SELECT count(*) FROM transfers WHERE to_account = ? OR from_account = ?", bob, carol))
                .isZero();
        assertThat(count("SELECT count(*) FROM webhook_events WHERE type = 'transfer.completed'") - eventsBefore)
                .isEqualTo(2); // the stalled one and alice -> dave
    }

    @Test
    void twoInstancesMintsAndBurnsAtOnceNeverLoseAnUpdateAndEveryJournalReplays() throws Exception {
        TransferBatcher other = new TransferBatcher(
                        jdbc, ledger, idempotency, TransferBatcher.DEFAULT_MAX_BATCH, new SimpleMeterRegistry())
                .start();
        try {
            List<String> accounts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                // Half start with money, half without even a balance row.
                accounts.add(account(i % 2 == 0 ? "50.00" : null));
            }
            java.util.concurrent.atomic.AtomicLong mintedCents = new java.util.concurrent.atomic.AtomicLong(150_00);
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 12; w++) {
                SplittableRandom random = new SplittableRandom(100 + w);
                TransferBatcher via = w % 2 == 0 ? batcher : other;
                workers.add(callers.submit(() -> {
                    for (int i = 0; i < 120; i++) {
                        String from = accounts.get(random.nextInt(accounts.size()));
                        String to = accounts.get(random.nextInt(accounts.size()));
                        int cents = random.nextInt(1, 2_000);
                        String amount = cents / 100 + "." + String.format("%02d", cents % 100);
                        try {
                            if (from.equals(to)) {
                                if (random.nextBoolean()) {
                                    jdbc.inTransaction(c -> ledger.mint(c, to, amount, "USD"));
                                    mintedCents.addAndGet(cents);
                                } else {
                                    jdbc.inTransaction(c -> ledger.burn(c, from, amount, "USD"));
                                    mintedCents.addAndGet(-cents);
                                }
                            } else {
                                via.transfer(ledger.order(from, to, amount, "USD"));
                            }
                        } catch (LedgerException refused) {
                            // insufficient funds: fine, and nothing written
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get(120, TimeUnit.SECONDS);
            }
            assertThat(ledger.total("USD")).isEqualByComparingTo(BigDecimal.valueOf(mintedCents.get(), 2));
            assertThat(count("SELECT count(*) FROM balances WHERE amount < 0")).isZero();
            for (String a : accounts) {
                List<BigDecimal[]> journal = jdbc.query(
                        "SELECT amount, balance_after FROM ledger_entries WHERE account_id = ? ORDER BY id",
                        r -> new BigDecimal[] {r.getBigDecimal(1), r.getBigDecimal(2)},
                        a);
                BigDecimal running = BigDecimal.ZERO;
                for (BigDecimal[] entry : journal) {
                    running = running.add(entry[0]);
                    assertThat(entry[1]).as("balance_after of %s", a).isEqualByComparingTo(running);
                }
                assertThat(balance(a)).as("balance of %s", a).isEqualByComparingTo(running);
            }
        } finally {
            other.close();
        }
    }

    /**
     * The interleaving that once created money: a sender without a balance row when a batch took
     * its locks gets one from a transfer that commits while the batch waits on another row, and a
     * third transfer empties it before the batch writes. The batch must not spend what it never
     * locked.
     */
    @Test
    void aSenderRowCreatedWhileABatchWaitsIsNeitherReadNorOverwritten() throws Exception {
        String q = account("100.00");
        String r = account(null);
        String s = account(null); // no row yet
        String w = account("10.00");
        String z = account(null);
        try (Connection holdsW = jdbc.dataSource().getConnection();
                Connection fundsS = jdbc.dataSource().getConnection();
                Connection emptiesS = jdbc.dataSource().getConnection()) {
            holdsW.setAutoCommit(false);
            fundsS.setAutoCommit(false);
            emptiesS.setAutoCommit(false);
            Jdbc.query(holdsW, "SELECT 1 FROM balances WHERE account_id = ? FOR UPDATE", row -> 1, w);
            ledger.transferAll(fundsS, List.of(ledger.order(q, s, "100.00", "USD")));
            Future<List<Ledger.TransferResult>> batch = callers.submit(() -> jdbc.inTransaction(c -> ledger.transferAll(
                    c, List.of(ledger.order(s, r, "50.00", "USD"), ledger.order(w, r, "1.00", "USD")))));
            awaitSomeoneWaitingForALock();
            fundsS.commit();
            ledger.transferAll(emptiesS, List.of(ledger.order(s, z, "100.00", "USD")));
            holdsW.commit();
            emptiesS.commit();
            List<Ledger.TransferResult> results = batch.get(10, TimeUnit.SECONDS);
            assertThat(results.get(0).refusal())
                    .isNotNull()
                    .satisfies(e -> assertThat(e.getMessage()).contains("insufficient funds"));
            assertThat(results.get(1).transfer()).isNotNull();
        }
        assertThat(ledger.total("USD")).isEqualByComparingTo("110.00");
        assertThat(balance(s)).isEqualByComparingTo("0");
        assertThat(balance(z)).isEqualByComparingTo("100.00");
        assertThat(balance(r)).isEqualByComparingTo("1.00");
    }

    @Test
    void aRowHeldElsewhereFailsOnlyItsBatchAndUnrelatedTransfersGoOnWithoutIt() throws Exception {
        String blocker = account("1.00");
        String alice = account("10.00");
        String bob = account(null);
        String carol = account("10.00");
        String dave = account(null);
        try (Connection operator = jdbc.dataSource().getConnection()) {
            operator.setAutoCommit(false);
            Jdbc.query(operator, "SELECT 1 FROM balances WHERE account_id = ? FOR UPDATE", row -> 1, alice);
            List<Future<Ledger.Transfer>> results = inOneBatch(
                    blocker,
                    List.of(
                            () -> batcher.transfer(ledger.order(alice, bob, "1.00", "USD")),
                            () -> batcher.transfer(ledger.order(carol, dave, "2.00", "USD"))));
            // The batch gives up on alice's row after BATCH_LOCK_TIMEOUT; carol's transfer then goes alone.
            assertThat(results.get(1).get(10, TimeUnit.SECONDS).amount()).isEqualByComparingTo("2.00");
            assertThat(results.get(0)).isNotDone();
            assertThat(registry.get("chainsync_ledger_transfer_batches_failed_total")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
            operator.rollback();
            assertThat(results.get(0).get(10, TimeUnit.SECONDS).amount()).isEqualByComparingTo("1.00");
        }
        assertThat(balance(bob)).isEqualByComparingTo("1.00");
        assertThat(balance(dave)).isEqualByComparingTo("2.00");
    }

    @Test
    void accountsAndCurrenciesTheJournalRefersToCannotBeDeleted() {
        String alice = account("10.00");
        String bob = account(null);
        batcher.transfer(ledger.order(alice, bob, "1.00", "USD"));
        for (String sql : List.of(
                "DELETE FROM accounts WHERE id = '" + bob + "'",
                "TRUNCATE accounts CASCADE",
                "DELETE FROM currencies WHERE code = 'USD'")) {
            assertThatThrownBy(() -> jdbc.update(sql))
                    .isInstanceOf(DataAccessException.class)
                    .satisfies(e ->
                            assertThat(((DataAccessException) e).sqlState()).isEqualTo("23001"));
        }
        assertThat(ledger.entries(bob, null, 10))
                .singleElement()
                .satisfies(e -> assertThat(e.accountId()).isEqualTo(bob));
    }

    @Test
    void afterCloseTransfersAreStillMadeByTheirCallers() {
        String alice = account("10.00");
        String bob = account(null);
        batcher.close();
        batcher.close();
        assertThat(batcher.transfer(ledger.order(alice, bob, "1.00", "USD")).amount())
                .isEqualByComparingTo("1.00");
        assertThat(balance(bob)).isEqualByComparingTo("1.00");
    }

    @Test
    void aSecondStartIsRefusedAndCloseStopsTheBatchingThread() {
        assertThatThrownBy(batcher::start).isInstanceOf(IllegalStateException.class);
        assertThat(batcher.health().running()).isTrue();
        batcher.close();
        assertThat(batcher.health().running()).isFalse();
        assertThatThrownBy(batcher::start).isInstanceOf(IllegalStateException.class);
    }
}
