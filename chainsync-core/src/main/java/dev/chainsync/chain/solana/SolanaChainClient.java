package dev.chainsync.chain.solana;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.ChainException;
import dev.chainsync.chain.ChainException.Kind;
import dev.chainsync.chain.ChainHealth;
import dev.chainsync.chain.ChainInstruction;
import dev.chainsync.chain.ChainRecord;
import dev.chainsync.chain.Commitment;
import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.chain.RecentBlockhash;
import dev.chainsync.chain.RpcEndpoints;
import dev.chainsync.chain.SignatureStatus;
import dev.chainsync.chain.SignedTransaction;
import dev.chainsync.chain.Signer;
import dev.chainsync.chain.TicketMints;
import dev.chainsync.chain.TokenOwnership;
import dev.chainsync.chain.TokenTransfer;
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
    private static final int MAX_ACCOUNTS_PER_CALL = 100;
    private static final int MAX_HOLDING_READS = 3;
    /** Signatures read to find a mint's latest change (failed transactions naming the mint are skipped). */
    private static final int LATEST_CHANGE_PAGE = 10;
    /** A stand-in platform address for sizing when the fee payer is another key (only the count of keys matters). */
    private static final String SIZING_PLATFORM = "SysvarC1ock11111111111111111111111111111111";
    /** Compute units each instruction needs at most (measured on the runtime, with headroom). */
    private static final int MEMO_COMPUTE_UNITS = 5_000;

    private static final int MINT_COMPUTE_UNITS = 100_000;
    private static final int TRANSFER_COMPUTE_UNITS = 50_000;
    private static final int BURN_COMPUTE_UNITS = 10_000;
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

    // ---------------------------------------------------------------- tokens

    /**
     * Who holds a token of {@code mint} (0 decimals, supply 1: a ticket) as the chain shows it at
     * {@code confirmed}: the token account holding it, that account's owner, and the slot of the
     * read. {@code owner} and {@code tokenAccount} are null when no account holds it (burned).
     */
    record TokenHolding(String mint, String owner, String tokenAccount, long slot) {
        boolean burned() {
            return owner == null;
        }
    }

    /**
     * {@inheritDoc} Memo-only lists as {@link #memoTransactionBytes}; ticket transactions as built
     * for a platform key other than the fee payer when one is configured (the real platform key
     * can only make the transaction smaller, when it is also the ticket's owner).
     */
    @Override
    public int transactionBytes(List<ChainInstruction> instructions) {
        if (ChainInstruction.memoOnly(instructions)) {
            return memoTransactionBytes(ChainInstruction.memos(instructions));
        }
        String platform = separateFeePayer ? SIZING_PLATFORM : feePayer.address();
        return SolanaMessage.size(feePayer.address(), ticketInstructions(platform, instructions));
    }

    /**
     * {@inheritDoc} Ticket operations are Token-2022 instructions ({@link SolanaTickets}); a mint is
     * co-signed by its derived key. The compute-unit price applies to them as to memos, with a unit
     * limit of at least what the operation needs.
     */
    @Override
    public SignedTransaction buildTransaction(
            Signer signer, List<ChainInstruction> instructions, RecentBlockhash blockhash) {
        if (ChainInstruction.memoOnly(instructions)) {
            return buildMemoTransaction(signer, ChainInstruction.memos(instructions), blockhash);
        }
        List<Signer> mintKeys = new ArrayList<>();
        for (ChainInstruction i : instructions) {
            if (i instanceof ChainInstruction.MintTicket m) {
                Ed25519Keypair key = TicketMints.keypair(signer, m.ticketId());
                if (!key.address().equals(m.mint())) {
                    throw new IllegalArgumentException("mint " + m.mint() + " of ticket " + m.ticketId()
                            + " is not the address derived from the signer: " + key.address());
                }
                mintKeys.add(key);
            }
        }
        SolanaWire.Built built = SolanaMessage.build(
                feePayer,
                concat(List.of(signer), mintKeys),
                ticketInstructions(signer.address(), instructions),
                blockhash.blockhash());
        return new SignedTransaction(
                built.signature(), built.wire(), signer.address(), ChainInstruction.memos(instructions), blockhash);
    }

    /**
     * The compute budget then the Solana instructions of {@code instructions}: metadata as one
     * field per key unless that would not fit a transaction, then as one field.
     */
    private List<SolanaMessage.Instruction> ticketInstructions(String platform, List<ChainInstruction> instructions) {
        List<SolanaMessage.Instruction> all = new ArrayList<>(SolanaMessage.computeBudget(ticketBudget(instructions)));
        all.addAll(SolanaTickets.compile(feePayer.address(), platform, instructions, true));
        if (SolanaMessage.size(feePayer.address(), all) <= maxTransactionBytes()) {
            return all;
        }
        all = new ArrayList<>(SolanaMessage.computeBudget(ticketBudget(instructions)));
        all.addAll(SolanaTickets.compile(feePayer.address(), platform, instructions, false));
        return all;
    }

    /**
     * The configured budget, its unit limit raised to what the ticket instructions need (measured
     * on the runtime: a mint about 50,000 units, a transfer 25,000, a burn 3,000). Without a price
     * and a limit, none: the runtime's default allowance covers them.
     */
    private SolanaWire.ComputeBudget ticketBudget(List<ChainInstruction> instructions) {
        if (!budget.any()) {
            return budget;
        }
        int needed = 0;
        for (ChainInstruction i : instructions) {
            needed += switch (i) {
                case ChainInstruction.Memo m -> MEMO_COMPUTE_UNITS;
                case ChainInstruction.MintTicket m -> MINT_COMPUTE_UNITS;
                case ChainInstruction.TransferTicket t -> TRANSFER_COMPUTE_UNITS;
                case ChainInstruction.BurnTicket b -> BURN_COMPUTE_UNITS;
            };
        }
        int limit = budget.unitLimit() == null ? needed : Math.max(budget.unitLimit(), needed);
        return new SolanaWire.ComputeBudget(budget.unitPriceMicroLamports(), limit);
    }

    private static List<Signer> concat(List<Signer> a, List<Signer> b) {
        List<Signer> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /**
     * {@inheritDoc} Reads the token account holding the mint's token (getTokenLargestAccounts,
     * then getMultipleAccounts) and the mint's latest change (getSignaturesForAddress of the mint,
     * then getTransaction): its slot, and the last holder of a burned token. Batched per 100 mints.
     */
    @Override
    public Optional<TokenOwnership> tokenOwner(String mint) {
        return Optional.ofNullable(tokenOwners(List.of(mint)).get(mint));
    }

    @Override
    public Map<String, TokenOwnership> tokenOwners(Collection<String> mints) {
        Map<String, TokenHolding> holdings = tokenHoldings(mints);
        Map<String, TokenTransfer> latest = latestChanges(List.copyOf(holdings.keySet()));
        Map<String, TokenOwnership> out = new HashMap<>();
        holdings.forEach((mint, h) -> {
            TokenTransfer change = latest.get(mint);
            if (h.burned()) {
                out.put(
                        mint,
                        new TokenOwnership(
                                mint,
                                change == null ? null : change.from(),
                                0,
                                change == null ? h.slot() : change.slot()));
            } else {
                // The change that brought it to its holder; the read's slot if history does not show it.
                boolean explains = change != null && h.owner().equals(change.to());
                out.put(mint, new TokenOwnership(mint, h.owner(), 1, explains ? change.slot() : h.slot()));
            }
        });
        return out;
    }

    /** The newest successful change of each of {@code mints}, from one page of each mint's history. */
    private Map<String, TokenTransfer> latestChanges(List<String> mints) {
        Map<String, TokenTransfer> out = new HashMap<>();
        for (int from = 0; from < mints.size(); from += MAX_ACCOUNTS_PER_CALL) {
            List<String> chunk = mints.subList(from, Math.min(mints.size(), from + MAX_ACCOUNTS_PER_CALL));
            Map<String, Object> options = new LinkedHashMap<>(CONFIRMED);
            options.put("limit", LATEST_CHANGE_PAGE);
            List<Object[]> params =
                    chunk.stream().map(m -> new Object[] {m, options}).toList();
            List<JsonNode> pages = read("getSignaturesForAddress", rpc -> rpc.batch("getSignaturesForAddress", params));
            for (int i = 0; i < chunk.size(); i++) {
                List<String> signatures = successful(pages.get(i));
                List<TokenTransfer> changes = changes(chunk.get(i), signatures, 1);
                if (!changes.isEmpty()) {
                    out.put(chunk.get(i), changes.getFirst());
                }
            }
        }
        return out;
    }

    /**
     * {@inheritDoc} From the mint's signature history (every instruction that moves a Token-2022
     * token with a check names its mint) and each transaction's token balances.
     */
    @Override
    public List<TokenTransfer> tokenTransfers(String mint, String beforeSignature, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        List<TokenTransfer> out = new ArrayList<>();
        String before = beforeSignature;
        while (out.size() < limit) {
            Map<String, Object> options = new LinkedHashMap<>(CONFIRMED);
            int page = Math.min(MAX_SIGNATURES_PER_PAGE, Math.max(limit - out.size(), LATEST_CHANGE_PAGE));
            options.put("limit", page);
            if (before != null) {
                options.put("before", before);
            }
            JsonNode entries =
                    read("getSignaturesForAddress", rpc -> rpc.call("getSignaturesForAddress", mint, options));
            out.addAll(changes(mint, successful(entries), limit - out.size()));
            if (entries.size() < page) {
                break;
            }
            before = entries.get(entries.size() - 1).path("signature").asText();
        }
        return out;
    }

    /** The signatures of a getSignaturesForAddress page whose transactions succeeded, newest first. */
    private static List<String> successful(JsonNode page) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : page) {
            if (!e.hasNonNull("err")) {
                out.add(e.path("signature").asText());
            }
        }
        return out;
    }

    /** The changes of {@code mint} among {@code signatures} (newest first), at most {@code limit}. */
    private List<TokenTransfer> changes(String mint, List<String> signatures, int limit) {
        List<TokenTransfer> out = new ArrayList<>();
        // Usually the first transaction is a change: fetch one, then the rest in one batch if needed.
        for (List<String> part : List.of(
                signatures.subList(0, Math.min(1, signatures.size())),
                signatures.subList(Math.min(1, signatures.size()), signatures.size()))) {
            if (part.isEmpty() || out.size() >= limit) {
                continue;
            }
            Map<String, Object> options =
                    Map.of("commitment", "confirmed", "encoding", "json", "maxSupportedTransactionVersion", 0);
            List<Object[]> params =
                    part.stream().map(s -> new Object[] {s, options}).toList();
            List<JsonNode> txs = read("getTransaction", rpc -> rpc.batch("getTransaction", params));
            for (int i = 0; i < part.size() && out.size() < limit; i++) {
                JsonNode tx = txs.get(i);
                TokenTransfer change =
                        tx == null || !tx.isObject() ? null : SolanaTokenChanges.change(mint, part.get(i), tx);
                if (change != null) {
                    out.add(change);
                }
            }
        }
        return out;
    }

    /** The holding of one mint; empty when the chain does not know the mint at {@code confirmed}. */
    Optional<TokenHolding> tokenHolding(String mint) {
        return Optional.ofNullable(tokenHoldings(List.of(mint)).get(mint));
    }

    /**
     * The holdings of {@code mints}, two requests per 100 mints: getTokenLargestAccounts for each
     * (one batch), then getMultipleAccounts (jsonParsed) for the accounts holding a token. Mints
     * the chain does not know at {@code confirmed} are absent. The second read asks for a context
     * slot no older than the first's, so a failover cannot answer from an earlier state.
     */
    Map<String, TokenHolding> tokenHoldings(Collection<String> mints) {
        List<String> all = List.copyOf(mints);
        Map<String, TokenHolding> out = new HashMap<>();
        for (int from = 0; from < all.size(); from += MAX_ACCOUNTS_PER_CALL) {
            List<String> pending = all.subList(from, Math.min(all.size(), from + MAX_ACCOUNTS_PER_CALL));
            for (int round = 0; !pending.isEmpty(); round++) {
                if (round == MAX_HOLDING_READS) {
                    throw new ChainException(
                            Kind.UNAVAILABLE, "tokens kept moving while their holders were read: " + pending);
                }
                pending = readHoldings(pending, out);
            }
        }
        return out;
    }

    /** One round of {@link #tokenHoldings}: fills {@code out}, returns the mints that moved between the two reads. */
    private List<String> readHoldings(List<String> mints, Map<String, TokenHolding> out) {
        List<Object[]> params =
                mints.stream().map(m -> new Object[] {m, CONFIRMED}).toList();
        List<JsonNode> largest =
                read("getTokenLargestAccounts", rpc -> rpc.batch("getTokenLargestAccounts", params, true));
        Map<String, String> holderAccount = new LinkedHashMap<>();
        long minSlot = 0;
        for (int i = 0; i < mints.size(); i++) {
            JsonNode answer = largest.get(i);
            if (answer == null) {
                continue; // not a mint (yet) at this commitment
            }
            long slot = answer.path("context").path("slot").asLong();
            minSlot = Math.max(minSlot, slot);
            String holder = null;
            for (JsonNode a : answer.path("value")) {
                if (!"0".equals(a.path("amount").asText("0"))) {
                    holder = a.path("address").asText();
                    break;
                }
            }
            if (holder == null) {
                out.put(mints.get(i), new TokenHolding(mints.get(i), null, null, slot));
            } else {
                holderAccount.put(mints.get(i), holder);
            }
        }
        if (holderAccount.isEmpty()) {
            return List.of();
        }
        List<String> addresses = List.copyOf(holderAccount.values());
        Map<String, Object> options = new LinkedHashMap<>(CONFIRMED);
        options.put("encoding", "jsonParsed");
        options.put("minContextSlot", minSlot);
        JsonNode answer = read("getMultipleAccounts", rpc -> rpc.call("getMultipleAccounts", addresses, options));
        long slot = answer.path("context").path("slot").asLong();
        List<String> moved = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, String> e : holderAccount.entrySet()) {
            JsonNode info =
                    answer.path("value").path(i++).path("data").path("parsed").path("info");
            if (e.getKey().equals(info.path("mint").asText())
                    && !"0".equals(info.path("tokenAmount").path("amount").asText("0"))) {
                out.put(
                        e.getKey(),
                        new TokenHolding(e.getKey(), info.path("owner").asText(), e.getValue(), slot));
            } else {
                moved.add(e.getKey()); // confirmed a transfer between the two reads: read again
            }
        }
        return moved;
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
