package dev.chainsync.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.ingest.ChainEvent.AtomCreated;
import dev.chainsync.ingest.ChainEvent.Deposited;
import dev.chainsync.ingest.ChainEvent.Meta;
import dev.chainsync.ingest.ChainEvent.Redeemed;
import dev.chainsync.ingest.ChainEvent.SharePriceChanged;
import dev.chainsync.ingest.ChainEvent.TripleCreated;
import dev.chainsync.ingest.EntryParser.Kind;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * ABI-decodes an {@code eth_getLogs} log of one of the five MultiVault events into the same
 * {@link ChainEvent} the rindexer parser makes of its JSON, so both sources share everything after.
 * Indexed arguments come from the topics, the rest from the data words, exactly as IMultiVault.sol
 * v2 declares them. A log that does not fit its declaration is {@link Undecodable}: dead-lettered.
 */
final class LogDecoder {
    private static final HexFormat HEX = HexFormat.of();

    private LogDecoder() {}

    /** The topic0 values the source asks the node for. */
    static List<String> topics() {
        return Arrays.stream(Kind.values()).map(k -> k.topic0).toList();
    }

    /** The log cannot be read as the event its topic0 names. */
    static final class Undecodable extends RuntimeException {
        Undecodable(String message) {
            super(message);
        }
    }

    /**
     * The event of {@code log}, on {@code network} of {@code chainId}; {@code timestamp} is the
     * block's (unix seconds), when the log did not carry {@code blockTimestamp} itself.
     */
    static ChainEvent decode(JsonNode log, String network, long chainId, Long timestamp) {
        JsonNode topics = log.path("topics");
        if (!topics.isArray() || topics.isEmpty()) {
            throw new Undecodable("log without topics");
        }
        Kind kind = Kind.of(topics.get(0).asText().toLowerCase(Locale.ROOT), null);
        if (kind == null) {
            throw new Undecodable("topic0 " + topics.get(0).asText() + " is none of the MultiVault events");
        }
        byte[] data = hexBytes(log.path("data").asText(""), "data");
        Meta meta = meta(log, network, chainId, timestamp);
        return switch (kind) {
            case ATOM_CREATED -> {
                expect(kind, topics, 3, data, 3);
                int offset = wordInt(data, 0, "atomData offset");
                int length = wordInt(data, offset, "atomData length");
                if ((long) offset + 32 + length > data.length) {
                    throw new Undecodable("AtomCreated: atomData runs past the data");
                }
                byte[] atomData = Arrays.copyOfRange(data, offset + 32, offset + 32 + length);
                yield new AtomCreated(meta, address(topics.get(1)), bytes32(topics.get(2)), atomData, address(data, 1));
            }
            case TRIPLE_CREATED -> {
                expect(kind, topics, 3, data, 3);
                String termId = bytes32(topics.get(2));
                yield new TripleCreated(
                        meta,
                        address(topics.get(1)),
                        termId,
                        bytes32(data, 0),
                        bytes32(data, 1),
                        bytes32(data, 2),
                        Keccak.counterTermId(termId));
            }
            case DEPOSITED -> {
                expect(kind, topics, 4, data, 6);
                yield new Deposited(
                        meta,
                        address(topics.get(1)),
                        address(topics.get(2)),
                        bytes32(topics.get(3)),
                        word(data, 0),
                        word(data, 1),
                        word(data, 2),
                        word(data, 3),
                        word(data, 4),
                        uint8(data, 5));
            }
            case REDEEMED -> {
                expect(kind, topics, 4, data, 6);
                yield new Redeemed(
                        meta,
                        address(topics.get(1)),
                        address(topics.get(2)),
                        bytes32(topics.get(3)),
                        word(data, 0),
                        word(data, 1),
                        word(data, 2),
                        word(data, 3),
                        word(data, 4),
                        uint8(data, 5));
            }
            case SHARE_PRICE_CHANGED -> {
                expect(kind, topics, 3, data, 4);
                yield new SharePriceChanged(
                        meta,
                        bytes32(topics.get(1)),
                        new BigInteger(1, hexBytes(topics.get(2).asText(), "curveId")),
                        word(data, 0),
                        word(data, 1),
                        word(data, 2),
                        uint8(data, 3));
            }
        };
    }

