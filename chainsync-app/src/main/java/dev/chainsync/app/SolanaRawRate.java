package dev.chainsync.app;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.Commitment;
import dev.chainsync.chain.RecentBlockhash;
import dev.chainsync.chain.SignatureStatus;
import dev.chainsync.chain.SignedTransaction;
import dev.chainsync.chain.Signer;
import dev.chainsync.credential.CredentialHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/**
 * The chain's own rate and confirmation time, for comparison with chainsync's: a bare loop that
 * signs memo transactions (packed as the relay packs them) ahead of sending, sends them on a few
 * threads while one poller asks {@code getSignatureStatuses} for everything unconfirmed (in the
 * client's batches, at the relay's confirm interval and commitment), timing each transaction from
 * just before its send to the poll that first saw it confirmed. No database, no outbox: what the
 * chain and its RPC allow.
 */
final class SolanaRawRate {
    /** Transactions signed per blockhash, well inside its validity at any slot time. */
    private static final int CHUNK = 64;

    private static final Duration WAIT_LIMIT = Duration.ofMinutes(10);

    /** What the loop measured: memos confirmed per second and each transaction's send -> confirmed. */
    record Figures(double memosPerSecond, double p50Ms, double p99Ms, int transactions) {}

    private SolanaRawRate() {}

    /**
     * Sends {@code memos} credential memos on {@code threads} threads, polling statuses every
     * {@code pollInterval} at {@code commitment}, as the relay's confirm pass does.
     */
    static Figures measure(
            ChainClient chain, Signer issuer, int memos, int threads, Duration pollInterval, Commitment commitment)
            throws Exception {
        List<List<String>> packs = packs(chain, memos);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<Long> latencies = new ArrayList<>();
        AtomicBoolean sendingDone = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            long t0 = System.nanoTime();
            Future<?> poller = pool.submit(() -> {
                poll(chain, sentAt, sendingDone, latencies, pollInterval, commitment);
                return null;
            });
            try {
                for (int from = 0; from < packs.size(); from += CHUNK) {
                    RecentBlockhash blockhash = chain.latestBlockhash();
                    List<SignedTransaction> signed = packs.subList(from, Math.min(packs.size(), from + CHUNK)).stream()
                            .map(p -> chain.buildMemoTransaction(issuer, p, blockhash))
                            .toList();
                    List<Future<?>> sent = new ArrayList<>();
                    for (SignedTransaction tx : signed) {
                        sent.add(pool.submit(() -> {
                            long before = System.nanoTime();
                            sentAt.put(chain.submit(tx), before);
                            return null;
                        }));
                    }
                    for (Future<?> f : sent) {
                        f.get();
                    }
                }
            } finally {
                sendingDone.set(true);
            }
            poller.get();
            double seconds = (System.nanoTime() - t0) / 1e9;
            long[] sorted =
                    latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Figures(memos / seconds, percentileMs(sorted, 0.50), percentileMs(sorted, 0.99), sorted.length);
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<List<String>> packs(ChainClient chain, int memos) {
        int perTransaction = memosPerTransaction(chain);
        List<List<String>> packs = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        byte[] digest = new byte[32];
        for (int done = 0; done < memos; done += perTransaction) {
            List<String> pack = new ArrayList<>();
            for (int i = done; i < Math.min(memos, done + perTransaction); i++) {
                ThreadLocalRandom.current().nextBytes(digest);
                pack.add(CredentialHash.memo(hex.formatHex(digest)));
            }
            packs.add(pack);
        }
        return packs;
    }

    private static int memosPerTransaction(ChainClient chain) {
        List<String> probe = new ArrayList<>();
        String memo = CredentialHash.memo("0".repeat(64));
        while (probe.size() < chain.maxMemosPerTransaction()) {
            probe.add(memo);
            if (chain.memoTransactionBytes(probe) > chain.maxTransactionBytes()) {
                return probe.size() - 1;
            }
        }
        return probe.size();
    }

    /**
     * Polls every sent, unconfirmed signature until sending is over and none is left; a
     * transaction's latency ends when the poll that first reports it confirmed has returned.
     */
    private static void poll(
            ChainClient chain,
            Map<String, Long> sentAt,
            AtomicBoolean sendingDone,
            List<Long> latencies,
            Duration pollInterval,
            Commitment commitment)
            throws InterruptedException {
        long giveUp = System.nanoTime() + WAIT_LIMIT.toNanos();
        while (true) {
            boolean lastRound = sendingDone.get(); // read before the snapshot: nothing is sent after it
            List<String> pending = List.copyOf(sentAt.keySet());
            if (lastRound && pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() > giveUp) {
                throw new IllegalStateException(pending.size() + " raw transactions unconfirmed after " + WAIT_LIMIT);
            }
            if (!pending.isEmpty()) {
                Map<String, SignatureStatus> statuses = chain.signatureStatuses(pending);
                long seen = System.nanoTime();
                statuses.forEach((signature, s) -> {
                    if (s.failed()) {
                        throw new IllegalStateException("raw transaction " + signature + " failed: " + s.error());
                    }
                    if (s.commitment().atLeast(commitment)) {
                        latencies.add(seen - sentAt.remove(signature));
                    }
                });
            }
            Thread.sleep(pollInterval);
        }
    }

    /**
     * The percentile of sorted nanoseconds in milliseconds, interpolated as PostgreSQL's
     * {@code percentile_cont} does for chainsync's own figures; NaN when there are none.
     */
    static double percentileMs(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        double position = p * (sortedNanos.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sortedNanos.length - 1);
        double fraction = position - below;
        return (sortedNanos[below] + fraction * (sortedNanos[above] - sortedNanos[below])) / 1e6;
    }

    /**
     * Signs {@code items} ahead, a blockhash per {@code chunk} of them, sends them on {@code threads}
     * threads and waits until every one is confirmed; returns the seconds that took.
     */
    static <T> double secondsToConfirm(
            ChainClient chain,
            List<T> items,
            int chunk,
            int threads,
            BiFunction<T, RecentBlockhash, SignedTransaction> sign)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            Set<String> pending = new HashSet<>();
            for (int from = 0; from < items.size(); from += chunk) {
                RecentBlockhash blockhash = chain.latestBlockhash();
                List<SignedTransaction> signed = items.subList(from, Math.min(items.size(), from + chunk)).stream()
                        .map(item -> sign.apply(item, blockhash))
                        .toList();
                List<Future<String>> sent = new ArrayList<>();
                for (SignedTransaction tx : signed) {
                    sent.add(pool.submit(() -> chain.submit(tx)));
                }
                for (Future<String> f : sent) {
                    pending.add(f.get());
                }
            }
            awaitConfirmed(chain, pending);
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitConfirmed(ChainClient chain, Set<String> pending) throws InterruptedException {
        long giveUp = System.nanoTime() + WAIT_LIMIT.toNanos();
        while (!pending.isEmpty()) {
            if (System.nanoTime() > giveUp) {
                throw new IllegalStateException(pending.size() + " raw transactions unconfirmed after " + WAIT_LIMIT);
            }
            Map<String, SignatureStatus> statuses = chain.signatureStatuses(List.copyOf(pending));
            statuses.forEach((signature, s) -> {
                if (s.failed()) {
                    throw new IllegalStateException("raw transaction " + signature + " failed: " + s.error());
                }
                if (s.commitment().atLeast(Commitment.CONFIRMED)) {
                    pending.remove(signature);
                }
            });
            Thread.sleep(20);
        }
    }
}
