package dev.chainsync.chain.evm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.ChainConfig;
import dev.chainsync.chain.ChainException;
import dev.chainsync.chain.ChainHealth;
import dev.chainsync.chain.ChainRecord;
import dev.chainsync.chain.Commitment;
import dev.chainsync.chain.MemoText;
import dev.chainsync.chain.RecentBlockhash;
import dev.chainsync.chain.RpcEndpoints;
import dev.chainsync.chain.SignatureStatus;
import dev.chainsync.chain.SignedTransaction;
import dev.chainsync.chain.Signer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/**
 * The {@link ChainClient} port over an EVM chain's standard JSON-RPC: a credential's memo is
 * anchored by calling the anchor contract ({@code testing/evm/contracts/Anchor.sol}), whose
 * {@code Anchored} event carries it.
 *
 * <p>Where Solana has a blockhash, an EVM transaction has a nonce: this adapter takes the signer's
 * next nonce from PostgreSQL in the transaction that records the attempt ({@link #reserve}), and a
 * replacement reuses the nonce of the attempt it replaces with higher fees, so of all the
 * transactions ever built for one operation at most one can land. The "last valid height" of an
 * attempt is when the relay stops re-sending its bytes and replaces it. One memo per transaction:
 * an operation's nonce is its own.
 *
 * <p>The signer's key sends on behalf of the credential issuer, as a fee payer does: records sent
 * from it name the issuer's address as their signer.
 */
public final class EvmChainClient implements ChainClient {
    private static final Logger log = LoggerFactory.getLogger(EvmChainClient.class);
    /** topic0 of {@code Anchored(address,bytes32,string)}. */
    static final String ANCHORED_TOPIC =
            Numeric.toHexString(Hash.sha3("Anchored(address,bytes32,string)".getBytes(StandardCharsets.US_ASCII)));
    /** Geth's limit on a transaction's size. */
    static final int MAX_TRANSACTION_BYTES = 128 * 1024;
    /** Blocks one {@code eth_getLogs} request covers when paging back through the signer's anchors. */
    static final long LOG_WINDOW_BLOCKS = 2_000;
    /** Gas for a call to the anchor contract: the base, plus per memo byte (calldata, log data, hashing). */
    static final long BASE_GAS = 35_000;

    static final long GAS_PER_MEMO_BYTE = 48;

    private final EvmConfig config;
    private final Credentials credentials;
    private final String sender;
    private final String issuer;
    private final List<EvmRpc> rpcs;
    private final RpcEndpoints<EvmRpc> endpoints;

    EvmChainClient(
            EvmConfig config,
            Credentials credentials,
            String issuer,
            int breakerFailureRatePercent,
            Duration breakerOpen,
            Clock clock,
            MeterRegistry registry) {
        this.config = config;
        this.credentials = credentials;
        this.sender = credentials.getAddress().toLowerCase(Locale.ROOT);
        this.issuer = issuer;
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
        List<EvmRpc> rpcs = new ArrayList<>();
        for (URI url : config.rpcUrls()) {
            rpcs.add(new EvmRpc(url, rpcs.size() + ":" + EvmConfig.label(url), http, config.requestTimeout()));
        }
        this.rpcs = List.copyOf(rpcs);
        this.endpoints = new RpcEndpoints<>(
                "EVM",
                rpcs,
                EvmRpc::label,
                config.maxLagBlocks(),
                breakerFailureRatePercent,
                breakerOpen,
                clock,
                registry);
    }