    private static Meta meta(JsonNode log, String network, long chainId, Long timestamp) {
        JsonNode ts = log.get("blockTimestamp");
        Long seconds = ts == null || ts.isNull() ? timestamp : quantity(log, "blockTimestamp");
        return new Meta(
                network,
                chainId,
                hexText(log, "address", 20),
                hexText(log, "blockHash", 32),
                quantity(log, "blockNumber"),
                seconds == null ? null : Instant.ofEpochSecond(seconds),
                hexText(log, "transactionHash", 32),
                quantity(log, "logIndex"),
                quantity(log, "transactionIndex"));
    }

    /** Where the log sits; a log the node sends without these is the node's defect, not the event's. */
    static long quantity(JsonNode log, String field) {
        try {
            return Decode.uint64(log, field);
        } catch (Decode.BadField e) {
            throw new Undecodable(e.getMessage());
        }
    }

    private static String hexText(JsonNode log, String field, int bytes) {
        String s = Decode.strip0x(log.path(field).asText(""));
        if (s.length() != bytes * 2) {
            throw new Undecodable("'" + field + "' is not " + bytes + " bytes of hex");
        }
        hexBytes(s, field);
        return "0x" + s.toLowerCase(Locale.ROOT);
    }

    private static void expect(Kind kind, JsonNode topics, int topicCount, byte[] data, int minWords) {
        if (topics.size() != topicCount) {
            throw new Undecodable(kind.eventName + ": " + topics.size() + " topics, the declaration has " + topicCount);
        }
        if (data.length % 32 != 0 || data.length < minWords * 32) {
            throw new Undecodable(kind.eventName + ": " + data.length + " bytes of data, at least " + minWords * 32
                    + " in 32-byte words expected");
        }
    }

    private static byte[] hexBytes(String hex, String what) {
        String s = Decode.strip0x(hex);
        try {
            return HEX.parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new Undecodable("'" + what + "' is not hex");
        }
    }

    private static String bytes32(JsonNode topic) {
        byte[] b = hexBytes(topic.asText(), "topic");
        if (b.length != 32) {
            throw new Undecodable("a topic is not 32 bytes");
        }
        return "0x" + HEX.formatHex(b);
    }

    private static String address(JsonNode topic) {
        return addressOf(hexBytes(topic.asText(), "topic"), 0);
    }

    private static String bytes32(byte[] data, int word) {
        return "0x" + HEX.formatHex(data, word * 32, word * 32 + 32);
    }

    private static String address(byte[] data, int word) {
        return addressOf(data, word * 32);
    }

    private static String addressOf(byte[] b, int at) {
        if (b.length < at + 32) {
            throw new Undecodable("an address word is short");
        }
        for (int i = at; i < at + 12; i++) {
            if (b[i] != 0) {
                throw new Undecodable("an address word has non-zero high bytes");
            }
        }
        return "0x" + HEX.formatHex(b, at + 12, at + 32);
    }

    private static BigInteger word(byte[] data, int word) {
        return new BigInteger(1, Arrays.copyOfRange(data, word * 32, word * 32 + 32));
    }

    private static int uint8(byte[] data, int word) {
        BigInteger v = word(data, word);
        if (v.bitLength() > 8) {
            throw new Undecodable("vaultType is not a uint8: " + v);
        }
        return v.intValue();
    }

    private static int wordInt(byte[] data, int byteOffset, String what) {
        if (byteOffset < 0 || byteOffset + 32 > data.length) {
            throw new Undecodable(what + " is outside the data");
        }
        BigInteger v = new BigInteger(1, Arrays.copyOfRange(data, byteOffset, byteOffset + 32));
        if (v.bitLength() > 31) {
            throw new Undecodable(what + " is too large: " + v);
        }
        return v.intValue();
    }
}
