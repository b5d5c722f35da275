package dev.chainsync.app;

import dev.chainsync.db.Database;
import dev.chainsync.db.Jdbc;
import dev.chainsync.idempotency.Idempotency;
import dev.chainsync.ledger.Ledger;
import dev.chainsync.ledger.LedgerException;
import dev.chainsync.ledger.TransferBatcher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ledger benchmark: threads make random transfers among a few accounts (so they contend for
 * the same balance rows), each one database transaction with row locks in a fixed order. Reports
 * transfers per second and per-transfer latency, then checks the total did not move.
 */
final class TransfersBenchmark {
    private final int count;
    private final int accounts;
    private final int threads;

    TransfersBenchmark(int count, int accounts, int threads) {
        if (count < 1 || accounts < 2 || threads < 1) {
            throw new IllegalArgumentException("need count >= 1, accounts >= 2, threads >= 1");
        }
        this.count = count;
        this.accounts = accounts;
        this.threads = threads;
    }

    String run() throws Exception {
        return ScratchDatabase.with("bench_transfers", threads + 2, this::measure);
    }

    private String measure(Database db) throws Exception {
        Jdbc jdbc = db.jdbc();
        Ledger ledger = new Ledger(jdbc, Clock.systemUTC());
        List<String> ids = openAccounts(jdbc, ledger);
        BigDecimal before = ledger.total("USD");
        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        long[] latencies = new long[count];
        TransferBatcher batcher = new TransferBatcher(
                        jdbc,
                        ledger,
                        new Idempotency(jdbc, Clock.systemUTC(), Duration.ofHours(24)),
                        TransferBatcher.DEFAULT_MAX_BATCH,
                        new SimpleMeterRegistry())
                .start();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            SplittableRandom random = new SplittableRandom(t);
            futures.add(pool.submit(() -> {
                transferUntilDone(batcher, ledger, ids, random, next, refused, latencies);
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        batcher.close();
        Arrays.sort(latencies);
        BigDecimal after = ledger.total("USD");
        long negative = jdbc.queryOne("SELECT count(*) FROM balances WHERE amount < 0", r -> r.getLong(1))
                .orElseThrow();
        return String.format(
                """
                bench transfers: %d transfers among %d accounts on %d threads (the service path: batched, each transfer all or nothing)
                  machine: %d cores, %s %s, Java %s; date %s
                  database: %s
                  throughput : %.0f transfers/s (%.2f s), %d refused for funds
                  latency    : p50 %.1f ms, p99 %.1f ms
                  invariants : total before %s, after %s -> %s; negative balances: %d""",
                count,
                accounts,
                threads,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                Runtime.version(),
                LocalDate.now(),
                db.describe(),
                count / seconds,
                seconds,
                refused.get(),
                latencies[count / 2] / 1e6,
                latencies[(int) (count * 0.99)] / 1e6,
                before.toPlainString(),
                after.toPlainString(),
                before.compareTo(after) == 0 ? "conserved" : "BROKEN",
                negative);
    }

    /** Opens the accounts, each minted a million USD. */
    private List<String> openAccounts(Jdbc jdbc, Ledger ledger) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            String id =
                    jdbc.inTransaction(c -> ledger.createAccount(c, "bench")).id();
            jdbc.inTransaction(c -> ledger.mint(c, id, "1000000.00", "USD"));
            ids.add(id);
        }
        return ids;
    }

    /** One thread's share: takes transfer numbers until {@code count}, each a random amount between two accounts. */
    private void transferUntilDone(
            TransferBatcher batcher,
            Ledger ledger,
            List<String> ids,
            SplittableRandom random,
            AtomicInteger next,
            AtomicInteger refused,
            long[] latencies) {
        int i;
        while ((i = next.getAndIncrement()) < count) {
            String from = ids.get(random.nextInt(accounts));
            String to = ids.get(random.nextInt(accounts - 1));
            if (to.equals(from)) {
                to = ids.get(accounts - 1);
            }
            int cents = random.nextInt(1, 10_000);
            String amount = cents / 100 + "." + String.format("%02d", cents % 100);
            long s = System.nanoTime();
            try {
                batcher.transfer(ledger.order(from, to, amount, "USD"));
            } catch (LedgerException e) {
                refused.incrementAndGet();
            }
            latencies[i] = System.nanoTime() - s;
        }
    }
}
