package dev.chainsync.ingest;

import static dev.chainsync.ingest.IngestTesting.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chainsync.db.Jdbc;
import dev.chainsync.testing.TestDatabases;
import io.lettuce.core.Consumer;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XReadArgs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reorg cases where both copies of an event (old branch, re-included in the new one) meet in one
 * batch, and where the notification itself comes back late, replayed from the dead letters.
 */
class ReorgEdgesTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final long FORK = 2000;

    TestDatabases.Scratch db;
    Jdbc jdbc;
    IngestTesting.Redis redis;
    String prefix;
    String stream;
    final List<Ingest> started = new ArrayList<>();

    @BeforeEach
    void setUp() {
        db = IngestTesting.database("reorg_edges");
        jdbc = db.database().jdbc();
        redis = new IngestTesting.Redis();
        prefix = IngestTesting.unique("reorg_edges");
        stream = prefix + "_deposited";
        redis.forget(stream);
        redis.forget(prefix + "_dead");
    }

    @AfterEach
    void tearDown() {
        started.forEach(Ingest::close);
        redis.close();
        db.close();
    }

    private IngestConfig config(Duration processingTimeout) {
        return new IngestConfig(true, IngestTesting.redisUrl(), List.of(stream), prefix + "_group", "c1", 40,
                Duration.ofMillis(100), 1, processingTimeout, 3, 2, Duration.ofMillis(500), prefix + "_dead");
    }

    private Ingest start(IngestConfig cfg) {
        Ingest ingest = new Ingest(jdbc, cfg, Clock.systemUTC(), new SimpleMeterRegistry());
        started.add(ingest);
        return ingest.start();
    }

    /** A deposit at the fork block, and the same event (transaction, log index) re-included in another block. */
    private static final IntuitionWorkload.Entry OLD = ProjectionsTest.deposit(FORK, 1, ProjectionsTest.ALICE,
            ProjectionsTest.A1, 1, "100", "100");
    private static final IntuitionWorkload.Entry REINCLUDED = new IntuitionWorkload.Entry(OLD.stream(),
            OLD.payload().replace("\"block_hash\":\"0x" + "bb".repeat(32), "\"block_hash\":\"0x" + "dd".repeat(32)), 1, 0);

    @Test
    void bothCopiesOfAnEventInOneBatchFailItSoTheRollbackCannotTakeTheSurvivor() {
        assertThat(REINCLUDED.payload()).isNotEqualTo(OLD.payload());
        assertThatThrownBy(() -> IngestTesting.commit(jdbc, List.of(OLD, REINCLUDED), 2, 1))
                .isInstanceOf(EventStore.OtherBlock.class).hasMessageContaining("in one batch");
        assertThat(count(jdbc, "deposited_events")).as("nothing of the batch committed").isZero();
    }

    @Test
    void oldCopyNotificationAndReincludedCopyReadInOneBatchLeaveWhatTheSurvivorAloneGives() {
        redis.push(stream, OLD.payload());
        redis.push(stream, IntuitionWorkload.reorgPayload(ProjectionsTest.NET, FORK, 1));
        redis.push(stream, REINCLUDED.payload());
        start(config(Duration.ofSeconds(30)));
        await().atMost(WAIT).until(() -> count(jdbc, "ingest_reorgs") == 1 && count(jdbc, "deposited_events") == 1
                && redis.pending(stream, prefix + "_group") == 0);

        assertThat(blockHashes()).containsExactly("0x" + "dd".repeat(32));
        assertThat(count(jdbc, "ingest_dead_letters")).isZero();
        try (TestDatabases.Scratch expected = IngestTesting.database("reorg_edges_expected")) {
            IngestTesting.commit(expected.database().jdbc(), List.of(REINCLUDED), 1, 1);
            IngestTesting.assertSameDerived(jdbc, expected.database().jdbc());
        }
    }

    @Test
    void aReplayedNotificationRollsBackOnlyWhatWasPublishedBeforeTheOriginal() {
        IngestConfig cfg = config(Duration.ofMillis(200));
        new RedisStreams(IngestTesting.redisUrl()).ensureGroup(stream, cfg.consumerGroup());
        redis.push(stream, OLD.payload());
        String notice = redis.push(stream, IntuitionWorkload.reorgPayload(ProjectionsTest.NET, FORK, 1));
        // The notification was delivered to consumers that died, until it is dead-lettered.
        redis.cmd.xreadgroup(Consumer.from(cfg.consumerGroup(), "crashed-0"), XReadArgs.StreamOffset.lastConsumed(stream));
        for (int i = 1; i <= cfg.maxRetries() + 1; i++) {
            redis.cmd.xclaim(stream, Consumer.from(cfg.consumerGroup(), "crashed-" + i), XClaimArgs.Builder.minIdleTime(0),
                    notice);
        }
        Ingest ingest = start(cfg);
        await().atMost(WAIT).until(() -> count(jdbc, "ingest_dead_letters") == 1 && count(jdbc, "deposited_events") == 1);
        // The re-indexed new branch (another transaction in the fork block) arrives while the
        // notification lies in the dead letters.
        IntuitionWorkload.Entry newBranch = ProjectionsTest.deposit(FORK, 2, ProjectionsTest.ALICE, ProjectionsTest.A1, 1,
                "70", "70");
        redis.push(stream, newBranch.payload().replace("\"block_hash\":\"0x" + "bb".repeat(32),
                "\"block_hash\":\"0x" + "dd".repeat(32)));
        await().atMost(WAIT).until(() -> count(jdbc, "deposited_events") == 2);

        long id = ingest.deadLetters(null, null, 1).getFirst().id();
        assertThat(ingest.replay(id)).isEqualTo(Ingest.ReplayOutcome.REPLAYED);
        await().atMost(WAIT).until(() -> count(jdbc, "ingest_reorgs") == 1);

        assertThat(blockHashes()).as("the old branch is gone, the new one stays")
                .containsExactly("0x" + "dd".repeat(32));
        assertThat(jdbc.queryOne("SELECT shares::text FROM position", r -> r.getString(1)).orElseThrow())
                .as("the position as the new branch alone makes it").isEqualTo("70");
    }

    private List<String> blockHashes() {
        return jdbc.query("SELECT block_hash FROM deposited_events ORDER BY log_index", r -> r.getString(1));
    }
}
