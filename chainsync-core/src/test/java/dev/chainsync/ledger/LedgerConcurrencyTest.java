package dev.chainsync.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.db.Jdbc;
import dev.chainsync.testing.TestDatabases;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LedgerConcurrencyTest {
    private TestDatabases.Scratch db;
    private Jdbc jdbc;
    private Ledger ledger;

    @BeforeEach
    void setUp() {
        db = TestDatabases.create("ledger", 16);
        jdbc = db.database().jdbc();
        ledger = new Ledger(jdbc, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private String account(String name) {
        return jdbc.inTransaction(c -> ledger.createAccount(c, name)).id();
    }

    @Test
    void transferMovesExactAmountsAndRecordsTwoEntries() {
        String a = account("alice");
        String b = account("bob");
        jdbc.inTransaction(c -> ledger.mint(c, a, "100.10", "USD"));
        Ledger.Transfer t = jdbc.inTransaction(c -> ledger.transfer(c, a, b, "0.30", "USD"));
        assertThat(ledger.account(a).orElseThrow().balances()).containsEntry("USD", new BigDecimal("99.80"));
        assertThat(ledger.account(b).orElseThrow().balances()).containsEntry("USD", new BigDecimal("0.30"));
        assertThat(ledger.entries(a, null, 10))
                .extracting(e -> e.amount().toPlainString())
                .containsExactly("-0.30", "100.10");
        assertThat(ledger.entries(b, null, 10)).singleElement().satisfies(e -> {
            assertThat(e.transferId()).isEqualTo(t.id());
            assertThat(e.balanceAfter()).isEqualByComparingTo("0.30");
        });
        assertThat(ledger.total("USD")).isEqualByComparingTo("100.10");
        assertThat(jdbc.queryOne(
                                "SELECT count(*) FROM webhook_events WHERE type = 'transfer.completed'",
                                r -> r.getLong(1))
                        .orElseThrow())
                .isEqualTo(2);
    }

    @Test
    void refusalsWriteNothing() {
        String a = account("alice");
        String b = account("bob");
        jdbc.inTransaction(c -> ledger.mint(c, a, "5", "USD"));
        long transfersBefore = count("transfers");
        assertThatThrownBy(() -> jdbc.inTransaction(c -> ledger.transfer(c, a, b, "5.01", "USD")))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("insufficient funds");
        assertThatThrownBy(() -> jdbc.inTransaction(c -> ledger.transfer(c, a, b, "0.001", "USD")))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("decimal places");
        assertThatThrownBy(() -> jdbc.inTransaction(c -> ledger.transfer(c, a, b, "-1", "USD")))
                .isInstanceOf(LedgerException.class);
        assertThatThrownBy(() -> jdbc.inTransaction(c -> ledger.transfer(c, a, b, "1", "XXX")))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("unknown currency");
        assertThatThrownBy(() -> jdbc.inTransaction(c -> ledger.transfer(c, a, a, "1", "USD")))
                .isInstanceOf(LedgerException.class);
        assertThatThrownBy(() -> jdbc.inTransaction(c -> ledger.transfer(c, a, "acc_00000000000000000000", "1", "USD")))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("no account");
        assertThatThrownBy(() -> jdbc.inTransaction(c -> ledger.burn(c, b, "1", "USD")))
                .isInstanceOf(LedgerException.class);
        assertThat(count("transfers")).isEqualTo(transfersBefore);
        assertThat(count("ledger_entries")).isEqualTo(1);
        assertThat(ledger.total("USD")).isEqualByComparingTo("5");
    }

    @Test
    void eighteenDecimalsStayExact() {
        String a = account("a");
        String b = account("b");
        jdbc.inTransaction(c -> ledger.mint(c, a, "1.000000000000000001", "ETH"));
        jdbc.inTransaction(c -> ledger.transfer(c, a, b, "0.000000000000000001", "ETH"));
        assertThat(ledger.account(a).orElseThrow().balances().get("ETH").toPlainString())
                .isEqualTo("1.000000000000000000");
        assertThat(ledger.account(b).orElseThrow().balances().get("ETH").toPlainString())
                .isEqualTo("0.000000000000000001");
    }

    @Test
    void concurrentRandomTransfersConserveTotalsNeverGoNegativeAndNeverDeadlock() throws Exception {
        int accounts = 5;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            String id = account("acct-" + i);
            ids.add(id);
            jdbc.inTransaction(c -> ledger.mint(c, id, "100.00", "USD"));
        }
        int threads = 12;
        int perThread = 60;
        AtomicInteger done = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Throwable> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = t;
            futures.add(pool.submit(() -> {
                Random r = new Random(seed);
                for (int i = 0; i < perThread; i++) {
                    String from = ids.get(r.nextInt(accounts));
                    String to = ids.get(r.nextInt(accounts));
                    if (from.equals(to)) {
                        continue;
                    }
                    String amount = (1 + r.nextInt(4000)) / 100 + "." + String.format("%02d", r.nextInt(100));
                    try {
                        jdbc.inTransaction(c -> ledger.transfer(c, from, to, amount, "USD"));
                        done.incrementAndGet();
                    } catch (LedgerException e) {
                        refused.incrementAndGet();
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(unexpected).as("no deadlocks or other errors").isEmpty();
        assertThat(done.get()).isGreaterThan(100);
        assertThat(ledger.total("USD")).isEqualByComparingTo("500.00");
        assertThat(jdbc.queryOne("SELECT count(*) FROM balances WHERE amount < 0", r -> r.getLong(1))
                        .orElseThrow())
                .isZero();
        // The journal agrees with the balances: each account's entries sum to its balance.
        for (String id : ids) {
            BigDecimal journal = jdbc.queryOne(
                            "SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE account_id = ?",
                            r -> r.getBigDecimal(1),
                            id)
                    .orElseThrow();
            assertThat(journal)
                    .isEqualByComparingTo(
                            ledger.account(id).orElseThrow().balances().get("USD"));
        }
        assertThat(count("transfers") - accounts).isEqualTo(done.get());
    }

    private long count(String table) {
        return jdbc.queryOne("SELECT count(*) FROM " + table, r -> r.getLong(1)).orElseThrow();
    }
}
