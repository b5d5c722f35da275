package dev.chainsync.chain.solana;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.ChainException;
import dev.chainsync.chain.ChainException.Kind;
import dev.chainsync.chain.ChainHealth;
import dev.chainsync.chain.ChainRecord;
import dev.chainsync.chain.Commitment;
import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.chain.RecentBlockhash;
import dev.chainsync.chain.RpcEndpoints;
import dev.chainsync.chain.SignatureStatus;
import dev.chainsync.chain.SignedTransaction;
import dev.chainsync.chain.Signer;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ChainClient} port over Solana's standard JSON-RPC, with failover across endpoints.
 *
 * <p>Sending follows Solana's guidance: the blockhash is fetched at {@code confirmed}, preflight
 * runs at the same commitment, {@code maxRetries} is 0 because the relay re-broadcasts the same
 * signed bytes itself until {@code lastValidBlockHeight} passes, and it signs anew only after that
 * and after searching the chain (see the relay). Re-sending the same bytes through another endpoint
 * is safe: a transaction is identified by its signature, and the runtime processes a signature at
 * most once while its blockhash is valid (after that, the bytes cannot land at all).
 *
 * <p>Reads go to the first endpoint, in the configured order, that is not more than
 * {@link SolanaConfig#maxLagBlocks()} behind the best one and whose breaker lets the call through;
 * a request failing on the node moves on to the next. {@link #blockHeight()} asks every endpoint and answers the lowest height among those
 * it would read from, so "the blockhash expired and the signature is unknown" is never concluded
 * from a node ahead of the one that was asked about the signature.
 */
public final class SolanaChainClient implements ChainClient {
    public static final String NAME = "solana";
    /** Solana's base fee per signature; a fee payer with less cannot send anything. */
    public static final long LAMPORTS_PER_SIGNATURE = 5_000;
    /** Solana's target slot time, used to say when a confirmation is worth asking about. */
    public static final Duration SLOT_TIME = Duration.ofMillis(400);

    private static final Logger log = LoggerFactory.getLogger(SolanaChainClient.class);
    private static final int MAX_STATUSES_PER_CALL = 256;
    private static final int MAX_SIGNATURES_PER_PAGE = 1000;
    private static final int RECORD_CACHE_SIZE = 20_000;
    private static final Map<String, Object> CONFIRMED = Map.of("commitment", "confirmed");

    private final SolanaConfig config;
    private final Signer feePayer;
    private final boolean separateFeePayer;
    private final SolanaWire.ComputeBudget budget;
    private final RpcEndpoints<SolanaRpc> endpoints;
    private final Map<String, ChainRecord> transactions =
            java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ChainRecord> eldest) {
                    return size() > RECORD_CACHE_SIZE;
                }
            });

    /**
     * @param feePayer pays the fees (the issuer itself, or another key)
     * @param separateFeePayer whether {@code feePayer} is another key than the issuer's: its
     *     transactions then carry two signatures (sizes are computed for that)
     * @param breakerFailureRatePercent failure rate that opens one endpoint's breaker
     * @param breakerOpen how long an endpoint's breaker stays open
     */
    public SolanaChainClient(
            SolanaConfig config,
            Signer feePayer,
            boolean separateFeePayer,
            int breakerFailureRatePercent,
            Duration breakerOpen,
            Clock clock,
            MeterRegistry registry) {
        this.config = config;
        this.feePayer = java.util.Objects.requireNonNull(feePayer, "feePayer");
        this.separateFeePayer = separateFeePayer;
        this.budget = new SolanaWire.ComputeBudget(config.computeUnitPriceMicroLamports(), config.computeUnitLimit());
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(config.requestTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        List<SolanaRpc> rpcs = new ArrayList<>();
        for (URI url : config.rpcUrls()) {
            String label = rpcs.size() + ":" + SolanaConfig.label(url);
            rpcs.add(new SolanaRpc(url, label, http, config.requestTimeout()));
        }
        this.endpoints = new RpcEndpoints<>(
                "Solana",
                rpcs,
                SolanaRpc::label,
                config.maxLagBlocks(),
                breakerFailureRatePercent,
                breakerOpen,
                clock,
                registry);
    }

    /** The client for {@code config}: the fee payer keypair it names pays, or else {@code issuer}. */
    public static SolanaChainClient create(
            SolanaConfig config,
            Signer issuer,
            int breakerFailureRatePercent,
            Duration breakerOpen,
            Clock clock,
            MeterRegistry registry) {
        boolean separate = config.feePayerKeypair() != null;
        Signer feePayer = separate ? Ed25519Keypair.load(config.feePayerKeypair()) : issuer;
        return new SolanaChainClient(
                config, feePayer, separate, breakerFailureRatePercent, breakerOpen, clock, registry);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The cluster's genesis hash from the first endpoint that answers (asked once, at start). */
    @Override
    public java.util.Optional<String> chainId() {
        try {
            return java.util.Optional.of(endpoints.read(
                    "getGenesisHash", rpc -> rpc.call("getGenesisHash").asText()));
        } catch (ChainException e) {
            log.debug("getGenesisHash failed: {}", e.getMessage());
            return java.util.Optional.empty();
        }
    }

    // ---------------------------------------------------------------- heights and endpoint choice

    /**
     * The lowest block height among the endpoints read from, so "the blockhash expired and the
     * signature is unknown" is never concluded from a node ahead of the one asked about the signature.
     */
    @Override
    public long blockHeight() {
        return endpoints.agreedHeight(
                "getBlockHeight", rpc -> rpc.call("getBlockHeight", CONFIRMED).asLong());
    }

    private <T> T read(String what, Function<SolanaRpc, T> call) {
        return endpoints.read(what, call);
    }

    private long bestHeight() {
        return endpoints.bestHeight();
    }

    // ---------------------------------------------------------------- building and sending

    @Override
    public Duration expectedTimeTo(Commitment commitment) {
        return switch (commitment) {
            case PROCESSED -> SLOT_TIME;
            case CONFIRMED -> SLOT_TIME.multipliedBy(2);
            case FINALIZED -> SLOT_TIME.multipliedBy(32);
        };
    }

    @Override
    public RecentBlockhash latestBlockhash() {
        return read("getLatestBlockhash", rpc -> {
            JsonNode value = rpc.call("getLatestBlockhash", CONFIRMED).path("value");
            return new RecentBlockhash(
                    value.path("blockhash").asText(),
                    value.path("lastValidBlockHeight").asLong());
        });
    }

    @Override
    public int memoTransactionBytes(List<String> memos) {
        return SolanaWire.size(memos, separateFeePayer, budget);
    }

    @Override
    public SignedTransaction buildMemoTransaction(Signer signer, List<String> memos, RecentBlockhash blockhash) {
        SolanaWire.Built built = SolanaWire.build(feePayer, signer, memos, blockhash.blockhash(), budget);
        return new SignedTransaction(built.signature(), built.wire(), signer.address(), memos, blockhash);
    }

    @Override
    public String submit(SignedTransaction transaction) {
        String wire = Base64.getEncoder().encodeToString(transaction.wire());
        Map<String, Object> options = Map.of(
                "encoding", "base64", "skipPreflight", false, "preflightCommitment", "confirmed", "maxRetries", 0);
        return read("sendTransaction", rpc -> {
            try {
                return rpc.call("sendTransaction", wire, options).asText();
            } catch (SolanaRpc.RpcError e) {
                return answered(transaction, e);
            }
        });
    }

    /** What a refused send means: already there (fine), a node behind (try another), or the chain's verdict. */
    private String answered(SignedTransaction transaction, SolanaRpc.RpcError e) {
        String name = e.errorName();
        if ("AlreadyProcessed".equals(name)) {
            return transaction.signature();
        }
        if (e.kind() == Kind.BLOCKHASH_EXPIRED && transaction.blockhash().lastValidBlockHeight() > bestHeight()) {
            // The blockhash cannot have expired yet: this node has not seen it. Another may have.
            throw new ChainException(Kind.UNAVAILABLE, e.getMessage() + " (node behind the blockhash)");
        }
        if ("AccountNotFound".equals(name) || "InsufficientFundsForFee".equals(name)) {
            throw new ChainException(
                    Kind.INVALID_TRANSACTION,
                    "fee payer " + feePayer.address() + " cannot pay the fee (" + name + "): fund it with SOL; "
                            + e.getMessage());
        }
        throw e;
    }

    // ---------------------------------------------------------------- reading the chain

    @Override
    public Map<String, SignatureStatus> signatureStatuses(Collection<String> signatures) {
        List<String> all = List.copyOf(signatures);
        Map<String, SignatureStatus> out = new HashMap<>();
        for (int from = 0; from < all.size(); from += MAX_STATUSES_PER_CALL) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + MAX_STATUSES_PER_CALL));
            JsonNode value = read(
                    "getSignatureStatuses",
                    rpc -> rpc.call("getSignatureStatuses", chunk, Map.of("searchTransactionHistory", true))
                            .path("value"));
            for (int i = 0; i < chunk.size(); i++) {
                JsonNode s = value.path(i);
                if (s.isObject() && s.hasNonNull("confirmationStatus")) {
                    out.put(
                            chunk.get(i),
                            new SignatureStatus(
                                    chunk.get(i),
                                    s.path("slot").asLong(),
                                    Commitment.parse(
                                            s.path("confirmationStatus").asText()),
                                    errorText(s.get("err"))));
                }
            }
        }
        return out;
    }

    @Override
    public List<ChainRecord> recordsByAddress(String address, String beforeSignature, int limit) {
        Map<String, Object> options = new LinkedHashMap<>(CONFIRMED);
        options.put("limit", Math.max(1, Math.min(limit, MAX_SIGNATURES_PER_PAGE)));
        if (beforeSignature != null) {
            options.put("before", beforeSignature);
        }
        JsonNode page = read("getSignaturesForAddress", rpc -> rpc.call("getSignaturesForAddress", address, options));
        List<String> signatures = new ArrayList<>();
        page.forEach(entry -> signatures.add(entry.path("signature").asText()));
        // getSignaturesForAddress lists every transaction that mentions the address, signed by it or
        // not: the signer comes from the transaction itself, fetched once per signature and cached.
        Map<String, ChainRecord> full = transactions(signatures);
        List<ChainRecord> out = new ArrayList<>(signatures.size());
        for (JsonNode entry : page) {
            String signature = entry.path("signature").asText();
            ChainRecord tx = full.get(signature);
            out.add(new ChainRecord(
                    signature,
                    tx == null ? "" : tx.signer(),
                    entry.path("slot").asLong(),
                    entry.hasNonNull("blockTime")
                            ? Instant.ofEpochSecond(entry.path("blockTime").asLong())
                            : null,
                    entry.hasNonNull("memo")
                            ? SolanaMemos.parseField(entry.path("memo").asText())
                            : List.of(),
                    errorText(entry.get("err"))));
        }
        return out;
    }

    @Override
    public Optional<ChainRecord> transaction(String signature) {
        return Optional.ofNullable(transactions(List.of(signature)).get(signature));
    }

    /** The transactions among {@code signatures} the chain has at {@code confirmed}, from the cache or one batch. */
    private Map<String, ChainRecord> transactions(List<String> signatures) {
        Map<String, ChainRecord> found = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String s : signatures) {
            ChainRecord cached = transactions.get(s);
            if (cached != null) {
                found.put(s, cached);
            } else {
                missing.add(s);
            }
        }
        if (missing.isEmpty()) {
            return found;
        }
        Map<String, Object> options =
                Map.of("commitment", "confirmed", "encoding", "json", "maxSupportedTransactionVersion", 0);
        List<Object[]> params =
                missing.stream().map(s -> new Object[] {s, options}).toList();
        List<JsonNode> results = read(
                "getTransaction",
                rpc -> params.size() == 1
                        ? List.of(rpc.call("getTransaction", params.getFirst()))
                        : rpc.batch("getTransaction", params));
        for (int i = 0; i < missing.size(); i++) {
            JsonNode tx = results.get(i);
            if (tx != null && tx.isObject()) {
                ChainRecord r = SolanaMemos.record(missing.get(i), tx);
                transactions.put(r.signature(), r);
                found.put(r.signature(), r);
            }
        }
        return found;
    }

    static String errorText(JsonNode err) {
        return err == null || err.isNull() ? null : err.isTextual() ? err.asText() : err.toString();
    }

    // ---------------------------------------------------------------- health

    @Override
    public ChainHealth health() {
        try {
            long height = blockHeight();
            List<ChainHealth.Endpoint> entries = endpoints.health();
            long lamports = balance(feePayer.address());
            long fee = LAMPORTS_PER_SIGNATURE * (separateFeePayer ? 2 : 1);
            if (lamports < fee) {
                return new ChainHealth(
                        false,
                        height,
                        "fee payer " + feePayer.address() + " has " + lamports
                                + " lamports; a transaction costs at least " + fee + ": fund it",
                        entries);
            }
            return new ChainHealth(true, height, endpoints.upSummary(entries), entries);
        } catch (RuntimeException e) {
            return new ChainHealth(false, Math.max(0, bestHeight()), e.getMessage(), endpoints.health());
        }
    }

    /** The lamports held by {@code address} at {@code confirmed}. */
    public long balance(String address) {
        return read(
                "getBalance",
                rpc -> rpc.call("getBalance", address, CONFIRMED).path("value").asLong());
    }

    @Override
    public void close() {
        endpoints.close();
    }
}
