package dev.chainsync.chain;

import dev.chainsync.chain.ChainException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * An in-process simulated Solana-like chain with injectable faults, for development, tests and
 * benchmarks.
 *
 * <p>Time: block height {@code H = floor((clock.now - genesis) / slotTime)}. The blockhash of
 * height {@code h} is {@code base58(SHA-256(seed || h as 8 bytes big-endian))}, where the 32-byte
 * seed is drawn at genesis; a blockhash issued at {@code h} is valid while {@code H <= h + 150}.
 * An accepted transaction lands at slot {@code L = H + 1}; it is {@code processed} at {@code H == L},
 * {@code confirmed} from {@code L + 1} and {@code finalized} from {@code L + 31}.
 *
 * <p>Wire format of a memo transaction ({@link #buildMemoTransaction}), integers big-endian:
 * <pre>
 *   wire    = signature[64] || message            (at most 1232 bytes in all, Solana's limit)
 *   message = version[1] = 0x02
 *          || signer public key[32]
 *          || blockhash[32]              (the base58 blockhash, decoded)
 *          || lastValidBlockHeight[8]    (signed 64-bit)
 *          || memo program id[32]        (MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr, decoded)
 *          || memo count[1]              (1 to 255)
 *          || count * (memo length[2]    (unsigned 16-bit, at most 566)
 *                      || memo[length])  (UTF-8)
 * </pre>
 * Several memos under one signature mirror a Solana transaction with several Memo-program
 * instructions; the fixed part is sized like Solana's so that as many 88-byte credential memos fit
 * (11). Larger transactions are refused with {@code INVALID_TRANSACTION}.
 * The signature is Ed25519 over {@code message} by the signer's key; its base58 form is the
 * transaction's id. Ed25519 being deterministic, the same inputs give the same bytes and id.
 *
 * <p>A transaction carrying ticket instructions ({@link #buildTransaction}) uses version 3:
 * <pre>
 *   wire    = signature[64] || message || co-signatures[64 each]
 *   message = version[1] = 0x03 || signer public key[32] || blockhash[32] || lastValidBlockHeight[8]
 *          || co-signer count[1] || co-signer public keys[32 each]   (new mints, in instruction order)
 *          || instruction count[1] (1 to 255) || instructions
 *   memo     = 0x01 || length[2] || UTF-8
 *   mint     = 0x02 || mint[32] || owner[32] || ticket id length[1] || UTF-8 || metadata length[2] || UTF-8
 *   transfer = 0x03 || mint[32] || from[32] || to[32]
 *   burn     = 0x04 || mint[32] || owner[32]
 * </pre>
 * Ticket tokens: a mint is created by its signer (its authority and permanent delegate) and
 * co-signed by the mint's key; a transfer or burn succeeds when {@code from}/{@code owner} holds
 * the token at execution and the signer is the authority or that holder (a direct transfer by the
 * owner's wallet, {@link #transferAsOwner}). Otherwise the transaction lands failed, changing
 * nothing. Token transactions execute in arrival order.
 *
 * <p>Persistence: with a ledger file, genesis, seed and every landed transaction are appended as
 * JSON lines and written before {@link #submit} returns, and replayed by the next instance on the
 * same file. Dropped transactions are not recorded, exactly as a real node forgets them.
 */
public final class Devnet implements ChainClient {
    public static final String NAME = "devnet";
    public static final Duration DEFAULT_SLOT_TIME = Duration.ofMillis(400);
    /** Blocks after its issuing height during which a blockhash is accepted (Solana: 150). */
    public static final long BLOCKHASH_VALIDITY_BLOCKS = 150;
    /** Blocks on top of a landed transaction's slot until it counts as finalized (Solana: 31). */
    public static final long FINALIZATION_DEPTH = 31;
    /** Largest memo in UTF-8 bytes (Solana's memo program limit). */
    public static final int MAX_MEMO_BYTES = DevnetWire.MAX_MEMO_BYTES;
    /** Largest transaction in wire bytes (Solana's limit). */
    public static final int MAX_TRANSACTION_BYTES = DevnetWire.MAX_TRANSACTION_BYTES;
    /** Most records one {@link #recordsByAddress} call returns; larger limits are capped (Solana: 1000). */
    public static final int MAX_RECORDS_LIMIT = 1000;
    /** The error of a transaction that landed but failed (failRate). */
    public static final String FAILED_TX_ERROR = "InstructionError: custom program error";

    public static final boolean DEFAULT_SYNC_LEDGER = false;

    private static final Clock DEFAULT_CLOCK = Clock.systemUTC();
    private static final int SEED_BYTES = 32;
    // Bounds memory when callers build transactions they never submit; overflowing only costs speed.
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final Comparator<DevnetLedger.Entry> CHAIN_ORDER =
            Comparator.comparingLong(DevnetLedger.Entry::slot).thenComparingLong(DevnetLedger.Entry::seq);

    private final Clock clock;
    private final Duration slotTime;
    private final long slotNanos;
    private final RandomGenerator random;
    private final Object randomLock = new Object();
    private final DevnetFaults faults;
    private final DevnetLedger ledger;
    private final Instant genesis;
    private final byte[] seed;

    private final ConcurrentHashMap<String, DevnetLedger.Entry> bySignature = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AddressLog> byAddress = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> successfulMemos = new ConcurrentHashMap<>();
    private final AtomicLong arrivals = new AtomicLong();
    private final DevnetTokens tokens = new DevnetTokens();
    private volatile boolean closed;

    private Devnet(Builder builder) {
        this.clock = builder.clock;
        this.slotTime = builder.slotTime;
        this.slotNanos = builder.slotTime.toNanos();
        this.random = builder.random;
        this.faults = builder.faults != null ? builder.faults : new DevnetFaults();
        byte[] freshSeed = new byte[SEED_BYTES];
        new SecureRandom().nextBytes(freshSeed);
        Instant now = clock.instant();
        if (builder.ledgerFile == null) {
            this.ledger = null;
            this.genesis = now;
            this.seed = freshSeed;
        } else {
            var fresh = new DevnetLedger.Header(
                    DevnetLedger.FORMAT_VERSION, now.toString(), Base58.encode(freshSeed), slotNanos);
            this.ledger = DevnetLedger.open(builder.ledgerFile, fresh, builder.syncLedger);
            try {
                var header = ledger.header();
                if (header.slotTimeNanos() != slotNanos) {
                    throw new DevnetLedgerException(
                            "devnet ledger " + builder.ledgerFile + " was created with slot time "
                                    + Duration.ofNanos(header.slotTimeNanos()) + ", configured " + slotTime
                                    + "; set CHAINSYNC_DEVNET_SLOT_MS to match, or use another CHAINSYNC_DATA_DIR");
                }
                this.genesis = Instant.parse(header.genesis());
                this.seed = Base58.decode(header.seed());
                long maxSeq = -1;
                for (var entry : ledger.entries()) {
                    if (bySignature.putIfAbsent(entry.signature(), entry) == null) {
                        index(entry);
                        maxSeq = Math.max(maxSeq, entry.seq());
                        if (entry.error() == null) {
                            tokens.apply(entry);
                        }
                    }
                }
                arrivals.set(maxSeq + 1);
            } catch (RuntimeException e) {
                ledger.close();
                throw e;
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configuration of a {@link Devnet}; every setting has a default. */
    public static final class Builder {
        private Clock clock = DEFAULT_CLOCK;
        private Duration slotTime = DEFAULT_SLOT_TIME;
        private RandomGenerator random;
        private Path ledgerFile;
        private DevnetFaults faults;
        private boolean syncLedger = DEFAULT_SYNC_LEDGER;

        private Builder() {}

        /** The chain's time source; tests inject a ManualClock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder slotTime(Duration slotTime) {
            Objects.requireNonNull(slotTime, "slotTime");
            if (slotTime.isNegative() || slotTime.isZero()) {
                throw new IllegalArgumentException("slotTime must be positive: " + slotTime);
            }
            this.slotTime = slotTime;
            return this;
        }

        /**
         * Source of fault draws; a seeded generator makes them reproducible. It is used under a
         * lock, so it need not be thread-safe. Default: {@link ThreadLocalRandom}.
         */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Persist the chain to this file and replay it on start; null (default) keeps it in memory. */
        public Builder ledgerFile(Path ledgerFile) {
            this.ledgerFile = ledgerFile;
            return this;
        }

        /** Fault settings, shared so they can be changed while the devnet runs. Default: none. */
        public Builder faults(DevnetFaults faults) {
            this.faults = Objects.requireNonNull(faults, "faults");
            return this;
        }

        /** Fsync the ledger after every transaction (survives power loss, costs a disk flush each). */
        public Builder syncLedger(boolean syncLedger) {
            this.syncLedger = syncLedger;
            return this;
        }

        /**
         * @throws IllegalStateException if the ledger file is in use or was created with another slot time
         * @throws java.io.UncheckedIOException if the ledger file cannot be read or created
         */
        public Devnet build() {
            return new Devnet(this);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    public DevnetFaults faults() {
        return faults;
    }

    /**
     * The id of this devnet: a digest of its genesis and seed, so a devnet replayed from its ledger
     * keeps it and a fresh one gets another.
     */
    @Override
    public Optional<String> chainId() {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update(genesis.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update(seed);
            return Optional.of(Base58.encode(java.util.Arrays.copyOf(digest.digest(), 16)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Instant genesis() {
        return genesis;
    }

    public Duration slotTime() {
        return slotTime;
    }

    @Override
    public long blockHeight() {
        beforeCall();
        return height(clock.instant());
    }

    @Override
    public long blockhashValidityBlocks() {
        return BLOCKHASH_VALIDITY_BLOCKS;
    }

    @Override
    public RecentBlockhash latestBlockhash() {
        beforeCall();
        long height = height(clock.instant());
        return new RecentBlockhash(Base58.encode(blockhash(height)), height + BLOCKHASH_VALIDITY_BLOCKS);
    }

    /** A transaction lands at the next slot and is confirmed one slot later, finalized 31 slots after landing. */
    @Override
    public Duration expectedTimeTo(Commitment commitment) {
        return switch (commitment) {
            case PROCESSED -> slotTime;
            case CONFIRMED -> slotTime.multipliedBy(2);
            case FINALIZED -> slotTime.multipliedBy(1 + FINALIZATION_DEPTH);
        };
    }

    @Override
    public int maxMemosPerTransaction() {
        return DevnetWire.MAX_MEMOS;
    }

    @Override
    public int maxTransactionBytes() {
        return MAX_TRANSACTION_BYTES;
    }

    /** @throws IllegalArgumentException if a memo exceeds {@link #MAX_MEMO_BYTES} or is not valid Unicode */
    @Override
    public int memoTransactionBytes(List<String> memos) {
        return DevnetWire.size(memos);
    }

    /**
     * Builds and signs a memo transaction in the wire format described on {@link Devnet}.
     *
     * @throws IllegalArgumentException if there are no memos, a memo exceeds {@link #MAX_MEMO_BYTES}
     *     UTF-8 bytes or is not valid Unicode, the transaction would exceed {@link #MAX_TRANSACTION_BYTES},
     *     the blockhash is not a base58 32-byte hash, or the signer's address is not a base58 32-byte key
     */
    @Override
    public SignedTransaction buildMemoTransaction(Signer signer, List<String> memos, RecentBlockhash blockhash) {
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(memos, "memos");
        Objects.requireNonNull(blockhash, "blockhash");
        byte[] wire = DevnetWire.build(signer, memos, blockhash);
        String signature = Base58.encode(signatureOf(wire));
        return new SignedTransaction(signature, wire, signer.address(), memos, blockhash);
    }

    /** The size of a transaction carrying {@code instructions}: memo-only lists as before, others in version 3. */
    @Override
    public int transactionBytes(List<ChainInstruction> instructions) {
        return ChainInstruction.memoOnly(instructions)
                ? DevnetWire.size(ChainInstruction.memos(instructions))
                : DevnetInstructionWire.size(instructions);
    }

    /**
     * Builds and signs a transaction: a memo-only list exactly as {@link #buildMemoTransaction}, any
     * other in version 3, co-signed by each new mint's derived key.
     */
    @Override
    public SignedTransaction buildTransaction(
            Signer signer, List<ChainInstruction> instructions, RecentBlockhash blockhash) {
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(instructions, "instructions");
        Objects.requireNonNull(blockhash, "blockhash");
        if (ChainInstruction.memoOnly(instructions)) {
            return buildMemoTransaction(signer, ChainInstruction.memos(instructions), blockhash);
        }
        byte[] wire = DevnetInstructionWire.build(signer, instructions, blockhash);
        String signature = Base58.encode(signatureOf(wire));
        return new SignedTransaction(
                signature, wire, signer.address(), ChainInstruction.memos(instructions), blockhash);
    }

    /** The holder of {@code mint} at {@code confirmed} commitment (changes landed at least one slot ago). */
    @Override
    public Optional<TokenOwnership> tokenOwner(String mint) {
        Objects.requireNonNull(mint, "mint");
        beforeCall();
        return tokens.owner(mint, height(clock.instant()) - 1);
    }

    @Override
    public Map<String, TokenOwnership> tokenOwners(Collection<String> mints) {
        beforeCall();
        long confirmed = height(clock.instant()) - 1;
        Map<String, TokenOwnership> out = new HashMap<>();
        for (String mint : mints) {
            tokens.owner(mint, confirmed).ifPresent(o -> out.put(mint, o));
        }
        return out;
    }

    /** {@inheritDoc} A {@code beforeSignature} that is not a change of this mint gives an empty list. */
    @Override
    public List<TokenTransfer> tokenTransfers(String mint, String beforeSignature, int limit) {
        Objects.requireNonNull(mint, "mint");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        beforeCall();
        List<TokenTransfer> out = new ArrayList<>();
        for (var c : tokens.changes(
                mint, height(clock.instant()) - 1, beforeSignature, Math.min(limit, MAX_RECORDS_LIMIT))) {
            TokenTransfer.Kind kind = switch (c.op().op()) {
                case DevnetTokens.OP_MINT -> TokenTransfer.Kind.MINT;
                case DevnetTokens.OP_BURN -> TokenTransfer.Kind.BURN;
                default -> TokenTransfer.Kind.TRANSFER;
            };
            out.add(new TokenTransfer(
                    c.signature(),
                    c.slot(),
                    genesis.plus(slotTime.multipliedBy(c.slot())),
                    mint,
                    kind,
                    c.op().from(),
                    c.op().to(),
                    c.signer(),
                    c.memos()));
        }
        return out;
    }

    /**
     * Test hook: the holder's wallet moves the ticket token of {@code mint} to {@code to} itself,
     * bypassing the platform (one transfer instruction, no memo, signed by {@code owner}). Returns
     * the signature; the transaction may land failed like any other.
     */
    public String transferAsOwner(Signer owner, String mint, String to) {
        SignedTransaction tx = buildTransaction(
                owner, List.of(new ChainInstruction.TransferTicket(mint, owner.address(), to)), latestBlockhash());
        return submit(tx);
    }

    @Override
    public String submit(SignedTransaction transaction) {
        beforeCall();
        byte[] wire = transaction.wire();
        DevnetWire.Parsed tx = DevnetWire.parse(wire);
        String signature = Base58.encode(tx.signature());
        if (!Ed25519Keypair.verify(tx.publicKey(), tx.message(), tx.signature())) {
            throw new ChainException(Kind.INVALID_TRANSACTION, "signature verification failed for " + signature);
        }
        for (int i = 0; i < tx.cosigners().size(); i++) {
            if (!Ed25519Keypair.verify(
                    tx.cosigners().get(i), tx.message(), tx.cosignatures().get(i))) {
                throw new ChainException(
                        Kind.INVALID_TRANSACTION, "co-signature " + i + " verification failed for " + signature);
            }
        }
        // Before the blockhash check: re-sending a landed transaction must stay harmless even once
        // its blockhash has expired.
        if (bySignature.containsKey(signature)) {
            return signature;
        }
        long height = height(clock.instant());
        checkBlockhash(tx, height);
        if (draw(faults.dropRate())) {
            return signature;
        }
        String signer = Base58.encode(tx.publicKey());
        List<DevnetLedger.TokenOp> ops = DevnetTokens.ops(tx.instructions());
        if (ops.isEmpty()) {
            String error = draw(faults.failRate()) ? FAILED_TX_ERROR : null;
            land(new DevnetLedger.Entry(
                    signature, signer, height + 1, arrivals.getAndIncrement(), tx.memos(), error, List.of()));
            return signature;
        }
        List<String> cosigners = tx.cosigners().stream().map(Base58::encode).toList();
        // Token transactions execute one at a time in arrival order, which is also their ledger order.
        synchronized (tokens) {
            if (bySignature.containsKey(signature)) {
                return signature;
            }
            String error = draw(faults.failRate()) ? FAILED_TX_ERROR : tokens.check(signer, cosigners, ops);
            var entry = new DevnetLedger.Entry(
                    signature, signer, height + 1, arrivals.getAndIncrement(), tx.memos(), error, ops);
            if (land(entry) && error == null) {
                tokens.apply(entry);
            }
        }
        return signature;
    }

    /** Records a landed transaction (ledger first); false when its signature landed already. */
    private boolean land(DevnetLedger.Entry entry) {
        if (bySignature.putIfAbsent(entry.signature(), entry) != null) {
            return false;
        }
        if (ledger != null) {
            try {
                ledger.append(entry);
            } catch (IOException e) {
                bySignature.remove(entry.signature(), entry);
                throw new ChainException(Kind.UNAVAILABLE, "devnet ledger write failed", e);
            }
        }
        index(entry);
        return true;
    }

    @Override
    public Map<String, SignatureStatus> signatureStatuses(Collection<String> signatures) {
        beforeCall();
        long height = height(clock.instant());
        Map<String, SignatureStatus> statuses = new HashMap<>();
        for (String signature : signatures) {
            var entry = signature == null ? null : bySignature.get(signature);
            if (entry != null && entry.slot() <= height) {
                statuses.put(
                        signature,
                        new SignatureStatus(signature, entry.slot(), commitment(entry.slot(), height), entry.error()));
            }
        }
        return statuses;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A {@code beforeSignature} that is unknown, not this address's or not yet landed gives an empty
     * list, as Solana does. {@code limit} must be positive and is capped at {@link #MAX_RECORDS_LIMIT}.
     */
    @Override
    public List<ChainRecord> recordsByAddress(String address, String beforeSignature, int limit) {
        Objects.requireNonNull(address, "address");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        beforeCall();
        long height = height(clock.instant());
        AddressLog log = byAddress.get(address);
        if (log == null) {
            return List.of();
        }
        DevnetLedger.Entry before = null;
        if (beforeSignature != null) {
            before = bySignature.get(beforeSignature);
            if (before == null || !before.signer().equals(address) || before.slot() > height) {
                return List.of();
            }
        }
        List<ChainRecord> records = new ArrayList<>(Math.min(limit, MAX_RECORDS_LIMIT));
        for (var entry : log.newestFirst(height, before, Math.min(limit, MAX_RECORDS_LIMIT))) {
            records.add(toRecord(entry));
        }
        return records;
    }

    /** The landed transaction with this signature; empty when unknown, dropped or not landed yet. */
    @Override
    public Optional<ChainRecord> transaction(String signature) {
        Objects.requireNonNull(signature, "signature");
        beforeCall();
        var entry = bySignature.get(signature);
        if (entry == null || entry.slot() > height(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(toRecord(entry));
    }

    /** Never throws; down during an outage window (with height -1, as a real probe could not know it). */
    @Override
    public ChainHealth health() {
        try {
            if (closed) {
                return new ChainHealth(false, -1, "devnet closed");
            }
            Instant now = clock.instant();
            DevnetFaults.Outage outage = faults.outageAt(now);
            if (outage != null) {
                return new ChainHealth(false, -1, "devnet outage until " + outage.to());
            }
            return new ChainHealth(true, height(now), "devnet ok");
        } catch (RuntimeException e) {
            return new ChainHealth(false, -1, "devnet health failed: " + e);
        }
    }

    /**
     * Transactions (not memos) that landed or land at the next slot, failed ones included. Counted from the
     * ledger, so it ignores faults and includes what the RPC does not show yet.
     */
    public long landedCount() {
        return bySignature.size();
    }

    /** Every landed (or next-slot) transaction, failed ones included, oldest first. Not for hot paths. */
    public List<ChainRecord> allRecords() {
        List<DevnetLedger.Entry> entries = new ArrayList<>(bySignature.values());
        entries.sort(CHAIN_ORDER);
        List<ChainRecord> records = new ArrayList<>(entries.size());
        for (var entry : entries) {
            records.add(toRecord(entry));
        }
        return records;
    }

    /** How many times {@code memo} was written by successful landed (or next-slot) transactions. */
    public int countMemo(String memo) {
        AtomicInteger count = successfulMemos.get(memo);
        return count == null ? 0 : count.get();
    }

    /** Releases the ledger file; afterwards every call fails with UNAVAILABLE and health is down. */
    @Override
    public void close() {
        closed = true;
        if (ledger != null) {
            ledger.close();
        }
    }

    private void beforeCall() {
        Duration latency = faults.latency();
        if (latency.isPositive()) {
            try {
                Thread.sleep(latency);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChainException(Kind.UNAVAILABLE, "interrupted while waiting for the devnet");
            }
        }
        if (closed) {
            throw new ChainException(Kind.UNAVAILABLE, "devnet closed");
        }
        DevnetFaults.Outage outage = faults.outageAt(clock.instant());
        if (outage != null) {
            throw new ChainException(Kind.UNAVAILABLE, "devnet outage until " + outage.to());
        }
        if (draw(faults.rpcErrorRate())) {
            throw new ChainException(Kind.UNAVAILABLE, "devnet RPC error (injected)");
        }
    }

    private boolean draw(double rate) {
        // No draw at rate 0 keeps the fault-free path lock-free even with a seeded generator.
        if (rate <= 0.0) {
            return false;
        }
        double value;
        if (random == null) {
            value = ThreadLocalRandom.current().nextDouble();
        } else {
            synchronized (randomLock) {
                value = random.nextDouble();
            }
        }
        return value < rate;
    }

    private void checkBlockhash(DevnetWire.Parsed tx, long height) {
        long lastValid = tx.lastValidBlockHeight();
        long issuedAt = lastValid - BLOCKHASH_VALIDITY_BLOCKS;
        // Recomputing the hash from the claimed height proves the devnet issued it without storing every
        // blockhash; a forged lastValidBlockHeight changes issuedAt and so the expected hash.
        if (lastValid < BLOCKHASH_VALIDITY_BLOCKS
                || issuedAt > height
                || !MessageDigest.isEqual(blockhash(issuedAt), tx.blockhash())) {
            throw new ChainException(Kind.BLOCKHASH_EXPIRED, "blockhash not found");
        }
        if (height > lastValid) {
            throw new ChainException(
                    Kind.BLOCKHASH_EXPIRED, "blockhash expired: block height " + height + " > last valid " + lastValid);
        }
    }

    private static Commitment commitment(long slot, long height) {
        if (height >= slot + FINALIZATION_DEPTH) {
            return Commitment.FINALIZED;
        }
        return height > slot ? Commitment.CONFIRMED : Commitment.PROCESSED;
    }

    long height(Instant now) {
        Duration elapsed = Duration.between(genesis, now);
        if (elapsed.isNegative()) {
            return 0;
        }
        long seconds = elapsed.getSeconds();
        if (seconds < Long.MAX_VALUE / NANOS_PER_SECOND) {
            return (seconds * NANOS_PER_SECOND + elapsed.getNano()) / slotNanos;
        }
        return elapsed.dividedBy(slotTime);
    }

    byte[] blockhash(long height) {
        MessageDigest sha = sha256();
        sha.update(seed);
        sha.update(ByteBuffer.allocate(Long.BYTES).putLong(height).array());
        return sha.digest();
    }

    private void index(DevnetLedger.Entry entry) {
        byAddress.computeIfAbsent(entry.signer(), k -> new AddressLog()).add(entry);
        if (entry.error() == null) {
            for (String memo : entry.memos()) {
                successfulMemos.computeIfAbsent(memo, k -> new AtomicInteger()).incrementAndGet();
            }
        }
    }

    private ChainRecord toRecord(DevnetLedger.Entry entry) {
        return new ChainRecord(
                entry.signature(),
                entry.signer(),
                entry.slot(),
                genesis.plus(slotTime.multipliedBy(entry.slot())),
                entry.memos(),
                entry.error());
    }

    private static byte[] signatureOf(byte[] wire) {
        byte[] signature = new byte[Ed25519Keypair.SIGNATURE_LENGTH];
        System.arraycopy(wire, 0, signature, 0, signature.length);
        return signature;
    }

    private static byte[] sha256(byte[] data) {
        return sha256().digest(data);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "Devnet[genesis=" + genesis + ", slotTime=" + slotTime + ", ledger=" + (ledger != null) + "]";
    }

    /** One address's transactions in chain order; its own lock keeps writers to other addresses apart. */
    private static final class AddressLog {
        private final List<DevnetLedger.Entry> entries = new ArrayList<>();

        synchronized void add(DevnetLedger.Entry entry) {
            int size = entries.size();
            // Arrivals are nearly in order, so appending is the common case.
            if (size == 0 || CHAIN_ORDER.compare(entries.get(size - 1), entry) < 0) {
                entries.add(entry);
                return;
            }
            int at = Collections.binarySearch(entries, entry, CHAIN_ORDER);
            entries.add(at < 0 ? -at - 1 : at, entry);
        }

        /** Up to {@code limit} entries with slot <= height, strictly older than {@code before}, newest first. */
        synchronized List<DevnetLedger.Entry> newestFirst(long height, DevnetLedger.Entry before, int limit) {
            int from = entries.size() - 1;
            while (from >= 0 && entries.get(from).slot() > height) {
                from--;
            }
            if (before != null) {
                int at = Collections.binarySearch(entries, before, CHAIN_ORDER);
                if (at < 0) {
                    return List.of();
                }
                from = Math.min(from, at - 1);
            }
            List<DevnetLedger.Entry> page = new ArrayList<>(Math.min(limit, Math.max(from + 1, 0)));
            for (int i = from; i >= 0 && page.size() < limit; i--) {
                page.add(entries.get(i));
            }
            return page;
        }
    }
}
