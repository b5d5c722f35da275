package dev.chainsync.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * A deterministic, chain-consistent Intuition MultiVault workload in rindexer's exact Redis
 * format, for the demo, the benchmark and tests: atoms and triples are created with an initial
 * deposit, then deposits, redemptions and share price changes dominate, over many terms,
 * accounts and two curves. Entries are grouped as rindexer groups them (one entry per event type
 * per block, chunked), each event type on its own stream.
 *
 * <p>{@link #fork(long)} copies the chain state, so a test can build an old and a new branch
 * after the same block.
 *
 * <p>It plays rindexer, so it shares no code with chainsync's parser: the event topics and the
 * counter-triple id rule are written out here from the contract's definition, and a test of the
 * parser over this workload checks the parser against an independent source.
 */
public final class IntuitionWorkload {
    /** One Redis entry: {@code XADD stream * payload <payload>}. */
    public record Entry(String stream, String payload, int events, long block) {}

    /** Events of one type per entry at most (rindexer chunks by size, about 75 KB). */
    public static final int CHUNK = 50;

    public static final long ONE = 1_000_000_000_000_000_000L;
    private static final BigInteger E18 = BigInteger.valueOf(ONE);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final HexFormat HEX = HexFormat.of();
    private static final long CHAIN_ID = 13579;
    private static final String CONTRACT = "0x6e35cF7A1C7c6A3BD0b9c1B5e5C0f8F0bD3a61F2";
    private static final long GENESIS_TIME = 1_795_000_000L;
    /** The event name rindexer gives a reorg notification. */
    public static final String REORG_EVENT = "__rindexer_reorg";
    /** topic0 (Keccak-256 of the ABI signature) of each MultiVault event the workload emits. */
    private static final Map<String, String> TOPIC0 = Map.of(
            "AtomCreated", "0xfd579ad7468b1720e08f84efe16900074f3ffdaaeaa82e675e5aec69bf393189",
            "TripleCreated", "0xf13505b910c49b286cf7fbaf1a78620cf7d8bda0e8e39c1baed620c08af686e7",
            "Deposited", "0xf717428d3271f4ca44ee92a96ecda708463de1c200f30db4e295def5e8db6b4a",
            "Redeemed", "0x5ab85658e5658520d47644e1417584159fc8edb9712149792a9337ff5e1048a4",
            "SharePriceChanged", "0xcc9bc63a4b047be4850fcbada8d7ed7aa097ed4f6c3b55bebc7e108ea1d2f824");
    /** keccak256("COUNTER_SALT"), the MultiVault's salt for counter-triple ids. */
    private static final byte[] COUNTER_SALT = keccak("COUNTER_SALT".getBytes(StandardCharsets.US_ASCII));

    private final String network;
    private final String streamPrefix;
    private final int accounts;
    private final boolean mixedEncodings;
    private SplittableRandom random;
    private long block;
    private long txCounter;
    private final List<String> atoms;
    private final List<String[]> triples; // {id, counterId}
    private final Map<String, BigInteger[]> vaults; // key term|curve -> {totalShares, totalAssets}
    private final Map<String, BigInteger> positions; // key account|term|curve -> shares
    private final Map<String, List<String>> holders; // vault key -> accounts with shares
    private final Map<String, Integer> types = new HashMap<>();

    private IntuitionWorkload(
            String network, String streamPrefix, int accounts, boolean mixedEncodings, long seed, long startBlock) {
        this.network = network;
        this.streamPrefix = streamPrefix;
        this.accounts = accounts;
        this.mixedEncodings = mixedEncodings;
        this.random = new SplittableRandom(seed);
        this.block = startBlock;
        this.atoms = new ArrayList<>();
        this.triples = new ArrayList<>();
        this.vaults = new HashMap<>();
        this.positions = new HashMap<>();
        this.holders = new HashMap<>();
    }

    /**
     * A workload for {@code network}, streams named {@code <streamPrefix>_<event>}. With
     * {@code mixedEncodings} every numeric field is sent, at random, as a number, a decimal
     * string or 0x hex, and addresses in mixed case, as different rindexer versions do.
     */
    public static IntuitionWorkload create(
            String network, String streamPrefix, int accounts, boolean mixedEncodings, long seed) {
        return new IntuitionWorkload(network, streamPrefix, accounts, mixedEncodings, seed, 1);
    }

    /** The streams this workload writes to, one per event type. */
    public List<String> streams() {
        return List.of(
                stream("atom_created"),
                stream("triple_created"),
                stream("deposited"),
                stream("redeemed"),
                stream("share_price_changed"));
    }

    public String stream(String event) {
        return streamPrefix + "_" + event;
    }

    public long nextBlock() {
        return block;
    }

    /** A copy of the chain state after the blocks generated so far, drawing from another seed. */
    public IntuitionWorkload fork(long seed) {
        IntuitionWorkload f = new IntuitionWorkload(network, streamPrefix, accounts, mixedEncodings, seed, block);
        f.txCounter = txCounter + 1_000_000_000L * (1 + (seed & 0xff));
        f.atoms.addAll(atoms);
        triples.forEach(t -> f.triples.add(t.clone()));
        vaults.forEach((k, v) -> f.vaults.put(k, v.clone()));
        f.positions.putAll(positions);
        f.types.putAll(types);
        holders.forEach((k, v) -> f.holders.put(k, new ArrayList<>(v)));
        return f;
    }

    /** Blocks until at least {@code events} events were generated; entries in chain order. */
    public List<Entry> events(int events, int txPerBlock) {
        List<Entry> out = new ArrayList<>();
        int n = 0;
        while (n < events) {
            List<Entry> b = block(txPerBlock);
            for (Entry e : b) {
                n += e.events();
            }
            out.addAll(b);
        }
        return out;
    }

    /** {@code count} blocks of {@code txPerBlock} transactions each. */
    public List<Entry> blocks(int count, int txPerBlock) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.addAll(block(txPerBlock));
        }
        return out;
    }

    private List<Entry> block(int txPerBlock) {
        long number = block++;
        String blockHash = hex32();
        long time = GENESIS_TIME + number * 2;
        Map<String, List<ObjectNode>> byEvent = new LinkedHashMap<>();
        int[] log = {0};
        for (int t = 0; t < txPerBlock; t++) {
            String tx = hex32();
            long txIndex = t;
            double r = random.nextDouble();
            if (atoms.size() < 3 || r < 0.04) {
                createAtom(byEvent, number, blockHash, time, tx, txIndex, log);
            } else if (r < 0.08) {
                createTriple(byEvent, number, blockHash, time, tx, txIndex, log);
            } else if (r < 0.75) {
                deposit(byEvent, number, blockHash, time, tx, txIndex, log, randomTerm(), curve(), account());
            } else {
                redeem(byEvent, number, blockHash, time, tx, txIndex, log);
            }
        }
        List<Entry> out = new ArrayList<>();
        byEvent.forEach((event, events) -> {
            for (int i = 0; i < events.size(); i += CHUNK) {
                List<ObjectNode> chunk = events.subList(i, Math.min(events.size(), i + CHUNK));
                out.add(new Entry(stream(snake(event)), envelope(event, number, chunk), chunk.size(), number));
            }
        });
        return out;
    }

    private void createAtom(
            Map<String, List<ObjectNode>> out,
            long number,
            String blockHash,
            long time,
            String tx,
            long txIndex,
            int[] log) {
        String creator = account();
        String termId = hex32();
        ObjectNode e = JSON.objectNode();
        e.put("creator", address(creator));
        e.put("termId", termId);
        // atomData is dynamic bytes: hex without 0x.
        e.put("atomData", HEX.formatHex(("ipfs://bafy" + Long.toHexString(random.nextLong())).getBytes()));
        e.put("atomWallet", address(hex20()));
        add(out, "AtomCreated", e, number, blockHash, time, tx, txIndex, log);
        atoms.add(termId);
        deposit(out, number, blockHash, time, tx, txIndex, log, termId, BigInteger.ONE, creator);
    }

    private void createTriple(
            Map<String, List<ObjectNode>> out,
            long number,
            String blockHash,
            long time,
            String tx,
            long txIndex,
            int[] log) {
        String creator = account();
        String termId = hex32();
        ObjectNode e = JSON.objectNode();
        e.put("creator", address(creator));
        e.put("termId", termId);
        // A few popular predicates and objects, so predicate_object rows aggregate many triples.
        e.put("subjectId", atoms.get(random.nextInt(atoms.size())));
        e.put("predicateId", atoms.get(random.nextInt(Math.min(atoms.size(), 5))));
        e.put("objectId", atoms.get(random.nextInt(Math.min(atoms.size(), 20))));
        add(out, "TripleCreated", e, number, blockHash, time, tx, txIndex, log);
        String counter = counterTermId(termId);
        triples.add(new String[] {termId, counter});
        types.put(termId, 1);
        types.put(counter, 2);
        deposit(out, number, blockHash, time, tx, txIndex, log, termId, BigInteger.ONE, creator);
    }

    private void deposit(
            Map<String, List<ObjectNode>> out,
            long number,
            String blockHash,
            long time,
            String tx,
            long txIndex,
            int[] log,
            String termId,
            BigInteger curve,
            String receiver) {
        String vk = termId + "|" + curve;
        BigInteger[] v = vaults.computeIfAbsent(vk, k -> new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO});
        BigInteger assets = BigInteger.valueOf(1 + random.nextLong(50_000)).multiply(BigInteger.TEN.pow(13));
        BigInteger afterFees = assets.multiply(BigInteger.valueOf(99)).divide(BigInteger.valueOf(100));
        BigInteger price = price(v, curve);
        BigInteger shares = afterFees.multiply(E18).divide(price).max(BigInteger.ONE);
        v[0] = v[0].add(shares);
        v[1] = v[1].add(afterFees);
        String pk = receiver + "|" + vk;
        BigInteger had = positions.getOrDefault(pk, BigInteger.ZERO);
        BigInteger now = had.add(shares);
        positions.put(pk, now);
        if (had.signum() == 0) {
            holders.computeIfAbsent(vk, k -> new ArrayList<>()).add(receiver);
        }
        ObjectNode e = JSON.objectNode();
        e.put("sender", address(receiver));
        e.put("receiver", address(receiver));
        e.put("termId", termId);
        uint(e, "curveId", curve);
        uint(e, "assets", assets);
        uint(e, "assetsAfterFees", afterFees);
        uint(e, "shares", shares);
        uint(e, "totalShares", now);
        e.put("vaultType", vaultType(termId));
        add(out, "Deposited", e, number, blockHash, time, tx, txIndex, log);
        priceChanged(out, number, blockHash, time, tx, txIndex, log, termId, curve, v);
    }

    private void redeem(
            Map<String, List<ObjectNode>> out,
            long number,
            String blockHash,
            long time,
            String tx,
            long txIndex,
            int[] log) {
        List<String> keys = new ArrayList<>(holders.keySet());
        if (keys.isEmpty()) {
            return;
        }
        String vk = keys.get(random.nextInt(keys.size()));
        List<String> hs = holders.get(vk);
        if (hs.isEmpty()) {
            return;
        }
        String receiver = hs.get(random.nextInt(hs.size()));
        String termId = vk.substring(0, vk.indexOf('|'));
        BigInteger curve = new BigInteger(vk.substring(vk.indexOf('|') + 1));
        BigInteger[] v = vaults.get(vk);
        String pk = receiver + "|" + vk;
        BigInteger had = positions.get(pk);
        // Redeem everything a third of the time, so positions cross zero and position_count moves.
        BigInteger shares = random.nextInt(3) == 0
                ? had
                : had.multiply(BigInteger.valueOf(1 + random.nextInt(90)))
                        .divide(BigInteger.valueOf(100))
                        .max(BigInteger.ONE);
        BigInteger gross = shares.multiply(price(v, curve)).divide(E18).min(v[1]);
        BigInteger fees = gross.divide(BigInteger.valueOf(100));
        v[0] = v[0].subtract(shares);
        v[1] = v[1].subtract(gross);
        BigInteger left = had.subtract(shares);
        positions.put(pk, left);
        if (left.signum() == 0) {
            hs.remove(receiver);
        }
        ObjectNode e = JSON.objectNode();
        e.put("sender", address(receiver));
        e.put("receiver", address(receiver));
        e.put("termId", termId);
        uint(e, "curveId", curve);
        uint(e, "shares", shares);
        uint(e, "totalShares", left);
        uint(e, "assets", gross.subtract(fees));
        uint(e, "fees", fees);
        e.put("vaultType", vaultType(termId));
        add(out, "Redeemed", e, number, blockHash, time, tx, txIndex, log);
        priceChanged(out, number, blockHash, time, tx, txIndex, log, termId, curve, v);
    }

    private void priceChanged(
            Map<String, List<ObjectNode>> out,
            long number,
            String blockHash,
            long time,
            String tx,
            long txIndex,
            int[] log,
            String termId,
            BigInteger curve,
            BigInteger[] v) {
        ObjectNode e = JSON.objectNode();
        e.put("termId", termId);
        uint(e, "curveId", curve);
        uint(e, "sharePrice", price(v, curve));
        uint(e, "totalAssets", v[1]);
        uint(e, "totalShares", v[0]);
        e.put("vaultType", vaultType(termId));
        add(out, "SharePriceChanged", e, number, blockHash, time, tx, txIndex, log);
    }

    /** Curve 1 keeps a constant price; curve 2's price grows with its supply. */
    private static BigInteger price(BigInteger[] v, BigInteger curve) {
        if (curve.equals(BigInteger.ONE)) {
            return E18;
        }
        return E18.add(v[0].divide(BigInteger.valueOf(1000)));
    }

    /** 0 atom, 1 triple, 2 counter triple. */
    private int vaultType(String termId) {
        return types.getOrDefault(termId, 0);
    }

    private String randomTerm() {
        if (!triples.isEmpty() && random.nextInt(3) == 0) {
            String[] t = triples.get(random.nextInt(triples.size()));
            return random.nextInt(4) == 0 ? t[1] : t[0];
        }
        return atoms.get(random.nextInt(atoms.size()));
    }

    private BigInteger curve() {
        return random.nextInt(4) == 0 ? BigInteger.TWO : BigInteger.ONE;
    }

    private String account() {
        long n = random.nextInt(accounts);
        return String.format("%040x", n * 0x9e3779b97f4a7c15L & Long.MAX_VALUE).substring(0, 40);
    }

    private void add(
            Map<String, List<ObjectNode>> out,
            String event,
            ObjectNode e,
            long number,
            String blockHash,
            long time,
            String tx,
            long txIndex,
            int[] log) {
        ObjectNode info = JSON.objectNode();
        info.put("chain_id", CHAIN_ID);
        info.put("network", network);
        info.put("address", CONTRACT);
        info.put("block_hash", blockHash);
        // rindexer 0.41: block_number and transaction_index as numbers, log_index and timestamp as hex.
        numeric(info, "block_number", BigInteger.valueOf(number), 0);
        numeric(info, "block_timestamp", BigInteger.valueOf(time), 2);
        info.put("transaction_hash", tx);
        numeric(info, "log_index", BigInteger.valueOf(log[0]++), 2);
        numeric(info, "transaction_index", BigInteger.valueOf(txIndex), 0);
        e.set("transaction_information", info);
        out.computeIfAbsent(event, k -> new ArrayList<>()).add(e);
    }

    private String envelope(String event, long number, List<ObjectNode> events) {
        ObjectNode env = JSON.objectNode();
        env.put("event_name", event);
        env.put("event_signature_hash", TOPIC0.get(event));
        env.put("network", network);
        env.put("block_number", number);
        env.put("message_id", "rindexer_stream_" + streamPrefix + "-" + number + "-" + event);
        ArrayNode data = env.putArray("event_data");
        events.forEach(data::add);
        return env.toString();
    }

    /** uint256 fields: decimal strings in rindexer 0.41; any encoding with mixed encodings on. */
    private void uint(ObjectNode e, String name, BigInteger v) {
        numeric(e, name, v, 1);
    }

    /** {@code usual}: 0 number, 1 decimal string, 2 0x hex. */
    private void numeric(ObjectNode e, String name, BigInteger v, int usual) {
        int how = mixedEncodings ? random.nextInt(3) : usual;
        if (how == 0 && v.bitLength() > 63) {
            how = 1;
        }
        switch (how) {
            case 0 -> e.put(name, v.longValue());
            case 1 -> e.put(name, v.toString());
            default -> e.put(name, "0x" + v.toString(16));
        }
    }

    private String address(String hex40) {
        if (!mixedEncodings) {
            return "0x" + hex40;
        }
        StringBuilder sb = new StringBuilder("0x");
        for (char ch : hex40.toCharArray()) {
            sb.append(random.nextBoolean() ? Character.toUpperCase(ch) : ch);
        }
        return sb.toString();
    }

    private String hex32() {
        txCounter++;
        return "0x"
                + String.format(
                        "%016x%016x%016x%016x", random.nextLong(), random.nextLong(), txCounter, random.nextLong());
    }

    private String hex20() {
        return String.format("%016x%016x%08x", random.nextLong(), random.nextLong(), random.nextInt());
    }

    /** {@code keccak256(abi.encodePacked(COUNTER_SALT, tripleId))}, as lower-case 0x hex. */
    static String counterTermId(String tripleId) {
        String hex = tripleId.startsWith("0x") ? tripleId.substring(2) : tripleId;
        return "0x" + HEX.formatHex(keccak(COUNTER_SALT, HEX.parseHex(hex)));
    }

    private static byte[] keccak(byte[]... parts) {
        KeccakDigest d = new KeccakDigest(256);
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    private static String snake(String event) {
        return event.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** rindexer's reorg notification for {@code network}, as it sends it to every stream of the network. */
    public static String reorgPayload(String network, long forkBlock, long depth) {
        ObjectNode env = JSON.objectNode();
        env.put("event_name", REORG_EVENT);
        env.put("network", network);
        env.put("block_number", 0);
        env.put("message_id", "reorg-" + network + "-" + forkBlock);
        ObjectNode r = env.putArray("event_data").addObject();
        r.put("type", "reorg");
        r.put("network", network);
        r.put("fork_block", forkBlock);
        r.put("depth", depth);
        r.put("events_deleted", 0);
        r.putArray("affected_tx_hashes");
        r.putArray("affected_events");
        return env.toString();
    }
}
