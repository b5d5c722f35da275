package dev.chainsync.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.chainsync.ingest.ChainEvent.AtomCreated;
import dev.chainsync.ingest.ChainEvent.Deposited;
import dev.chainsync.ingest.ChainEvent.Generic;
import dev.chainsync.ingest.ChainEvent.Meta;
import dev.chainsync.ingest.ChainEvent.Redeemed;
import dev.chainsync.ingest.ChainEvent.SharePriceChanged;
import dev.chainsync.ingest.ChainEvent.TripleCreated;
import dev.chainsync.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a rindexer entry ({@code payload} = envelope JSON with an {@code event_data} array) into
 * events. The event type is recognised by its topic0 first (rindexer may send an alias as
 * {@code event_name}), then by name; anything else becomes a generic event.
 */
final class EntryParser {
    static final String REORG_EVENT = "__rindexer_reorg";

    /** The MultiVault events chainsync projects, by topic0. */
    enum Kind {
        ATOM_CREATED("AtomCreated", "AtomCreated(address,bytes32,bytes,address)"),
        TRIPLE_CREATED("TripleCreated", "TripleCreated(address,bytes32,bytes32,bytes32,bytes32)"),
        DEPOSITED("Deposited", "Deposited(address,address,bytes32,uint256,uint256,uint256,uint256,uint256,uint8)"),
        REDEEMED("Redeemed", "Redeemed(address,address,bytes32,uint256,uint256,uint256,uint256,uint256,uint8)"),
        SHARE_PRICE_CHANGED("SharePriceChanged", "SharePriceChanged(bytes32,uint256,uint256,uint256,uint256,uint8)");

        final String eventName;
        final String signature;
        final String topic0;

        Kind(String eventName, String signature) {
            this.eventName = eventName;
            this.signature = signature;
            this.topic0 = Keccak.topic(signature);
        }

