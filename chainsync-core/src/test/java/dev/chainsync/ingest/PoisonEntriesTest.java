package dev.chainsync.ingest;

import static dev.chainsync.ingest.IngestTesting.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
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

    IngestTesting.OneStream t;

    @BeforeEach
    void setUp() {
        t = new IngestTesting.OneStream("poison");
    }

    @AfterEach
    void tearDown() {
        t.close();
    }

    private static String entry(String event) {
        return "{\"event_name\":\"Deposited\",\"network\":\"base\",\"event_data\":[" + event + "]}";
    }

    private static String deposit() {
        return EntryParserTest.deposit(EntryParserTest.TERM, "1", "");
    }

    private void pushPoisonThenGoodAndExpectOneDeadLetter(String poison) {
        pushPoisonThenGoodAndExpectOneDeadLetter(() -> t.redis.push(t.stream, poison));
    }

    private void pushPoisonThenGoodAndExpectOneDeadLetter(Runnable pushPoison) {
        pushPoison.run();
        t.redis.push(t.stream, entry(EntryParserTest.deposit(EntryParserTest.TERM, "7", "")));
        Ingest ingest = t.start(t.config(Duration.ofSeconds(30)));
        await().atMost(WAIT)
                .until(() -> count(t.jdbc, "ingest_dead_letters") == 1
                        && count(t.jdbc, "deposited_events") == 1
                        && t.pending() == 0);
        assertThat(ingest.health().circuitBreakerClosed())
                .as("bad data is not a database outage")
                .isTrue();
    }

    @Test
    void aBlockTimeBeyondTheYear9999IsDeadLettered() {
        pushPoisonThenGoodAndExpectOneDeadLetter(entry(deposit().replace("\"0x6553f100\"", "\"0x7fffffffffffffff\"")));
        assertThat(t.jdbc.queryOne("SELECT reason FROM ingest_dead_letters", r -> r.getString(1))
                        .orElseThrow())
                .contains("block_timestamp")
                .contains("9999");
    }

    @Test
    void aNumberWithAHugeExponentIsDeadLettered() {
        pushPoisonThenGoodAndExpectOneDeadLetter(
                entry(deposit().replace("\"assetsAfterFees\":990", "\"assetsAfterFees\":1e999999999")));
        assertThat(t.jdbc.queryOne("SELECT reason FROM ingest_dead_letters", r -> r.getString(1))
                        .orElseThrow())
                .contains("assetsAfterFees")
                .contains("outside uint256");
    }

    @Test
    void aRawNulInThePayloadIsDeadLetteredAndRedisKeepsTheExactBytes() {
        String poison = "{\"event_name\":\u0000}";
        pushPoisonThenGoodAndExpectOneDeadLetter(poison);
        // PostgreSQL text cannot hold NUL: the table shows a stand-in, the dead-letter stream the original.
        assertThat(t.jdbc.queryOne("SELECT payload FROM ingest_dead_letters", r -> r.getString(1))
                        .orElseThrow())
                .isEqualTo(poison.replace('\0', dev.chainsync.db.PgText.NUL_STAND_IN));
        Map<String, String> dead = t.redis
                .cmd
                .xrange(t.prefix + "_dead", io.lettuce.core.Range.create("-", "+"))
                .getFirst()
                .getBody();
        assertThat(dead).containsEntry("payload", poison);
    }

    @Test
    void anEscapedNulInAFieldIsDeadLetteredThoughTheReasonQuotesIt() {
        // Valid JSON: the term id is the escape \u0000, which the rejection reason quotes decoded.
        pushPoisonThenGoodAndExpectOneDeadLetter(entry(EntryParserTest.deposit("\\u0000", "1", "")));
        assertThat(t.jdbc.queryOne("SELECT reason FROM ingest_dead_letters", r -> r.getString(1))
                        .orElseThrow())
                .contains("termId")
                .contains(String.valueOf(dev.chainsync.db.PgText.NUL_STAND_IN));
    }

    @Test
    void aNulInAnUnknownEventIsDeadLetteredNotStoredAsGeneric() {
        String generic = deposit().replace("\"sender\"", "\"we\\u0000ird\"");
        pushPoisonThenGoodAndExpectOneDeadLetter(
                "{\"event_name\":\"Unheard\",\"network\":\"base\",\"event_data\":[" + generic + "]}");
        assertThat(count(t.jdbc, "generic_events")).isZero();
    }

    /** XADD with the fields exactly as given, repeated names and raw bytes included. */
    private void xaddRaw(Object... fieldsAndValues) {
        io.lettuce.core.protocol.CommandArgs<String, String> args = new io.lettuce.core.protocol.CommandArgs<>(
                        io.lettuce.core.codec.StringCodec.UTF8)
                .addKey(t.stream)
                .add("*");
        for (Object o : fieldsAndValues) {
            if (o instanceof byte[] b) {
                args.add(b);
            } else {
                args.add((String) o);
            }
        }
        t.redis.cmd.dispatch(
                io.lettuce.core.protocol.CommandType.XADD,
                new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                args);
    }

    private String reason() {
        return t.jdbc.queryOne("SELECT reason FROM ingest_dead_letters", r -> r.getString(1))
                .orElseThrow();
    }

    @Test
    void aPayloadGivenTwiceInOneEntryIsDeadLetteredWhicheverCopyIsGood() {
        // Read through a field map, the second (good) copy silently won and was applied.
        pushPoisonThenGoodAndExpectOneDeadLetter(() -> xaddRaw("payload", "{}", "payload", entry(deposit())));
        assertThat(reason()).contains("field 'payload' is given more than once");
    }

    @Test
    void aPayloadThatIsNotUtf8IsDeadLettered() {
        byte[] latin1 =
                entry(deposit()).replace("base", "b\u00e4se").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        pushPoisonThenGoodAndExpectOneDeadLetter(() -> xaddRaw("payload", latin1));
        assertThat(reason()).contains("field 'payload' is not valid UTF-8");
    }
}
