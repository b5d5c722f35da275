package dev.chainsync.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.testing.TestDatabases;
import dev.chainsync.time.ManualClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The PostgreSQL token bucket, above all the moment a key's bucket row does not exist yet. */
class RateLimiterTest {
    private TestDatabases.Scratch db;
    private ManualClock clock;

    @BeforeEach
    void setUp() {
        db = TestDatabases.create("ratelimit");
        clock = new ManualClock(Instant.parse("2026-03-01T09:00:00Z"));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    /**
     * The first requests of a new key arrive together: every one of them gets an answer (none an
     * exception from a bucket row that does not exist yet), and together they take exactly their
     * number of tokens.
     */
    @Test
    void concurrentFirstRequestsOfNewKeysAreAllAnswered() throws Exception {
        int keys = 20;
        int perKey = 16;
        RateLimiter limiter = new RateLimiter(db.database().dataSource(), clock, 1000);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (long key = 1; key <= keys; key++) {
                long id = key;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<RateLimiter.Decision>> answers = new ArrayList<>();
                for (int i = 0; i < perKey; i++) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        return limiter.tryConsume(id, null);
                    }));
                }
                go.countDown();
                for (Future<RateLimiter.Decision> a : answers) {
                    assertThat(a.get().allowed()).as("key %d", id).isTrue();
                }
                assertThat(limiter.tryConsume(id, null).remaining())
                        .as("key %d after %d requests and this one", id, perKey)
                        .isEqualTo(1000 - perKey - 1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Two instances (two limiters on one table) share one budget from a key's very first request. */
    @Test
    void twoInstancesStartingTogetherShareOneBucket() throws Exception {
        RateLimiter a = new RateLimiter(db.database().dataSource(), clock, 10);
        RateLimiter b = new RateLimiter(db.database().dataSource(), clock, 10);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<RateLimiter.Decision>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                RateLimiter l = i % 2 == 0 ? a : b;
                answers.add(pool.submit(() -> {
                    go.await();
                    return l.tryConsume(42, null);
                }));
            }
            go.countDown();
            int allowed = 0;
            for (Future<RateLimiter.Decision> f : answers) {
                allowed += f.get().allowed() ? 1 : 0;
            }
            assertThat(allowed).isEqualTo(10);
        } finally {
            pool.shutdownNow();
        }
    }
}
