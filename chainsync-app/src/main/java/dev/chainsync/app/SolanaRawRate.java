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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;

/**
 * The chain's own rate, for comparison with chainsync's: a bare loop that signs memo transactions
 * (packed as the relay packs them) ahead of sending, sends them on a few threads and waits until
 * every one is confirmed. No database, no outbox: what the chain and its RPC allow.
 */
final class SolanaRawRate {
    /** Transactions signed per blockhash, well inside its validity at any slot time. */
    private static final int CHUNK = 64;

    private static final Duration WAIT_LIMIT = Duration.ofMinutes(10);

    private SolanaRawRate() {}

    /** Memos per second confirmed when sending {@code memos} credential memos on {@code threads} threads. */
    static double memosPerSecond(ChainClient chain, Signer issuer, int memos, int threads) throws Exception {
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
        double seconds = secondsToConfirm(
                chain, packs, CHUNK, threads, (p, blockhash) -> chain.buildMemoTransaction(issuer, p, blockhash));
        return memos / seconds;
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
