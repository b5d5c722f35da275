package dev.chainsync.ingest;

import static dev.chainsync.ingest.IngestTesting.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chainsync.db.Jdbc;
import dev.chainsync.testkit.IntuitionWorkload;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Batches that share events never deadlock: a worker takes the writer lock before it inserts any
 * event row, so the holder of the lock never waits on a row of a batch that waits for the lock.
 */
class WriterLockOrderTest {
    static final Duration WAIT = Duration.ofSeconds(45);
    static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

    @Test
    void aWorkerWaitingForTheWriterLockHoldsNoEventRowTheLockHolderCouldWaitOn() throws Exception {
        try (IngestTesting.OneStream t = new IngestTesting.OneStream("lockorder")) {
            String payload = "{\"event_name\":\"Deposited\",\"network\":\"base\",\"event_data\":["
                    + EntryParserTest.deposit(EntryParserTest.TERM, "1", "") + "]}";
            t.redis.push(t.stream, payload);
            try (Connection holder = t.jdbc.dataSource().getConnection()) {
                holder.setAutoCommit(false);
                // Another batch holds the writer lock...
                BatchWriter.lockWriter(holder);
                // A batch of one is full: the path that inserted before taking the lock.
                Ingest ingest = t.start(sized(t.config(Duration.ofSeconds(30)), 1, 1));
                // ...while the worker's batch, sharing its event, waits for it.
                awaitABackendWaitingOnALock(t.jdbc);
                // The holder now inserts the shared event. Had the worker inserted it before asking
                // for the lock, this would wait on the worker's row and PostgreSQL would break the
                // cycle after deadlock_timeout, failing one of the two.
                try (var s = holder.createStatement()) {
                    s.execute("SET LOCAL lock_timeout = '5s'");
                }
                StreamEntry shared = new StreamEntry("other_stream", "1-0", Map.of("payload", payload), 1);
                BatchWriter.Outcome o = BatchWriter.writeLocked(holder, List.of(EntryParser.parse(shared)), "g", NOW);
                assertThat(o.fresh().size()).isEqualTo(1);
                holder.commit();

                await().atMost(WAIT).until(() -> t.pending() == 0);
                assertThat(count(t.jdbc, "deposited_events")).isEqualTo(1);
                assertThat(ingest.health().totalEventsFailed())
                        .as("no batch failed (a deadlock would have rolled one back)")
                        .isZero();
                assertThat(t.jdbc.queryOne(
                                        "SELECT new_events FROM ingest_progress WHERE stream = ?",
                                        r -> r.getLong(1),
                                        t.stream)
                                .orElseThrow())
                        .as("the shared event counted once, by the batch that inserted it first")
                        .isZero();
            }
        }
    }

    @Test
    void fourWorkersOnOverlappingBatchesNeverRetryAndCountEveryEventOnce() {
        try (IngestTesting.OneStream t = new IngestTesting.OneStream("overlap")) {
            IntuitionWorkload w = IntuitionWorkload.create("base", t.prefix, 20, true, 11);
            List<IntuitionWorkload.Entry> chain = w.blocks(40, 6);
            // Every entry three times over, shuffled, all in one stream: nearly every pair of
            // concurrent batches shares events, and both full batches and trickles occur.
            List<IntuitionWorkload.Entry> pushed = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                pushed.addAll(chain);
            }
            Collections.shuffle(pushed, new Random(3));
            pushed.forEach(e -> t.redis.push(t.stream, e.payload()));
            IngestConfig cfg = sized(t.config(Duration.ofSeconds(30)), 7, 4);
            Ingest ingest = t.start(cfg);
            await().atMost(WAIT)
                    .until(() -> t.pending() == 0
                            && t.jdbc.queryOne("SELECT sum(entries) FROM ingest_progress", r -> r.getLong(1))
                                            .orElse(0L)
                                    == pushed.size());
            assertThat(ingest.health().totalEventsFailed())
                    .as("no batch was rolled back (deadlocks, lock conflicts)")
                    .isZero();
            assertThat(count(t.jdbc, "ingest_dead_letters")).isZero();
            assertThat(IngestTesting.events(t.jdbc)).isEqualTo(IngestTesting.eventCount(chain));
            assertThat(t.jdbc.queryOne("SELECT sum(new_events) FROM ingest_progress", r -> r.getLong(1))
                            .orElseThrow())
                    .isEqualTo(IngestTesting.eventCount(chain));
            assertThat(deadlocks(t.jdbc))
                    .as("PostgreSQL's own count of deadlocks in this database")
                    .isZero();
        }
    }

    private static IngestConfig sized(IngestConfig base, int batchSize, int workers) {
        return new IngestConfig(
                true,
                base.redisUrl(),
                base.streams(),
                base.consumerGroup(),
                "c",
                batchSize,
                base.batchTimeout(),
                workers,
                base.processingTimeout(),
                base.maxRetries(),
                base.breakerThreshold(),
                base.breakerTimeout(),
                base.deadLetterStream());
    }

    private static long deadlocks(Jdbc jdbc) {
        return jdbc.queryOne(
                        "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()", r -> r.getLong(1))
                .orElse(0L);
    }

    static void awaitABackendWaitingOnALock(Jdbc jdbc) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> jdbc.queryOne(
                                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                                + " AND wait_event_type = 'Lock'",
                                        r -> r.getLong(1))
                                .orElse(0L)
                        > 0);
    }
}
