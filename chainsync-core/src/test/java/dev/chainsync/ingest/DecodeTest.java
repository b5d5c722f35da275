package dev.chainsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.json.Json;
import java.math.BigInteger;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DecodeTest {
    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER
                .reader()
                .with(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
                .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .readTree(s);
    }

    @Test
    void everyNumericFieldAcceptsANumberADecimalStringOrHex() throws Exception {
        BigInteger big =
                new BigInteger("115792089237316195423570985008687907853269984665640564039457584007913129639935");
        JsonNode n = json("""
                {"a": 42, "b": "42", "c": "0x2a", "d": "0X2A", "e": 1.0e3,
                 "max": "%s", "maxHex": "0x%s", "bare": %s}""".formatted(big, big.toString(16), big));
        assertThat(Decode.uint(n, "a")).isEqualTo(42);
        assertThat(Decode.uint(n, "b")).isEqualTo(42);
        assertThat(Decode.uint(n, "c")).isEqualTo(42);
        assertThat(Decode.uint(n, "d")).isEqualTo(42);
        assertThat(Decode.uint(n, "e")).isEqualTo(1000);
        assertThat(Decode.uint(n, "max")).isEqualTo(Decode.UINT256_MAX);
        assertThat(Decode.uint(n, "maxHex")).isEqualTo(Decode.UINT256_MAX);
        // A bare JSON number above 2^64 stays exact (never through a double).
        assertThat(Decode.uint(n, "bare")).isEqualTo(big);
    }

    @Test
    void malformedOrOutOfRangeNumbersAreRejected() throws Exception {
        JsonNode n = json("""
                {"neg": -1, "frac": 1.5, "text": "12a", "hex": "0x", "big": "0x1%s", "obj": {}, "empty": ""}""".formatted("0".repeat(64)));
        for (String f : new String[] {"neg", "frac", "text", "hex", "big", "obj", "empty", "missing"}) {
            assertThatThrownBy(() -> Decode.uint(n, f)).as(f).isInstanceOf(Decode.BadField.class);
        }
        assertThatThrownBy(() -> Decode.uint8(json("{\"v\": 256}"), "v")).isInstanceOf(Decode.BadField.class);
    }

    @Test
    void addressesAndIdsAreLowerCaseHexWithPrefix() throws Exception {
        JsonNode n = json("""
                {"a": "0xAbCdEf0123456789aBcDeF0123456789ABCDEF01", "b": "abcdef0123456789abcdef0123456789abcdef01",
                 "short": "0x1234", "id": "0x%s"}""".formatted("Ab".repeat(32)));
        assertThat(Decode.address(n, "a")).isEqualTo("0xabcdef0123456789abcdef0123456789abcdef01");
        assertThat(Decode.address(n, "b")).isEqualTo("0xabcdef0123456789abcdef0123456789abcdef01");
        assertThat(Decode.bytes32(n, "id")).isEqualTo("0x" + "ab".repeat(32));
        assertThatThrownBy(() -> Decode.address(n, "short")).isInstanceOf(Decode.BadField.class);
    }

    @Test
    void timestampsArriveAsHexSeconds() throws Exception {
        assertThat(Decode.optionalTimestamp(json("{\"t\": \"0x6553f100\"}"), "t"))
                .isEqualTo(Instant.ofEpochSecond(0x6553f100L));
        assertThat(Decode.optionalTimestamp(json("{}"), "t")).isNull();
    }

    @Test
    void keccakGivesTheMultiVaultTopicsOfTheReference() {
        assertThat(Keccak.hex(Keccak.hash(new byte[0])))
                .isEqualTo("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
        assertThat(EntryParser.Kind.ATOM_CREATED.topic0)
                .isEqualTo("0xfd579ad7468b1720e08f84efe16900074f3ffdaaeaa82e675e5aec69bf393189");
        assertThat(EntryParser.Kind.TRIPLE_CREATED.topic0)
                .isEqualTo("0xf13505b910c49b286cf7fbaf1a78620cf7d8bda0e8e39c1baed620c08af686e7");
        assertThat(EntryParser.Kind.DEPOSITED.topic0)
                .isEqualTo("0xf717428d3271f4ca44ee92a96ecda708463de1c200f30db4e295def5e8db6b4a");
        assertThat(EntryParser.Kind.REDEEMED.topic0)
                .isEqualTo("0x5ab85658e5658520d47644e1417584159fc8edb9712149792a9337ff5e1048a4");
        assertThat(EntryParser.Kind.SHARE_PRICE_CHANGED.topic0)
                .isEqualTo("0xcc9bc63a4b047be4850fcbada8d7ed7aa097ed4f6c3b55bebc7e108ea1d2f824");
        String id = "0x" + "11".repeat(32);
        assertThat(Keccak.counterTermId(id))
                .startsWith("0x")
                .hasSize(66)
                .isEqualTo(Keccak.counterTermId(id))
                .isNotEqualTo(id);
    }

    @Test
    void numbersTooLargeToExpandAreRejectedWithoutExpandingThem() throws Exception {
        JsonNode n = json("""
                {"exp": 1e999999999, "justOver": 1.2e78, "zeroExp": 0e999999999, "fits": 1e77}""");
        assertThatThrownBy(() -> Decode.uint(n, "exp"))
                .isInstanceOf(Decode.BadField.class)
                .hasMessageContaining("outside uint256");
        assertThatThrownBy(() -> Decode.uint(n, "justOver")).isInstanceOf(Decode.BadField.class);
        assertThat(Decode.uint(n, "zeroExp")).isZero();
        assertThat(Decode.uint(n, "fits")).isEqualTo(BigInteger.TEN.pow(77));
    }

    @Test
    void blockTimesPastTheYear9999AreRejected() throws Exception {
        JsonNode n = json("""
                {"last": %d, "next": %d, "huge": "0x7fffffffffffffff"}""".formatted(Decode.MAX_TIMESTAMP_SECONDS, Decode.MAX_TIMESTAMP_SECONDS + 1));
        assertThat(Decode.optionalTimestamp(n, "last")).isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
        assertThatThrownBy(() -> Decode.optionalTimestamp(n, "next")).isInstanceOf(Decode.BadField.class);
        assertThatThrownBy(() -> Decode.optionalTimestamp(n, "huge"))
                .isInstanceOf(Decode.BadField.class)
                .hasMessageContaining("9999");
    }

    @Test
    void textThatPostgreSqlCannotStoreIsRejected() throws Exception {
        JsonNode n = json("""
                {"network": "ba\\u0000se", "fine": "base", "nested": {"a": ["x", {"b\\u0000": 1}]}}""");
        assertThatThrownBy(() -> Decode.text(n, "network"))
                .isInstanceOf(Decode.BadField.class)
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> Decode.optionalText(n, "network")).isInstanceOf(Decode.BadField.class);
        assertThat(Decode.optionalText(n, "fine")).isEqualTo("base");
        assertThatThrownBy(() -> Decode.requireStorable(n.get("nested"), "nested"))
                .isInstanceOf(Decode.BadField.class);
        Decode.requireStorable(json("{\"a\": [\"x\", {\"b\": \"\\\\u0000\"}]}"), "escaped backslash is fine");
    }
}
