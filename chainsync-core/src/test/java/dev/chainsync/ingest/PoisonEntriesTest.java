package dev.chainsync.ingest;

import static dev.chainsync.ingest.IngestTesting.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chainsync.db.Jdbc;
import dev.chainsync.testing.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Entries that pass JSON parsing but carry values nothing downstream can hold: each must be
 * dead-lettered at once, and the good entry published behind it must still commit.
 */
class PoisonEntriesTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    TestDatabases.Scratch db;
    Jdbc jdbc;
    IngestTesting.Redis redis;
    String prefix;
    String stream;
    final List<Ingest> started = new ArrayList<>();

    @BeforeEach
    void setUp() {
        db = IngestTesting.database("poison");
        jdbc = db.database().jdbc();
        redis = new IngestTesting.Redis();
        prefix = IngestTesting.unique("poison");
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

    private Ingest start() {
        IngestConfig cfg = new IngestConfig(true, IngestTesting.redisUrl(), List.of(stream), prefix + "_group", "c1", 40,
                Duration.ofMillis(100), 1, Duration.ofSeconds(30), 3, 2, Duration.ofMillis(500), prefix + "_dead");
        Ingest ingest = new Ingest(jdbc, cfg, Clock.systemUTC(), new SimpleMeterRegistry());
        started.add(ingest);
        return ingest.start();
    }

    private static String entry(String event) {
        return "{\"event_name\":\"Deposited\",\"network\":\"base\",\"event_data\":[" + event + "]}";
    }

    private static String deposit() {
        return EntryParserTest.deposit(EntryParserTest.TERM, "1", "");
    }

    private void pushPoisonThenGoodAndExpectOneDeadLetter(String poison) {
        redis.push(stream, poison);
        redis.push(stream, entry(EntryParserTest.deposit(EntryParserTest.TERM, "7", "")));
        Ingest ingest = start();
        await().atMost(WAIT).until(() -> count(jdbc, "ingest_dead_letters") == 1 && count(jdbc, "deposited_events") == 1
                && redis.pending(stream, prefix + "_group") == 0);
        assertThat(ingest.health().circuitBreakerClosed()).as("bad data is not a database outage").isTrue();
    }

    @Test
    void aBlockTimeBeyondTheYear9999IsDeadLettered() {
        pushPoisonThenGoodAndExpectOneDeadLetter(entry(deposit().replace("\"0x6553f100\"", "\"0x7fffffffffffffff\"")));
        assertThat(jdbc.queryOne("SELECT reason FROM ingest_dead_letters", r -> r.getString(1)).orElseThrow())
                .contains("block_timestamp").contains("9999");
    }

    @Test
    void aNumberWithAHugeExponentIsDeadLettered() {
        pushPoisonThenGoodAndExpectOneDeadLetter(
                entry(deposit().replace("\"assetsAfterFees\":990", "\"assetsAfterFees\":1e999999999")));
        assertThat(jdbc.queryOne("SELECT reason FROM ingest_dead_letters", r -> r.getString(1)).orElseThrow())
                .contains("assetsAfterFees").contains("outside uint256");
    }

    @Test
    void aRawNulInThePayloadIsDeadLetteredAndRedisKeepsTheExactBytes() {
        String poison = "{\"event_name\":\u0000}";
        pushPoisonThenGoodAndExpectOneDeadLetter(poison);
        // PostgreSQL text cannot hold NUL: the table shows a stand-in, the dead-letter stream the original.
        assertThat(jdbc.queryOne("SELECT payload FROM ingest_dead_letters", r -> r.getString(1)).orElseThrow())
                .isEqualTo(poison.replace('\0', dev.chainsync.db.PgText.NUL_STAND_IN));
        Map<String, String> dead = redis.cmd.xrange(prefix + "_dead", io.lettuce.core.Range.create("-", "+"))
                .getFirst().getBody();
        assertThat(dead).containsEntry("payload", poison);
    }

    @Test
    void anEscapedNulInAFieldIsDeadLetteredThoughTheReasonQuotesIt() {
        // Valid JSON: the term id is the escape \u0000, which the rejection reason quotes decoded.
        pushPoisonThenGoodAndExpectOneDeadLetter(entry(EntryParserTest.deposit("\\u0000", "1", "")));
        assertThat(jdbc.queryOne("SELECT reason FROM ingest_dead_letters", r -> r.getString(1)).orElseThrow())
                .contains("termId").contains(String.valueOf(dev.chainsync.db.PgText.NUL_STAND_IN));
    }

    @Test
    void aNulInAnUnknownEventIsDeadLetteredNotStoredAsGeneric() {
        String generic = deposit().replace("\"sender\"", "\"we\\u0000ird\"");
        pushPoisonThenGoodAndExpectOneDeadLetter(
                "{\"event_name\":\"Unheard\",\"network\":\"base\",\"event_data\":[" + generic + "]}");
        assertThat(count(jdbc, "generic_events")).isZero();
    }
}
