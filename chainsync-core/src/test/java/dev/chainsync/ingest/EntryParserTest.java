package dev.chainsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.ingest.ChainEvent.Deposited;
import dev.chainsync.ingest.ChainEvent.Generic;
import dev.chainsync.testkit.IntuitionWorkload;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntryParserTest {
    static final String TERM = "0x" + "aa".repeat(32);
    static final String TX = "0x" + "0b".repeat(32);

    static String deposit(String termId, String logIndex, String extra) {
        return """
                {"sender":"0x00000000000000000000000000000000000000A1","receiver":"0x00000000000000000000000000000000000000a1",
                 "termId":"%s","curveId":"1","assets":"1000","assetsAfterFees":990,"shares":"0x3de",
                 "totalShares":"990","vaultType":0%s,
                 "transaction_information":{"chain_id":1,"network":"base","address":"0x6E35cF7A1C7c6A3BD0b9c1B5e5C0f8F0bD3a61F2",
                   "block_hash":"0x%s","block_number":12,"block_timestamp":"0x6553f100","transaction_hash":"%s",
                   "log_index":"%s","transaction_index":3}}""".formatted(termId, extra, "cc".repeat(32), TX, logIndex);
    }

    static StreamEntry entry(String payload) {
        return new StreamEntry("s", "1-0", Map.of("payload", payload), 1);
    }

    @Test
    void anEntryCarriesEveryEventOfItsArray() {
        ParsedEntry p = EntryParser.parse(entry("""
                {"event_name":"Deposited","event_signature_hash":"0xf717428d3271f4ca44ee92a96ecda708463de1c200f30db4e295def5e8db6b4a",
                 "network":"base","block_number":12,"message_id":"m","event_data":[%s,%s]}""".formatted(deposit(TERM, "0x1", ""), deposit(TERM, "2", ""))));
        assertThat(p.reorg()).isNull();
        assertThat(p.events()).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOf(Deposited.class));
        Deposited d = (Deposited) p.events().getFirst();
        assertThat(d.receiver()).isEqualTo("0x00000000000000000000000000000000000000a1");
        assertThat(d.shares()).isEqualTo(BigInteger.valueOf(990));
        assertThat(d.assetsAfterFees()).isEqualTo(BigInteger.valueOf(990));
        assertThat(d.meta().logIndex()).isEqualTo(1);
        assertThat(d.meta().address()).isEqualTo("0x6e35cf7a1c7c6a3bd0b9c1b5e5c0f8f0bd3a61f2");
        assertThat(p.events().get(1).meta().logIndex()).isEqualTo(2);
    }

    @Test
    void theTopicWinsOverAnAliasedNameAndUnknownEventsAreGeneric() {
        ParsedEntry aliased = EntryParser.parse(entry("""
                {"event_name":"MyDepositAlias","event_signature_hash":"0xF717428D3271F4CA44EE92A96ECDA708463DE1C200F30DB4E295DEF5E8DB6B4A",
                 "network":"base","event_data":[%s]}""".formatted(deposit(TERM, "1", ""))));
        assertThat(aliased.events().getFirst()).isInstanceOf(Deposited.class);

        ParsedEntry unknown = EntryParser.parse(entry("""
                {"event_name":"Transfer","event_signature_hash":"0xDDF252AD1BE2C89B69C2B068FC378DAA952BA7F163C4A11628F55A4DF523B3EF","network":"base","event_data":[%s]}""".formatted(deposit(TERM, "1", ",\"value\":\"5\""))));
        Generic g = (Generic) unknown.events().getFirst();
        assertThat(g.eventName()).isEqualTo("Transfer");
        assertThat(g.json()).contains("\"value\":\"5\"");
    }

    @Test
    void oneBadEventMakesTheWholeEntryUnparseable() {
        String payload = """
                {"event_name":"Deposited","network":"base","event_data":[%s,%s]}""".formatted(deposit(TERM, "1", ""), deposit("0x1234", "2", ""));
        assertThatThrownBy(() -> EntryParser.parse(entry(payload)))
                .isInstanceOf(EntryParser.Unparseable.class)
                .hasMessageContaining("event_data[1]")
                .hasMessageContaining("termId");
    }

    @Test
    void truncatedAndMalformedPayloadsAreUnparseable() {
        String good = """
                {"event_name":"Deposited","network":"base","event_data":[%s]}""".formatted(deposit(TERM, "1", ""));
        for (String bad : new String[] {
            good.substring(0, good.length() / 2),
            "[]",
            "42",
            "{\"event_name\":\"Deposited\"}",
            "{\"event_name\":\"Deposited\",\"event_data\":[1]}",
            "{\"event_data\":[]}"
        }) {
            assertThatThrownBy(() -> EntryParser.parse(entry(bad))).as(bad).isInstanceOf(EntryParser.Unparseable.class);
        }
        assertThatThrownBy(() -> EntryParser.parse(new StreamEntry("s", "1-0", Map.of("data", good), 1)))
                .isInstanceOf(EntryParser.Unparseable.class)
                .hasMessageContaining("payload");
    }

    @Test
    void aReorgNotificationNamesNetworkAndForkBlock() {
        ParsedEntry p = EntryParser.parse(entry(IntuitionWorkload.reorgPayload("base", 1234, 3)));
        assertThat(p.reorg()).isEqualTo(new ParsedEntry.Reorg("base", 1234, 3L));
        assertThat(p.events()).isEmpty();
    }

    @Test
    void valuesTheDatabaseCouldNeverStoreMakeTheEntryUnparseable() {
        String hugeTime = deposit(TERM, "1", "").replace("\"0x6553f100\"", "\"0x7fffffffffffffff\"");
        String hugeExponent =
                deposit(TERM, "1", "").replace("\"assetsAfterFees\":990", "\"assetsAfterFees\":1e999999999");
        String nulNetwork = deposit(TERM, "1", "").replace("\"network\":\"base\"", "\"network\":\"ba\\u0000se\"");
        String nulGeneric = """
                {"k\\u0000":"v","transaction_information":{"network":"base","address":"0x6E35cF7A1C7c6A3BD0b9c1B5e5C0f8F0bD3a61F2",
                  "block_hash":"0x%s","block_number":12,"transaction_hash":"%s","log_index":1,"transaction_index":3}}""".formatted("cc".repeat(32), TX);
        for (String event : List.of(hugeTime, hugeExponent, nulNetwork)) {
            String payload = "{\"event_name\":\"Deposited\",\"network\":\"base\",\"event_data\":[" + event + "]}";
            assertThatThrownBy(() -> EntryParser.parse(entry(payload)))
                    .as(event)
                    .isInstanceOf(EntryParser.Unparseable.class);
        }
        String generic = "{\"event_name\":\"SomethingElse\",\"event_data\":[" + nulGeneric + "]}";
        assertThatThrownBy(() -> EntryParser.parse(entry(generic)))
                .isInstanceOf(EntryParser.Unparseable.class)
                .hasMessageContaining("NUL");
        assertThat(EntryParser.parse(entry(generic.replace("\\u0000", "")))).isNotNull();
    }
}