    /**
     * A client sending with the key in {@code config.signerKeyFile()} on behalf of
     * {@code issuerAddress}, each endpoint behind its own breaker (opening at
     * {@code breakerFailureRatePercent}, open for {@code breakerOpen}); refuses an endpoint whose
     * chain id is not the configured one.
     */
    public static EvmChainClient create(
            EvmConfig config,
            String issuerAddress,
            int breakerFailureRatePercent,
            Duration breakerOpen,
            Clock clock,
            MeterRegistry registry) {
        EvmChainClient client = new EvmChainClient(
                config,
                Credentials.create(readKey(config.signerKeyFile())),
                issuerAddress,
                breakerFailureRatePercent,
                breakerOpen,
                clock,
                registry);
        try {
            client.checkChainIds();
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        log.info(
                "EVM signer {} on chain {} anchors through {}",
                client.sender,
                config.chainId(),
                config.anchorContract());
        return client;
    }

    /** With the chain breaker's defaults, the system clock and meters nobody reads: for tools and tests. */
    public static EvmChainClient create(EvmConfig config, String issuerAddress) {
        return create(
                config,
                issuerAddress,
                ChainConfig.DEFAULT_BREAKER_FAILURE_RATE,
                ChainConfig.DEFAULT_BREAKER_OPEN,
                Clock.systemUTC(),
                new SimpleMeterRegistry());
    }

    /**
     * Asks every endpoint for its chain id: one serving another chain is a configuration mistake
     * (its blocks and nonces mean something else), so start fails; unreachable ones are checked
     * by nobody, and a warning says so.
     */
    private void checkChainIds() {
        List<String> unchecked = new ArrayList<>();
        for (EvmRpc one : rpcs) {
            try {
                long nodeChainId = quantity(one.call("eth_chainId"));
                if (nodeChainId != config.chainId()) {
                    throw new IllegalStateException("CHAINSYNC_EVM_CHAIN_ID is " + config.chainId()
                            + " but the node at " + one.label() + " serves chain " + nodeChainId);
                }
            } catch (ChainException e) {
                unchecked.add(e.getMessage());
            }
        }
        if (!unchecked.isEmpty()) {
            log.warn("EVM chain id not checked on {} endpoint(s): {}", unchecked.size(), unchecked);
        }
    }

    /** Reads a hex private key (0x optional, surrounding whitespace ignored); never logs it. */
    static String readKey(Path file) {
        try {
            String hex = Files.readString(file).strip();
            hex = hex.startsWith("0x") ? hex.substring(2) : hex;
            if (!hex.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException(file + " does not hold a 32-byte hex private key");
            }
            return hex;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the EVM signer key file " + file, e);
        }
    }

    /** The anchor contract's address, lower-case 0x hex. */
    public String anchorContract() {
        return config.anchorContract();
    }

    /** The signer's address, lower-case 0x hex. */
    public String senderAddress() {
        return sender;
    }

    @Override
    public String name() {
        return "evm";
    }

    /**
     * The lowest head among the endpoints read from (every endpoint is asked): a receipt counted
     * deep enough, or an attempt counted expired, is so on every endpoint chainsync reads.
     */
    @Override
    public long blockHeight() {
        return endpoints.agreedHeight("eth_blockNumber", r -> quantity(r.call("eth_blockNumber")));
    }

    /** One call on the first readable endpoint that answers (see {@link RpcEndpoints#read}). */
    private JsonNode call(String method, Object... params) {
        return endpoints.read(method, r -> r.call(method, params));
    }

    private List<JsonNode> batch(String method, List<Object[]> paramsList) {
        return endpoints.read(method, r -> r.batch(method, paramsList));
    }

    @Override
    public long blockhashValidityBlocks() {
        return config.replaceAfterBlocks();
    }

    @Override
    public RecentBlockhash latestBlockhash() {
        JsonNode block = call("eth_getBlockByNumber", "latest", false);
        BigInteger baseFee = big(block.path("baseFeePerGas"));
        BigInteger tip = big(call("eth_maxPriorityFeePerGas"));
        long pending = quantity(call("eth_getTransactionCount", sender, "pending"));
        long height = quantity(block.path("number"));
        return new RecentBlockhash(EvmFees.quote(baseFee, tip, pending).wire(), height + config.replaceAfterBlocks());
    }

    /**
     * The signer's next nonce, taken from its row (never below the chain's pending nonce, in case
     * the key was used elsewhere), or for a replacement the replaced attempt's nonce with bumped fees.
     */
    @Override
    public RecentBlockhash reserve(Connection c, String signer, RecentBlockhash latest, List<RecentBlockhash> previous)
            throws SQLException {
        EvmFees quote = EvmFees.parse(latest.blockhash());
        if (!previous.isEmpty()) {
            EvmFees replaced = EvmFees.parse(previous.getLast().blockhash());
            if (replaced.reserved()) {
                return new RecentBlockhash(EvmFees.replacing(replaced, quote).wire(), latest.lastValidBlockHeight());
            }
        }
        return new RecentBlockhash(quote.withNonce(takeNonce(c, quote.nonce())).wire(), latest.lastValidBlockHeight());
    }

    private long takeNonce(Connection c, long chainPending) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO evm_nonces (chain_id, address, next_nonce) VALUES (?, ?, ? + 1)
                ON CONFLICT (chain_id, address) DO UPDATE
                   SET next_nonce = GREATEST(evm_nonces.next_nonce, EXCLUDED.next_nonce - 1) + 1, updated_at = now()
                RETURNING next_nonce - 1""")) {
            ps.setLong(1, config.chainId());
            ps.setString(2, sender);
            ps.setLong(3, chainPending);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public int maxMemosPerTransaction() {
        return 1;
    }

    @Override
    public int maxTransactionBytes() {
        return MAX_TRANSACTION_BYTES;
    }

    @Override
    public int memoTransactionBytes(List<String> memos) {
        int total = 0;
        for (String memo : memos) {
            int words = (MemoText.utf8(memo).length + 31) / 32;
            // Envelope (type, chain id, nonce, fees, gas, to, value, access list, signature) plus the calldata.
            total += 150 + 4 + 64 + 32 * words;
        }
        return total;
    }

    /** Gas for anchoring {@code memo}: enough for the call and its log, whatever the memo's bytes. */
    public static long gasLimitFor(String memo) {
        return BASE_GAS + GAS_PER_MEMO_BYTE * MemoText.utf8(memo).length;
    }

    @Override
    public SignedTransaction buildMemoTransaction(Signer signer, List<String> memos, RecentBlockhash blockhash) {
        if (memos.size() != 1) {
            throw new IllegalArgumentException(
                    "an EVM anchor transaction carries exactly one memo, not " + memos.size());
        }
        if (!signer.address().equals(issuer) && !signer.address().equalsIgnoreCase(sender)) {
            throw new IllegalArgumentException("this EVM client sends for " + issuer + ", not " + signer.address());
        }
        EvmFees fees = EvmFees.parse(blockhash.blockhash());
        if (!fees.reserved()) {
            throw new IllegalArgumentException("no nonce reserved: build with what reserve() returned");
        }
        String memo = memos.getFirst();
        String data = FunctionEncoder.encode(new Function("anchor", List.of(new Utf8String(memo)), List.of()));
        RawTransaction raw = RawTransaction.createTransaction(
                config.chainId(),
                BigInteger.valueOf(fees.nonce()),
                BigInteger.valueOf(gasLimitFor(memo)),
                config.anchorContract(),
                BigInteger.ZERO,
                data,
                fees.maxPriorityFeePerGas(),
                fees.maxFeePerGas());
        byte[] signed = TransactionEncoder.signMessage(raw, credentials);
        return new SignedTransaction(
                Numeric.toHexString(Hash.sha3(signed)), signed, signer.address(), memos, blockhash);
    }

    /**
     * Sends the signed bytes. Sent again (a re-broadcast, or through the next endpoint after one
     * whose answer timed out) they are the same transaction: the node says it knows it, or, once
     * it is mined, that its nonce is spent; both mean sent when the node has this very hash.
     */
    @Override
    public String submit(SignedTransaction transaction) {
        try {
            return call("eth_sendRawTransaction", Numeric.toHexString(transaction.wire()))
                    .asText();
        } catch (EvmRpc.RpcError e) {
            String message = e.getMessage().toLowerCase(Locale.ROOT);
            if (message.contains("already known") || message.contains("known transaction")) {
                return transaction.signature(); // identical bytes already in the pool
            }
            if (message.contains("nonce too low") && known(transaction.signature())) {
                return transaction.signature(); // these bytes spent the nonce themselves
            }
            throw e;
        }
    }

    private boolean known(String hash) {
        JsonNode tx = call("eth_getTransactionByHash", hash);
        return tx != null && !tx.isNull();
    }

    @Override
    public Map<String, SignatureStatus> signatureStatuses(Collection<String> signatures) {
        if (signatures.isEmpty()) {
            return Map.of();
        }
        List<String> ordered = List.copyOf(signatures);
        List<JsonNode> receipts = batch(
                "eth_getTransactionReceipt",
                ordered.stream().map(s -> new Object[] {s}).toList());
        long head = blockHeight();
        long finalized = finalizedHeight();
        Map<String, SignatureStatus> out = new HashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            JsonNode r = receipts.get(i);
            if (r == null || r.isNull() || r.path("blockNumber").isNull()) {
                continue;
            }
            long block = quantity(r.path("blockNumber"));
            Commitment c = block <= finalized
                    ? Commitment.FINALIZED
                    : head - block + 1 >= config.confirmations() ? Commitment.CONFIRMED : Commitment.PROCESSED;
            String error = quantity(r.path("status")) == 1 ? null : "reverted";
            out.put(ordered.get(i), new SignatureStatus(ordered.get(i), block, c, error));
        }
        return out;
    }

    private long finalizedHeight() {
        JsonNode block = call("eth_getBlockByNumber", "finalized", false);
        return block == null || block.isNull() ? -1 : quantity(block.path("number"));
    }

    @Override
    public List<ChainRecord> recordsByAddress(String address, String beforeSignature, int limit) {
        String from = address.equals(issuer) ? sender : address.toLowerCase(Locale.ROOT);
        if (!EvmConfig.ADDRESS.matcher(from).matches()) {
            return List.of();
        }
        long to = blockHeight();
        long[] before = null; // block and index within it of beforeSignature
        if (beforeSignature != null) {
            JsonNode r = call("eth_getTransactionReceipt", beforeSignature);
            if (r == null || r.isNull()) {
                return List.of();
            }
            before = new long[] {quantity(r.path("blockNumber")), quantity(r.path("transactionIndex"))};
            to = before[0];
        }
        List<JsonNode> logs = new ArrayList<>();
        while (to >= 0 && logs.size() < limit) {
            long start = Math.max(0, to - LOG_WINDOW_BLOCKS + 1);
            for (JsonNode l : anchoredLogs(from, start, to)) {
                long block = quantity(l.path("blockNumber"));
                long index = quantity(l.path("transactionIndex"));
                if (before == null || block < before[0] || block == before[0] && index < before[1]) {
                    logs.add(l);
                }
            }
            to = start - 1;
        }
        logs.sort(Comparator.comparingLong((JsonNode l) -> quantity(l.path("blockNumber")))
                .thenComparingLong(l -> quantity(l.path("logIndex")))
                .reversed());
        List<JsonNode> page = logs.subList(0, Math.min(limit, logs.size()));
        Map<Long, Instant> times = blockTimes(page);
        return page.stream().map(l -> record(l, times)).toList();
    }

    private List<JsonNode> anchoredLogs(String from, long fromBlock, long toBlock) {
        Map<String, Object> filter = new LinkedHashMap<>();
        filter.put("address", config.anchorContract());
        filter.put("fromBlock", hex(fromBlock));
        filter.put("toBlock", hex(toBlock));
        filter.put("topics", Arrays.asList(ANCHORED_TOPIC, topicOf(from)));
        List<JsonNode> out = new ArrayList<>();
        call("eth_getLogs", filter).forEach(out::add);
        return out;
    }

    private Map<Long, Instant> blockTimes(List<JsonNode> logs) {
        List<Long> blocks = logs.stream()
                .map(l -> quantity(l.path("blockNumber")))
                .distinct()
                .toList();
        List<JsonNode> answers = batch(
                "eth_getBlockByNumber",
                blocks.stream().map(b -> new Object[] {hex(b), false}).toList());
        Map<Long, Instant> out = new HashMap<>();
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode b = answers.get(i);
            out.put(
                    blocks.get(i),
                    b == null || b.isNull() ? null : Instant.ofEpochSecond(quantity(b.path("timestamp"))));
        }
        return out;
    }

    private ChainRecord record(JsonNode log, Map<Long, Instant> times) {
        long block = quantity(log.path("blockNumber"));
        String from = "0x" + log.path("topics").path(1).asText().substring(26);
        return new ChainRecord(
                log.path("transactionHash").asText(),
                from.equalsIgnoreCase(sender) ? issuer : from,
                block,
                times.get(block),
                List.of(decodeMemo(log.path("data").asText())),
                null);
    }

    /** The {@code string memo} of an {@code Anchored} log's data (offset, length, bytes). */
    static String decodeMemo(String data) {
        byte[] bytes = Numeric.hexStringToByteArray(data);
        int length = new BigInteger(1, Arrays.copyOfRange(bytes, 32, 64)).intValueExact();
        return new String(bytes, 64, length, StandardCharsets.UTF_8);
    }

    @Override
    public Optional<ChainRecord> transaction(String signature) {
        JsonNode r = call("eth_getTransactionReceipt", signature);
        if (r == null || r.isNull() || r.path("blockNumber").isNull()) {
            return Optional.empty();
        }
        List<JsonNode> logs = new ArrayList<>();
        for (JsonNode l : r.path("logs")) {
            if (l.path("address").asText().equalsIgnoreCase(config.anchorContract())
                    && l.path("topics").path(0).asText().equalsIgnoreCase(ANCHORED_TOPIC)) {
                logs.add(l);
            }
        }
        String from = r.path("from").asText().toLowerCase(Locale.ROOT);
        long block = quantity(r.path("blockNumber"));
        Instant time = blockTimes(List.of(r)).get(block);
        return Optional.of(new ChainRecord(
                signature,
                from.equals(sender) ? issuer : from,
                block,
                time,
                logs.stream().map(l -> decodeMemo(l.path("data").asText())).toList(),
                quantity(r.path("status")) == 1 ? null : "reverted"));
    }

    /** The EIP-155 chain id, checked against the node at start: what instances sharing a database must agree on. */
    @Override
    public Optional<String> chainId() {
        return Optional.of("eip155:" + config.chainId());
    }

    /** Up while some endpoint answers its height; one entry per endpoint (up, down or lagging). */
    @Override
    public ChainHealth health() {
        try {
            long height = blockHeight();
            List<ChainHealth.Endpoint> entries = endpoints.health();
            return new ChainHealth(
                    true, height, "evm chain " + config.chainId() + ": " + endpoints.upSummary(entries), entries);
        } catch (RuntimeException e) {
            return new ChainHealth(
                    false,
                    Math.max(-1, endpoints.bestHeight()),
                    "evm chain " + config.chainId() + ": " + e.getMessage(),
                    endpoints.health());
        }
    }

    @Override
    public void close() {
        endpoints.close();
    }

    static long quantity(JsonNode n) {
        return Numeric.decodeQuantity(n.asText()).longValueExact();
    }

    private static BigInteger big(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? BigInteger.ZERO : Numeric.decodeQuantity(n.asText());
    }

    static String hex(long n) {
        return "0x" + Long.toHexString(n);
    }

    private static String topicOf(String address) {
        return "0x" + "0".repeat(24) + address.substring(2).toLowerCase(Locale.ROOT);
    }
}
