package dev.chainsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A table over every field of every event the decoder reads: each field gets each malformation
 * of its type (missing, null, wrong JSON type, wrong length, odd hex digits, out of range, NUL, a
 * lone surrogate), and every variant must be refused as unparseable, naming the field. The
 * unmutated entries parse, so the table cannot pass by refusing everything.
 */
class MalformedEntriesTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    enum Type {
        ADDRESS,
        BYTES32,
        UINT256,
        UINT64,
        UINT8,
        BYTES,
        TEXT,
        OPTIONAL_UINT64,
        OPTIONAL_TIMESTAMP,
        OPTIONAL_TEXT,
        OPTIONAL_BYTES32
    }

    /** A field of an entry: where it is (envelope, event or transaction_information) and its type. */
    record Field(String where, String name, Type type) {}

    private static final Map<String, List<Field>> EVENTS = new LinkedHashMap<>();

    static {
        EVENTS.put(
                "AtomCreated",
                List.of(
                        ev("creator", Type.ADDRESS),
                        ev("termId", Type.BYTES32),
                        ev("atomData", Type.BYTES),
                        ev("atomWallet", Type.ADDRESS)));
        EVENTS.put(
                "TripleCreated",
                List.of(
                        ev("creator", Type.ADDRESS),
                        ev("termId", Type.BYTES32),
                        ev("subjectId", Type.BYTES32),
                        ev("predicateId", Type.BYTES32),
                        ev("objectId", Type.BYTES32)));
        EVENTS.put(
                "Deposited",
                List.of(
                        ev("sender", Type.ADDRESS),
                        ev("receiver", Type.ADDRESS),
                        ev("termId", Type.BYTES32),
                        ev("curveId", Type.UINT256),
                        ev("assets", Type.UINT256),
                        ev("assetsAfterFees", Type.UINT256),
                        ev("shares", Type.UINT256),
                        ev("totalShares", Type.UINT256),
                        ev("vaultType", Type.UINT8)));
        EVENTS.put(
                "Redeemed",
                List.of(
                        ev("sender", Type.ADDRESS),
                        ev("receiver", Type.ADDRESS),
                        ev("termId", Type.BYTES32),
                        ev("curveId", Type.UINT256),
                        ev("shares", Type.UINT256),
                        ev("totalShares", Type.UINT256),
                        ev("assets", Type.UINT256),
                        ev("fees", Type.UINT256),
                        ev("vaultType", Type.UINT8)));
        EVENTS.put(
                "SharePriceChanged",
                List.of(
                        ev("termId", Type.BYTES32),
                        ev("curveId", Type.UINT256),
                        ev("sharePrice", Type.UINT256),
                        ev("totalAssets", Type.UINT256),
                        ev("totalShares", Type.UINT256),
                        ev("vaultType", Type.UINT8)));
        // An event of a type chainsync does not project: only the envelope and its position are read.
        EVENTS.put("Transfer", List.of());
    }

    private static final List<Field> TRANSACTION = List.of(
            tx("network", Type.OPTIONAL_TEXT),
            tx("chain_id", Type.OPTIONAL_UINT64),
            tx("address", Type.ADDRESS),
            tx("block_hash", Type.BYTES32),
            tx("block_number", Type.UINT64),
            tx("block_timestamp", Type.OPTIONAL_TIMESTAMP),
            tx("transaction_hash", Type.BYTES32),
            tx("log_index", Type.UINT64),
            tx("transaction_index", Type.UINT64));

    private static final List<Field> ENVELOPE = List.of(
            new Field("envelope", "event_name", Type.TEXT),
            new Field("envelope", "event_signature_hash", Type.OPTIONAL_BYTES32),
            new Field("envelope", "network", Type.OPTIONAL_TEXT));

    private static final List<Field> REORG = List.of(
            new Field("event", "network", Type.OPTIONAL_TEXT),
            new Field("event", "fork_block", Type.UINT64),
            new Field("event", "depth", Type.OPTIONAL_UINT64));

    private static Field ev(String name, Type type) {
        return new Field("event", name, type);
    }

    private static Field tx(String name, Type type) {
        return new Field("tx", name, type);
    }

    /** What each type must refuse; a null value stands for "field absent". */
    static List<Map.Entry<String, JsonNode>> malformations(Type type) {
        List<Map.Entry<String, JsonNode>> m = new ArrayList<>();
        boolean optional = type.name().startsWith("OPTIONAL_");
        if (!optional) {
            m.add(Map.entry("absent", F.missingNode()));
            m.add(Map.entry("null", F.nullNode()));
        }
        m.add(Map.entry("an object", F.objectNode()));
        m.add(Map.entry("an array", F.arrayNode()));
        m.add(Map.entry("a boolean", F.booleanNode(true)));
        switch (type) {
            case ADDRESS -> fixedHex(m, 20);
            case BYTES32, OPTIONAL_BYTES32 -> fixedHex(m, 32);
            case UINT256 -> {
                integers(m);
                m.add(Map.entry(
                        "2^256",
                        F.textNode(
                                Decode.UINT256_MAX.add(java.math.BigInteger.ONE).toString())));
                m.add(Map.entry("2^256 as a number", F.numberNode(Decode.UINT256_MAX.add(java.math.BigInteger.ONE))));
                m.add(Map.entry("65 hex digits", F.textNode("0x1" + "0".repeat(64))));
            }
            case UINT64, OPTIONAL_UINT64, OPTIONAL_TIMESTAMP -> {
                integers(m);
                m.add(Map.entry("2^63", F.textNode("9223372036854775808")));
            }
            case UINT8 -> {
                integers(m);
                m.add(Map.entry("256", F.numberNode(256)));
            }
            case BYTES -> {
                m.add(Map.entry("a number", F.numberNode(12)));
                m.add(Map.entry("odd hex digits", F.textNode("abc")));
                m.add(Map.entry("not hex", F.textNode("zz")));
            }
            case TEXT, OPTIONAL_TEXT -> {
                m.add(Map.entry("a number", F.numberNode(5)));
                m.add(Map.entry("empty", F.textNode("")));
                m.add(Map.entry("blank", F.textNode("  ")));
                m.add(Map.entry("a NUL", F.textNode("ba\0se")));
                m.add(Map.entry("a lone surrogate", F.textNode("ba\ud800se")));
            }
        }
        if (type == Type.OPTIONAL_TIMESTAMP) {
            m.add(Map.entry("after the year 9999", F.numberNode(Decode.MAX_TIMESTAMP_SECONDS + 1)));
        }
        return m;
    }

    private static void fixedHex(List<Map.Entry<String, JsonNode>> m, int bytes) {
        m.add(Map.entry("a number", F.numberNode(1)));
        m.add(Map.entry("empty", F.textNode("")));
        m.add(Map.entry("0x alone", F.textNode("0x")));
        m.add(Map.entry("1 byte", F.textNode("0x11")));
        m.add(Map.entry((bytes - 1) + " bytes", F.textNode("0x" + "11".repeat(bytes - 1))));
        m.add(Map.entry((bytes - 1) + ".5 bytes", F.textNode("0x" + "11".repeat(bytes - 1) + "1")));
        m.add(Map.entry((bytes + 1) + " bytes", F.textNode("0x" + "11".repeat(bytes + 1))));
        m.add(Map.entry("not hex", F.textNode("0x" + "zz".repeat(bytes))));
        m.add(Map.entry("a NUL", F.textNode("0x" + "11".repeat(bytes - 1) + "1\0")));
        m.add(Map.entry("a 0x inside", F.textNode("0x0x" + "11".repeat(bytes - 1))));
    }

    private static void integers(List<Map.Entry<String, JsonNode>> m) {
        m.add(Map.entry("-1", F.numberNode(-1)));
        m.add(Map.entry("\"-1\"", F.textNode("-1")));
        m.add(Map.entry("1.5", F.numberNode(new java.math.BigDecimal("1.5"))));
        m.add(Map.entry("\"1.5\"", F.textNode("1.5")));
        m.add(Map.entry("empty", F.textNode("")));
        m.add(Map.entry("0x alone", F.textNode("0x")));
        m.add(Map.entry("words", F.textNode("ten")));
        m.add(Map.entry("a plus sign", F.textNode("+1")));
        m.add(Map.entry("a huge exponent", F.numberNode(new java.math.BigDecimal("1e999999999"))));
    }

    // ------------------------------------------------------------------ the valid entries

    static ObjectNode validEntry(String event) {
        ObjectNode e = F.objectNode();
        for (Field f : EVENTS.get(event)) {
            e.set(f.name(), validValue(f.type()));
        }
        if (event.equals("Transfer")) {
            e.put("value", "5");
        }
        ObjectNode tx = e.putObject("transaction_information");
        tx.put("chain_id", 8453);
        tx.put("network", "base");
        tx.put("address", "0x" + "6e".repeat(20));
        tx.put("block_hash", "0x" + "cc".repeat(32));
        tx.put("block_number", 12);
        tx.put("block_timestamp", "0x6553f100");
        tx.put("transaction_hash", "0x" + "0b".repeat(32));
        tx.put("log_index", "0x1");
        tx.put("transaction_index", 3);
        ObjectNode root = F.objectNode();
        root.put("event_name", event);
        EntryParser.Kind kind = EntryParser.Kind.of(null, event);
        root.put("event_signature_hash", kind == null ? "0x" + "dd".repeat(32) : kind.topic0);
        root.put("network", "base");
        root.put("block_number", 12);
        root.put("message_id", "m");
        root.putArray("event_data").add(e);
        return root;
    }

    static ObjectNode validReorg() {
        ObjectNode root = F.objectNode();
        root.put("event_name", EntryParser.REORG_EVENT);
        root.put("network", "base");
        ObjectNode r = root.putArray("event_data").addObject();
        r.put("network", "base");
        r.put("fork_block", 10);
        r.put("depth", 2);
        return root;
    }

    private static JsonNode validValue(Type type) {
        return switch (type) {
            case ADDRESS -> F.textNode("0x" + "A1".repeat(20));
            case BYTES32, OPTIONAL_BYTES32 -> F.textNode("0x" + "aa".repeat(32));
            case UINT256 -> F.textNode("1000");
            case UINT64, OPTIONAL_UINT64, OPTIONAL_TIMESTAMP -> F.numberNode(7);
            case UINT8 -> F.numberNode(1);
            case BYTES -> F.textNode("697066733a2f2f78");
            case TEXT, OPTIONAL_TEXT -> F.textNode("base");
        };
    }

    static StreamEntry entry(String payload) {
        return new StreamEntry("s", "1-0", Map.of(StreamEntry.PAYLOAD_FIELD, payload), 1);
    }

    // ------------------------------------------------------------------ the table

    static Stream<Arguments> malformedFields() {
        List<Arguments> out = new ArrayList<>();
        for (String event : EVENTS.keySet()) {
            List<Field> fields = new ArrayList<>(EVENTS.get(event));
            fields.addAll(TRANSACTION);
            fields.addAll(ENVELOPE);
            for (Field f : fields) {
                for (var m : malformations(f.type())) {
                    ObjectNode root = validEntry(event);
                    ObjectNode target = target(root, f.where());
                    set(target, f.name(), m.getValue());
                    out.add(Arguments.of(event + "." + f.name() + " " + m.getKey(), f.name(), root.toString()));
                }
            }
        }
        for (Field f : REORG) {
            for (var m : malformations(f.type())) {
                ObjectNode root = validReorg();
                if (f.name().equals("network")) {
                    root.remove("network"); // else the envelope's network would stand in for an absent one
                }
                set((ObjectNode) root.get("event_data").get(0), f.name(), m.getValue());
                out.add(Arguments.of("reorg." + f.name() + " " + m.getKey(), f.name(), root.toString()));
            }
        }
        return out.stream();
    }

    private static ObjectNode target(ObjectNode root, String where) {
        return switch (where) {
            case "envelope" -> root;
            case "event" -> (ObjectNode) root.get("event_data").get(0);
            default -> (ObjectNode) root.get("event_data").get(0).get("transaction_information");
        };
    }

    private static void set(ObjectNode o, String name, JsonNode value) {
        if (value.isMissingNode()) {
            o.remove(name);
        } else {
            o.set(name, value);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFields")
    void everyMalformedFieldIsRefusedByName(String label, String field, String payload) {
        assertThatThrownBy(() -> EntryParser.parse(entry(payload)))
                .as(label)
                .isInstanceOf(EntryParser.Unparseable.class)
                .hasMessageContaining(field);
    }

    @Test
    void theUnmutatedEntriesParse() {
        for (String event : EVENTS.keySet()) {
            ParsedEntry p = EntryParser.parse(entry(validEntry(event).toString()));
            assertThat(p.events()).as(event).hasSize(1);
            assertThat(p.events().getFirst().meta().transactionHash()).isEqualTo("0x" + "0b".repeat(32));
        }
        assertThat(EntryParser.parse(entry(validReorg().toString())).reorg().forkBlock())
                .isEqualTo(10);
    }

    // ------------------------------------------------------------------ the envelope and the entry

    @ParameterizedTest
    @ValueSource(strings = {" xyz", "}", ",", "{}", " {\"a\":1}", "]", " null", "\"x\""})
    void dataAfterTheJsonValueIsRefused(String trailing) {
        String payload = validEntry("Deposited") + trailing;
        assertThatThrownBy(() -> EntryParser.parse(entry(payload)))
                .isInstanceOf(EntryParser.Unparseable.class)
                .hasMessageContaining("one JSON value");
    }

    @Test
    void whitespaceAfterTheJsonValueIsFine() {
        assertThat(EntryParser.parse(entry(validEntry("Deposited") + " \n")).events())
                .hasSize(1);
    }

    @Test
    void aKeyGivenTwiceInThePayloadIsRefused() {
        String payload = validEntry("Deposited").toString().replaceFirst("\\{", "{\"event_name\":\"Redeemed\",");
        assertThatThrownBy(() -> EntryParser.parse(entry(payload)))
                .isInstanceOf(EntryParser.Unparseable.class)
                .hasMessageContaining("event_name");
    }

    @Test
    void anEmptyEventDataIsDeadLettered() {
        ObjectNode root = validEntry("Deposited");
        root.putArray("event_data");
        assertThatThrownBy(() -> EntryParser.parse(entry(root.toString())))
                .isInstanceOf(EntryParser.Unparseable.class)
                .hasMessageContaining("'event_data' is empty");
        ObjectNode reorg = validReorg();
        reorg.putArray("event_data");
        assertThatThrownBy(() -> EntryParser.parse(entry(reorg.toString())))
                .isInstanceOf(EntryParser.Unparseable.class)
                .hasMessageContaining("'event_data' is empty");
    }

    @Test
    void aFieldBesidesThePayloadIsRefused() {
        StreamEntry e = new StreamEntry(
                "s", "1-0", Map.of("payload", validEntry("Deposited").toString(), "extra", "x"), 1);
        assertThatThrownBy(() -> EntryParser.parse(e))
                .isInstanceOf(EntryParser.Unparseable.class)
                .hasMessageContaining("fields other than 'payload': [extra]");
    }

    @Test
    void aReplaysOriginalIdIsTheOneFieldAllowedBesideThePayload() {
        StreamEntry e = new StreamEntry(
                "s",
                "5-0",
                Map.of("payload", validEntry("Deposited").toString(), StreamEntry.ORIGINAL_ID_FIELD, "1-0"),
                1);
        assertThat(EntryParser.parse(e).events()).hasSize(1);
    }

    @Test
    void aPayloadGivenTwiceIsRefusedWhicheverValueComesFirst() {
        byte[] good = validEntry("Deposited").toString().getBytes(StandardCharsets.UTF_8);
        byte[] bad = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] name = "payload".getBytes(StandardCharsets.UTF_8);
        for (List<Object> body :
                List.of(List.<Object>of(name, good, name, bad), List.<Object>of(name, bad, name, good))) {
            StreamEntry e = RawEntries.entry("s", "1-0", body);
            assertThatThrownBy(() -> EntryParser.parse(e))
                    .isInstanceOf(EntryParser.Unparseable.class)
                    .hasMessageContaining("field 'payload' is given more than once");
        }
    }

    @Test
    void aPayloadThatIsNotUtf8IsRefused() {
        byte[] payload = validEntry("AtomCreated")
                .toString()
                .replace("base", "ba\u00e9se")
                .getBytes(StandardCharsets.ISO_8859_1);
        StreamEntry e = RawEntries.entry("s", "1-0", List.of("payload".getBytes(StandardCharsets.UTF_8), payload));
        assertThatThrownBy(() -> EntryParser.parse(e))
                .isInstanceOf(EntryParser.Unparseable.class)
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void aTopicIsStoredInLowerCase() {
        ObjectNode root = validEntry("Transfer");
        root.put("event_signature_hash", "0x" + "DD".repeat(32));
        ChainEvent.Generic g = (ChainEvent.Generic)
                EntryParser.parse(entry(root.toString())).events().getFirst();
        assertThat(g.signatureHash()).isEqualTo("0x" + "dd".repeat(32));
    }

    static {
        // The table must reach every kind the parser knows.
        for (EntryParser.Kind k : EntryParser.Kind.values()) {
            if (!EVENTS.containsKey(k.eventName)) {
                throw new AssertionError("no malformation table for " + k);
            }
        }
    }
}
