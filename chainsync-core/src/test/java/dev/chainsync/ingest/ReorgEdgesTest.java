package dev.chainsync.ingest;

import static dev.chainsync.ingest.IngestTesting.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chainsync.testing.TestDatabases;
import dev.chainsync.testkit.IntuitionWorkload;
import io.lettuce.core.Consumer;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XReadArgs;
import java.time.Duration;
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

    IngestTesting.OneStream t;

    @BeforeEach
    void setUp() {
        t = new IngestTesting.OneStream("reorg_edges");
    }

    @AfterEach
    void tearDown() {
        t.close();
    }

    /** A deposit at the fork block, and the same event (transaction, log index) re-included in another block. */
    private static final IntuitionWorkload.Entry OLD =
            ProjectionsTest.deposit(FORK, 1, ProjectionsTest.ALICE, ProjectionsTest.A1, 1, "100", "100");

    private static final IntuitionWorkload.Entry REINCLUDED = new IntuitionWorkload.Entry(
            OLD.stream(),
            OLD.payload().replace("\"block_hash\":\"0x" + "bb".repeat(32), "\"block_hash\":\"0x" + "dd".repeat(32)),
            1,
            0);

    @Test
    void bothCopiesOfAnEventInOneBatchFailItSoTheRollbackCannotTakeTheSurvivor() {
        assertThat(REINCLUDED.payload()).isNotEqualTo(OLD.payload());
        assertThatThrownBy(() -> IngestTesting.commit(t.jdbc, List.of(OLD, REINCLUDED), 2, 1))
                .isInstanceOf(EventStore.OtherBlock.class)
                .hasMessageContaining("in one batch");
        assertThat(count(t.jdbc, "deposited_events"))
                .as("nothing of the batch committed")
                .isZero();
    }

    @Test
    void oldCopyNotificationAndReincludedCopyReadInOneBatchLeaveWhatTheSurvivorAloneGives() {
        t.redis.push(t.stream, OLD.payload());
        t.redis.push(t.stream, IntuitionWorkload.reorgPayload(ProjectionsTest.NET, FORK, 1));
        t.redis.push(t.stream, REINCLUDED.payload());
        t.start(t.config(Duration.ofSeconds(30)));
        await().atMost(WAIT)
                .until(() -> count(t.jdbc, "ingest_reorgs") == 1
                        && count(t.jdbc, "deposited_events") == 1
                        && t.pending() == 0);

        assertThat(blockHashes()).containsExactly("0x" + "dd".repeat(32));
        assertThat(count(t.jdbc, "ingest_dead_letters")).isZero();
        try (TestDatabases.Scratch expected = IngestTesting.database("reorg_edges_expected")) {
            IngestTesting.commit(expected.database().jdbc(), List.of(REINCLUDED), 1, 1);
            IngestTesting.assertSameDerived(t.jdbc, expected.database().jdbc());
        }
    }

    @Test
    void aReplayedNotificationRollsBackOnlyWhatWasPublishedBeforeTheOriginal() {
        IngestConfig cfg = t.config(Duration.ofMillis(200));
        new RedisStreams(IngestTesting.redisUrl()).ensureGroup(t.stream, cfg.consumerGroup());
        t.redis.push(t.stream, OLD.payload());
        String notice = t.redis.push(t.stream, IntuitionWorkload.reorgPayload(ProjectionsTest.NET, FORK, 1));
        // The notification was delivered to consumers that died processing it alone, until it is
        // dead-lettered: their deliveries, and the failures they counted against it.
        t.redis.cmd.xreadgroup(
                Consumer.from(cfg.consumerGroup(), "crashed-0"), XReadArgs.StreamOffset.lastConsumed(t.stream));
        for (int i = 1; i <= cfg.maxRetries() + 1; i++) {
            t.redis.cmd.xclaim(
                    t.stream,
                    Consumer.from(cfg.consumerGroup(), "crashed-" + i),
                    XClaimArgs.Builder.minIdleTime(0),
                    notice);
        }
        String failures = StreamWorker.failureHash(cfg.consumerGroup());
        t.redis.forget(failures);
        t.redis.cmd.hset(failures, t.stream + "/" + notice, String.valueOf(cfg.maxRetries() + 1));
        Ingest ingest = t.start(cfg);
        await().atMost(WAIT)
                .until(() -> count(t.jdbc, "ingest_dead_letters") == 1 && count(t.jdbc, "deposited_events") == 1);
        // The re-indexed new branch (another transaction in the fork block) arrives while the
        // notification lies in the dead letters.
        IntuitionWorkload.Entry newBranch =
                ProjectionsTest.deposit(FORK, 2, ProjectionsTest.ALICE, ProjectionsTest.A1, 1, "70", "70");
        t.redis.push(
                t.stream,
                newBranch
                        .payload()
                        .replace("\"block_hash\":\"0x" + "bb".repeat(32), "\"block_hash\":\"0x" + "dd".repeat(32)));
        await().atMost(WAIT).until(() -> count(t.jdbc, "deposited_events") == 2);

        long id = ingest.deadLetters(null, null, 1).getFirst().id();
        assertThat(ingest.replay(id)).isEqualTo(Ingest.ReplayOutcome.REPLAYED);
        await().atMost(WAIT).until(() -> count(t.jdbc, "ingest_reorgs") == 1);

        assertThat(blockHashes())
                .as("the old branch is gone, the new one stays")
                .containsExactly("0x" + "dd".repeat(32));
        assertThat(t.jdbc.queryOne("SELECT shares::text FROM position", r -> r.getString(1))
                        .orElseThrow())
                .as("the position as the new branch alone makes it")
                .isEqualTo("70");
    }

    private List<String> blockHashes() {
        return t.jdbc.query("SELECT block_hash FROM deposited_events ORDER BY log_index", r -> r.getString(1));
    }
}