        static Kind of(String topic0, String name) {
            if (topic0 != null) {
                for (Kind k : values()) {
                    if (k.topic0.equalsIgnoreCase(topic0)) {
                        return k;
                    }
                }
            }
            for (Kind k : values()) {
                if (k.eventName.equals(name)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** The entry can never be processed as it is: it goes to the dead letters at once. */
    static final class Unparseable extends RuntimeException {
        Unparseable(String message) {
            super(message);
        }
    }

    // Exact integers: a uint256 sent as a bare JSON number must not pass through a double. A key
    // given twice or anything after the JSON value makes the payload ambiguous: refused, not guessed.
    private static final ObjectReader READER = Json.MAPPER
            .reader()
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .with(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .withFeatures(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** The fields an entry may have: rindexer's one, and the original id a replay adds. */
    private static final java.util.Set<String> ALLOWED_FIELDS =
            java.util.Set.of(StreamEntry.PAYLOAD_FIELD, StreamEntry.ORIGINAL_ID_FIELD);

    private EntryParser() {}

    static ParsedEntry parse(StreamEntry entry) {
        if (!entry.defects().isEmpty()) {
            throw new Unparseable(String.join("; ", entry.defects()));
        }
        String payload = entry.payload();
        if (payload == null) {
            throw new Unparseable(
                    "no 'payload' field (fields: " + entry.fields().keySet() + ")");
        }
        List<String> others = entry.fields().keySet().stream()
                .filter(f -> !ALLOWED_FIELDS.contains(f))
                .sorted()
                .toList();
        if (!others.isEmpty()) {
            throw new Unparseable("fields other than 'payload': " + others);
        }
        JsonNode root;
        try {
            root = READER.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new Unparseable("payload is not one JSON value: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new Unparseable("payload is not a JSON object");
        }
        try {
            return parse(entry, root);
        } catch (Decode.BadField e) {
            throw new Unparseable(e.getMessage());
        }
    }

    private static ParsedEntry parse(StreamEntry entry, JsonNode root) {
        String name = Decode.text(root, "event_name");
        String topic0 = Decode.optionalBytes32(root, "event_signature_hash");
        JsonNode data = root.get("event_data");
        if (data == null || !data.isArray()) {
            throw new Unparseable("'event_data' is not an array");
        }
        if (data.isEmpty()) {
            // rindexer publishes an entry per block that has events; an empty one carries nothing to
            // store or count, so it is made visible as a dead letter instead of vanishing.
            throw new Unparseable("'event_data' is empty");
        }
        String envelopeNetwork = Decode.optionalText(root, "network");
        if (REORG_EVENT.equals(name)) {
            if (!data.get(0).isObject()) {
                throw new Unparseable("reorg notification without event_data[0]");
            }
            JsonNode r = data.get(0);
            String network = Decode.optionalText(r, "network");
            if (network == null) {
                network = envelopeNetwork;
            }
            if (network == null) {
                throw new Unparseable("reorg notification without network");
            }
            return new ParsedEntry(
                    entry,
                    List.of(),
                    new ParsedEntry.Reorg(network, Decode.uint64(r, "fork_block"), Decode.optionalUint64(r, "depth")));
        }
        Kind kind = Kind.of(topic0, name);
        List<ChainEvent> events = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            JsonNode e = data.get(i);
            if (!e.isObject()) {
                throw new Unparseable("event_data[" + i + "] is not an object");
            }
            try {
                events.add(event(kind, name, topic0, envelopeNetwork, e));
            } catch (Decode.BadField ex) {
                throw new Unparseable("event_data[" + i + "] (" + name + "): " + ex.getMessage());
            }
        }
        return new ParsedEntry(entry, events, null);
    }

    private static ChainEvent event(Kind kind, String name, String topic0, String envelopeNetwork, JsonNode e) {
        JsonNode tx = e.get("transaction_information");
        if (tx == null || !tx.isObject()) {
            throw new Decode.BadField("missing 'transaction_information'");
        }
        Meta meta = meta(tx, envelopeNetwork);
        if (kind == null) {
            Decode.requireStorable(e, "event_data");
            return new Generic(meta, name, topic0, e.toString());
        }
        return switch (kind) {
            case ATOM_CREATED ->
                new AtomCreated(
                        meta,
                        Decode.address(e, "creator"),
                        Decode.bytes32(e, "termId"),
                        Decode.bytes(e, "atomData"),
                        Decode.address(e, "atomWallet"));
            case TRIPLE_CREATED -> {
                String termId = Decode.bytes32(e, "termId");
                yield new TripleCreated(
                        meta,
                        Decode.address(e, "creator"),
                        termId,
                        Decode.bytes32(e, "subjectId"),
                        Decode.bytes32(e, "predicateId"),
                        Decode.bytes32(e, "objectId"),
                        Keccak.counterTermId(termId));
            }
            case DEPOSITED ->
                new Deposited(
                        meta,
                        Decode.address(e, "sender"),
                        Decode.address(e, "receiver"),
                        Decode.bytes32(e, "termId"),
                        Decode.uint(e, "curveId"),
                        Decode.uint(e, "assets"),
                        Decode.uint(e, "assetsAfterFees"),
                        Decode.uint(e, "shares"),
                        Decode.uint(e, "totalShares"),
                        Decode.uint8(e, "vaultType"));
            case REDEEMED ->
                new Redeemed(
                        meta,
                        Decode.address(e, "sender"),
                        Decode.address(e, "receiver"),
                        Decode.bytes32(e, "termId"),
                        Decode.uint(e, "curveId"),
                        Decode.uint(e, "shares"),
                        Decode.uint(e, "totalShares"),
                        Decode.uint(e, "assets"),
                        Decode.uint(e, "fees"),
                        Decode.uint8(e, "vaultType"));
            case SHARE_PRICE_CHANGED ->
                new SharePriceChanged(
                        meta,
                        Decode.bytes32(e, "termId"),
                        Decode.uint(e, "curveId"),
                        Decode.uint(e, "sharePrice"),
                        Decode.uint(e, "totalAssets"),
                        Decode.uint(e, "totalShares"),
                        Decode.uint8(e, "vaultType"));
        };
    }

    private static Meta meta(JsonNode tx, String envelopeNetwork) {
        String network = Decode.optionalText(tx, "network");
        if (network == null) {
            network = envelopeNetwork;
        }
        if (network == null) {
            throw new Decode.BadField("no network in transaction_information or the envelope");
        }
        return new Meta(
                network,
                Decode.optionalUint64(tx, "chain_id"),
                Decode.address(tx, "address"),
                Decode.hash(tx, "block_hash"),
                Decode.uint64(tx, "block_number"),
                Decode.optionalTimestamp(tx, "block_timestamp"),
                Decode.hash(tx, "transaction_hash"),
                Decode.uint64(tx, "log_index"),
                Decode.uint64(tx, "transaction_index"));
    }
}
