package dev.chainsync.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.chainsync.chain.ChainException.Kind;
import dev.chainsync.time.ManualClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DevnetTest {
    static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    static final Duration SLOT = Devnet.DEFAULT_SLOT_TIME;
    static final Ed25519Keypair ISSUER = keypair(1);
    static final Ed25519Keypair OTHER = keypair(2);

    final ManualClock clock = new ManualClock(START);
    final DevnetFaults faults = new DevnetFaults();
    final List<Devnet> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(Devnet::close);
    }

    Devnet devnet() {
        return track(Devnet.builder().clock(clock).faults(faults).build());
    }

    Devnet track(Devnet devnet) {
        opened.add(devnet);
        return devnet;
    }

    void advanceBlocks(long blocks) {
        clock.advance(SLOT.multipliedBy(blocks));
    }

    static SignedTransaction memo(Devnet devnet, Signer signer, String memo) {
        return devnet.buildMemoTransaction(signer, memo, devnet.latestBlockhash());
    }

    static Ed25519Keypair keypair(int fill) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) fill);
        return Ed25519Keypair.fromSeed(seed);
    }

    static ChainException chainError(ThrowingCallable call) {
        return catchThrowableOfType(ChainException.class, call);
    }

    @Test
    void heightFollowsTheClockInWholeSlots() {
        Devnet devnet = devnet();
        assertThat(devnet.blockHeight()).isZero();
        var first = devnet.latestBlockhash();
        assertThat(first.lastValidBlockHeight()).isEqualTo(Devnet.BLOCKHASH_VALIDITY_BLOCKS);

        clock.advance(SLOT.minusMillis(1));
        assertThat(devnet.blockHeight()).isZero();
        assertThat(devnet.latestBlockhash()).isEqualTo(first);

        clock.advance(Duration.ofMillis(1));
        assertThat(devnet.blockHeight()).isEqualTo(1);
        assertThat(devnet.latestBlockhash().blockhash()).isNotEqualTo(first.blockhash());
        assertThat(Base58.decode(devnet.latestBlockhash().blockhash())).hasSize(32);

        advanceBlocks(10);
        assertThat(devnet.blockHeight()).isEqualTo(11);
        assertThat(devnet.latestBlockhash().lastValidBlockHeight()).isEqualTo(161);
        assertThat(devnet.blockhashValidityBlocks()).isEqualTo(150);
        assertThat(devnet.name()).isEqualTo("devnet");
    }

    @Test
    void commitmentProgressesAtExactlyTheDocumentedHeights() {
        Devnet devnet = devnet();
        advanceBlocks(5);
        var tx = memo(devnet, ISSUER, "hello");

        assertThat(devnet.submit(tx)).isEqualTo(tx.signature());
        long landing = 6;
        assertThat(devnet.signatureStatuses(List.of(tx.signature())))
                .as("not landed at H=5")
                .isEmpty();
        assertThat(devnet.transaction(tx.signature())).isEmpty();

        advanceBlocks(1);
        assertThat(devnet.signatureStatuses(List.of(tx.signature())))
                .containsExactly(java.util.Map.entry(
                        tx.signature(), new SignatureStatus(tx.signature(), landing, Commitment.PROCESSED, null)));
        advanceBlocks(1);
        assertThat(status(devnet, tx).commitment()).isEqualTo(Commitment.CONFIRMED);
        advanceBlocks(Devnet.FINALIZATION_DEPTH - 2);
        assertThat(devnet.blockHeight()).isEqualTo(landing + Devnet.FINALIZATION_DEPTH - 1);
        assertThat(status(devnet, tx).commitment()).isEqualTo(Commitment.CONFIRMED);
        advanceBlocks(1);
        assertThat(status(devnet, tx).commitment()).isEqualTo(Commitment.FINALIZED);
        assertThat(status(devnet, tx).slot()).isEqualTo(landing);
        assertThat(devnet.transaction(tx.signature()))
                .contains(new ChainRecord(
                        tx.signature(),
                        ISSUER.address(),
                        landing,
                        START.plus(SLOT.multipliedBy(landing)),
                        "hello",
                        null));
    }

    static SignatureStatus status(Devnet devnet, SignedTransaction tx) {
        return devnet.signatureStatuses(List.of(tx.signature())).get(tx.signature());
    }

    @Test
    void buildIsDeterministicAndFollowsTheDocumentedWireFormat() {
        Devnet devnet = devnet();
        var blockhash = devnet.latestBlockhash();
        var a = devnet.buildMemoTransaction(ISSUER, "memo ✓", blockhash);
        var b = devnet.buildMemoTransaction(ISSUER, "memo ✓", blockhash);

        assertThat(a.signature()).isEqualTo(b.signature());
        assertThat(a.wire()).isEqualTo(b.wire());
        assertThat(a.signer()).isEqualTo(ISSUER.address());
        assertThat(a.memos()).containsExactly("memo ✓");
        assertThat(a.blockhash()).isEqualTo(blockhash);

        byte[] memo = "memo ✓".getBytes(StandardCharsets.UTF_8);
        ByteBuffer wire = ByteBuffer.wrap(a.wire());
        assertThat(a.wire()).hasSize(64 + 1 + 32 + 32 + 8 + 32 + 1 + 2 + memo.length);
        byte[] signature = Arrays.copyOfRange(a.wire(), 0, 64);
        byte[] message = Arrays.copyOfRange(a.wire(), 64, a.wire().length);
        assertThat(Base58.encode(signature)).isEqualTo(a.signature());
        assertThat(Ed25519Keypair.verify(ISSUER.publicKey(), message, signature))
                .isTrue();
        assertThat(a.wire()[64]).isEqualTo((byte) 2);
        assertThat(Arrays.copyOfRange(a.wire(), 65, 97)).isEqualTo(ISSUER.publicKey());
        assertThat(Arrays.copyOfRange(a.wire(), 97, 129)).isEqualTo(Base58.decode(blockhash.blockhash()));
        assertThat(wire.getLong(129)).isEqualTo(blockhash.lastValidBlockHeight());
        assertThat(Arrays.copyOfRange(a.wire(), 137, 169))
                .isEqualTo(Base58.decode("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr"));
        assertThat(a.wire()[169]).isEqualTo((byte) 1);
        assertThat(wire.getShort(170)).isEqualTo((short) memo.length);
        assertThat(Arrays.copyOfRange(a.wire(), 172, a.wire().length)).isEqualTo(memo);

        assertThat(devnet.buildMemoTransaction(ISSUER, "memo 2", blockhash).signature())
                .isNotEqualTo(a.signature());
        assertThat(devnet.buildMemoTransaction(OTHER, "memo ✓", blockhash).signature())
                .isNotEqualTo(a.signature());
    }

    @Test
    void oneTransactionCarriesSeveralMemosUnderOneSignature() {
        Devnet devnet = devnet();
        var blockhash = devnet.latestBlockhash();
        List<String> memos = List.of("first", "second ✓", "third");
        var tx = devnet.buildMemoTransaction(ISSUER, memos, blockhash);
        assertThat(tx.memos()).isEqualTo(memos);
        assertThat(tx.wire())
                .hasSize(devnet.memoTransactionBytes(memos))
                .hasSize(64
                        + 1
                        + 32
                        + 32
                        + 8
                        + 32
                        + 1
                        + memos.stream()
                                .mapToInt(m -> 2 + m.getBytes(StandardCharsets.UTF_8).length)
                                .sum());
        assertThat(tx.wire()[169]).isEqualTo((byte) 3);
        assertThat(devnet.buildMemoTransaction(ISSUER, memos, blockhash).signature())
                .isEqualTo(tx.signature());
        assertThat(devnet.buildMemoTransaction(ISSUER, List.of("second ✓", "first", "third"), blockhash)
                        .signature())
                .as("order is part of the transaction")
                .isNotEqualTo(tx.signature());

        devnet.submit(tx);
        advanceBlocks(1);
        ChainRecord record = devnet.transaction(tx.signature()).orElseThrow();
        assertThat(record.memos()).isEqualTo(memos);
        assertThat(record.carries("second ✓")).isTrue();
        assertThat(record.carries("fourth")).isFalse();
        assertThat(devnet.recordsByAddress(ISSUER.address(), null, 10)).containsExactly(record);
        assertThat(devnet.landedCount()).isEqualTo(1);
        memos.forEach(m -> assertThat(devnet.countMemo(m)).isEqualTo(1));
        assertThatThrownBy(() -> devnet.buildMemoTransaction(ISSUER, List.of(), blockhash))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void elevenCredentialMemosFitSolanasTransactionSizeAndTwelveDoNot() {
        Devnet devnet = devnet();
        var blockhash = devnet.latestBlockhash();
        assertThat(devnet.maxTransactionBytes()).isEqualTo(1232);
        List<String> memos = IntStream.range(0, 12)
                .mapToObj(i -> "chainsync:credential:v1:" + String.format("%064x", i))
                .toList();
        assertThat(memos.getFirst().getBytes(StandardCharsets.UTF_8)).hasSize(88);
        assertThat(devnet.memoTransactionBytes(memos.subList(0, 11))).isLessThanOrEqualTo(1232);
        assertThat(devnet.memoTransactionBytes(memos)).isGreaterThan(1232);

        var eleven = devnet.buildMemoTransaction(ISSUER, memos.subList(0, 11), blockhash);
        assertThat(eleven.wire().length).isLessThanOrEqualTo(1232);
        devnet.submit(eleven);
        assertThatThrownBy(() -> devnet.buildMemoTransaction(ISSUER, memos, blockhash))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1232");

        // Hand-built and correctly signed, yet over the limit: the devnet refuses it as Solana would.
        byte[] oversize = signedWire(ISSUER, blockhash, memos);
        assertThat(oversize.length).isGreaterThan(1232);
        var forged = new SignedTransaction(
                Base58.encode(Arrays.copyOf(oversize, 64)), oversize, ISSUER.address(), memos, blockhash);
        var error = chainError(() -> devnet.submit(forged));
        assertThat(error.kind()).isEqualTo(Kind.INVALID_TRANSACTION);
        assertThat(error).hasMessageContaining("too large");
        assertThat(devnet.countMemo(memos.get(11))).isZero();
        assertThat(devnet.landedCount()).isEqualTo(1);
        // The same encoder within the limit is accepted, so the refusal above is about size alone.
        byte[] fits = signedWire(ISSUER, blockhash, memos.subList(1, 12));
        assertThat(devnet.submit(new SignedTransaction(
                        Base58.encode(Arrays.copyOf(fits, 64)),
                        fits,
                        ISSUER.address(),
                        memos.subList(1, 12),
                        blockhash)))
                .isNotNull();
        assertThat(devnet.countMemo(memos.get(11))).isEqualTo(1);
    }

    /** Encodes the documented wire layout by hand, with no size check, and signs it. */
    static byte[] signedWire(Ed25519Keypair signer, RecentBlockhash blockhash, List<String> memos) {
        List<byte[]> encoded =
                memos.stream().map(m -> m.getBytes(StandardCharsets.UTF_8)).toList();
        int size = 64
                + 1
                + 32
                + 32
                + 8
                + 32
                + 1
                + encoded.stream().mapToInt(m -> 2 + m.length).sum();
        ByteBuffer wire = ByteBuffer.allocate(size);
        wire.position(64)
                .put((byte) 2)
                .put(signer.publicKey())
                .put(Base58.decode(blockhash.blockhash()))
                .putLong(blockhash.lastValidBlockHeight())
                .put(Base58.decode("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr"))
                .put((byte) memos.size());
        encoded.forEach(m -> wire.putShort((short) m.length).put(m));
        byte[] bytes = wire.array();
        System.arraycopy(signer.sign(Arrays.copyOfRange(bytes, 64, size)), 0, bytes, 0, 64);
        return bytes;
    }

    @Test
    void memoLimitIs566Utf8Bytes() {
        Devnet devnet = devnet();
        String max = "é".repeat(283);
        assertThat(max.getBytes(StandardCharsets.UTF_8)).hasSize(566);

        var tx = memo(devnet, ISSUER, max);
        devnet.submit(tx);
        assertThat(devnet.countMemo(max)).isEqualTo(1);

        assertThatThrownBy(() -> memo(devnet, ISSUER, max + "a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("567");
        assertThatThrownBy(() -> memo(devnet, ISSUER, "lone \uD800 surrogate"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> devnet.buildMemoTransaction(ISSUER, "x", new RecentBlockhash("not0base58", 150)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void blockhashIsAcceptedUpToItsLastValidHeightAndExpiredAfter() {
        Devnet devnet = devnet();
        var blockhash = devnet.latestBlockhash();
        assertThat(blockhash.lastValidBlockHeight()).isEqualTo(150);
        var atLimit = devnet.buildMemoTransaction(ISSUER, "at limit", blockhash);
        var pastLimit = devnet.buildMemoTransaction(ISSUER, "past limit", blockhash);

        advanceBlocks(150);
        assertThat(devnet.blockHeight()).isEqualTo(blockhash.lastValidBlockHeight());
        assertThat(devnet.submit(atLimit)).isEqualTo(atLimit.signature());

        advanceBlocks(1);
        var error = chainError(() -> devnet.submit(pastLimit));
        assertThat(error.kind()).isEqualTo(Kind.BLOCKHASH_EXPIRED);
        assertThat(error.retryable()).isFalse();
        assertThat(error).hasMessageContaining("expired");
        assertThat(devnet.countMemo("past limit")).isZero();

        // The landed one stays idempotent even though its blockhash has now expired.
        assertThat(devnet.submit(atLimit)).isEqualTo(atLimit.signature());
        assertThat(status(devnet, atLimit).slot()).isEqualTo(151);
        assertThat(devnet.landedCount()).isEqualTo(1);
    }

    @Test
    void rejectsBlockhashesThisDevnetDidNotIssue() {
        Devnet devnet = devnet();
        Devnet stranger = devnet();
        advanceBlocks(3);
        var real = devnet.latestBlockhash();

        var foreign = devnet.buildMemoTransaction(ISSUER, "m", stranger.latestBlockhash());
        var forgedHeight = devnet.buildMemoTransaction(
                ISSUER, "m", new RecentBlockhash(real.blockhash(), real.lastValidBlockHeight() + 10));
        var future = devnet.buildMemoTransaction(
                ISSUER,
                "m",
                new RecentBlockhash(Base58.encode(devnet.blockhash(5)), 5 + Devnet.BLOCKHASH_VALIDITY_BLOCKS));

        for (var tx : List.of(foreign, forgedHeight, future)) {
            var error = chainError(() -> devnet.submit(tx));
            assertThat(error.kind()).isEqualTo(Kind.BLOCKHASH_EXPIRED);
            assertThat(error).hasMessageContaining("not found");
        }
        assertThat(devnet.submit(devnet.buildMemoTransaction(ISSUER, "m", real)))
                .isNotNull();
        assertThat(devnet.landedCount()).isEqualTo(1);
    }

    @Test
    void rejectsBadSignaturesAndMalformedWire() {
        Devnet devnet = devnet();
        var tx = memo(devnet, ISSUER, "original");

        byte[] badSignature = tx.wire().clone();
        badSignature[3] ^= 1;
        byte[] badMemo = tx.wire().clone();
        badMemo[badMemo.length - 1] ^= 1;
        byte[] otherKey = tx.wire().clone();
        System.arraycopy(OTHER.publicKey(), 0, otherKey, 65, 32);

        for (byte[] wire : List.of(badSignature, badMemo, otherKey)) {
            var error = chainError(() -> devnet.submit(copy(tx, wire)));
            assertThat(error.kind()).isEqualTo(Kind.INVALID_TRANSACTION);
            assertThat(error).hasMessageContaining("signature verification failed");
        }
        for (byte[] wire : List.of(
                Arrays.copyOf(tx.wire(), 100),
                Arrays.copyOf(tx.wire(), tx.wire().length - 1),
                Arrays.copyOf(tx.wire(), tx.wire().length + 1),
                new byte[0])) {
            assertThat(chainError(() -> devnet.submit(copy(tx, wire))).kind()).isEqualTo(Kind.INVALID_TRANSACTION);
        }
        byte[] badVersion = tx.wire().clone();
        badVersion[64] = 1;
        assertThat(chainError(() -> devnet.submit(copy(tx, badVersion))).kind()).isEqualTo(Kind.INVALID_TRANSACTION);
        byte[] notMemoProgram = tx.wire().clone();
        notMemoProgram[140] ^= 1;
        assertThat(chainError(() -> devnet.submit(copy(tx, notMemoProgram)))).hasMessageContaining("memo program");
        assertThat(devnet.landedCount()).isZero();

        // A signer that does not hold the key it claims.
        Signer liar = new Signer() {
            @Override
            public String address() {
                return ISSUER.address();
            }

            @Override
            public byte[] sign(byte[] message) {
                return OTHER.sign(message);
            }
        };
        var lie = memo(devnet, liar, "lie");
        assertThat(chainError(() -> devnet.submit(lie)).kind()).isEqualTo(Kind.INVALID_TRANSACTION);

        // The untouched original (from our own keypair) and an honest external signer still land.
        assertThat(devnet.submit(tx)).isEqualTo(tx.signature());
        Signer external = new Signer() {
            @Override
            public String address() {
                return OTHER.address();
            }

            @Override
            public byte[] sign(byte[] message) {
                return OTHER.sign(message);
            }
        };
        assertThat(devnet.submit(memo(devnet, external, "external"))).isNotNull();
        assertThat(devnet.landedCount()).isEqualTo(2);
    }

    static SignedTransaction copy(SignedTransaction tx, byte[] wire) {
        return new SignedTransaction(tx.signature(), wire, tx.signer(), tx.memos(), tx.blockhash());
    }

    @Test
    void duplicateSubmitsLandOnce() throws Exception {
        Devnet devnet = devnet();
        var tx = memo(devnet, ISSUER, "once");

        assertThat(devnet.submit(tx)).isEqualTo(tx.signature());
        assertThat(devnet.submit(tx)).isEqualTo(tx.signature());
        assertThat(devnet.submit(copy(tx, tx.wire().clone()))).isEqualTo(tx.signature());
        advanceBlocks(2);
        assertThat(devnet.submit(tx)).isEqualTo(tx.signature());

        assertThat(devnet.countMemo("once")).isEqualTo(1);
        assertThat(devnet.landedCount()).isEqualTo(1);
        assertThat(devnet.recordsByAddress(ISSUER.address(), null, 10)).hasSize(1);
        assertThat(status(devnet, tx).slot()).as("slot of the first submit").isEqualTo(1);

        var racing = memo(devnet, ISSUER, "racing");
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return devnet.submit(copy(racing, racing.wire().clone()));
                }));
            }
            go.countDown();
            for (var result : results) {
                assertThat(result.get()).isEqualTo(racing.signature());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(devnet.countMemo("racing")).isEqualTo(1);
        assertThat(devnet.landedCount()).isEqualTo(2);
    }

    @Test
    void droppedTransactionsAreAcceptedButNeverLandAndCanBeResent() {
        Devnet devnet = devnet();
        var tx = memo(devnet, ISSUER, "dropped");
        faults.dropRate(1.0);

        assertThat(devnet.submit(tx)).isEqualTo(tx.signature());
        advanceBlocks(40);
        assertThat(devnet.signatureStatuses(List.of(tx.signature()))).isEmpty();
        assertThat(devnet.transaction(tx.signature())).isEmpty();
        assertThat(devnet.recordsByAddress(ISSUER.address(), null, 10)).isEmpty();
        assertThat(devnet.countMemo("dropped")).isZero();
        assertThat(devnet.landedCount()).isZero();
        assertThat(devnet.allRecords()).isEmpty();

        // A node forgets a dropped transaction, so re-sending the same bytes can still land it.
        faults.dropRate(0.0);
        assertThat(devnet.submit(tx)).isEqualTo(tx.signature());
        advanceBlocks(1);
        assertThat(status(devnet, tx).slot()).isEqualTo(41);
        assertThat(devnet.countMemo("dropped")).isEqualTo(1);
    }

    @Test
    void failRateLandsTransactionsWithAnError() {
        Devnet devnet = devnet();
        faults.failRate(1.0);
        var tx = memo(devnet, ISSUER, "fails");

        devnet.submit(tx);
        advanceBlocks(1);

        var status = status(devnet, tx);
        assertThat(status.failed()).isTrue();
        assertThat(status.error()).isEqualTo(Devnet.FAILED_TX_ERROR).contains("InstructionError");
        assertThat(status.commitment()).isEqualTo(Commitment.PROCESSED);
        assertThat(devnet.recordsByAddress(ISSUER.address(), null, 1))
                .extracting(ChainRecord::error)
                .containsExactly(Devnet.FAILED_TX_ERROR);
        assertThat(devnet.landedCount()).isEqualTo(1);
        assertThat(devnet.countMemo("fails"))
                .as("a failed memo did not take effect")
                .isZero();
        // Landed, even though failed: the same bytes do not get a second chance.
        faults.failRate(0.0);
        devnet.submit(tx);
        assertThat(devnet.countMemo("fails")).isZero();
    }

    @Test
    void outageWindowMakesEveryCallUnavailableAndHealthDownUntilItEnds() {
        Devnet devnet = devnet();
        var tx = memo(devnet, ISSUER, "during outage");
        faults.outage(START.plusSeconds(10), START.plusSeconds(20));
        assertThat(devnet.health().up()).isTrue();

        clock.set(START.plusSeconds(10));
        List<ThrowingCallable> calls = List.of(
                devnet::blockHeight,
                devnet::latestBlockhash,
                () -> devnet.submit(tx),
                () -> devnet.signatureStatuses(List.of(tx.signature())),
                () -> devnet.recordsByAddress(ISSUER.address(), null, 10),
                () -> devnet.transaction(tx.signature()));
        for (var call : calls) {
            var error = chainError(call);
            assertThat(error.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(error.retryable()).isTrue();
        }
        var health = devnet.health();
        assertThat(health.up()).isFalse();
        assertThat(health.detail()).contains("outage");

        clock.set(START.plusSeconds(20).minusNanos(1));
        assertThat(devnet.health().up()).isFalse();

        clock.set(START.plusSeconds(20));
        assertThat(devnet.health().up()).isTrue();
        assertThat(devnet.health().blockHeight()).isEqualTo(50);
        assertThat(devnet.countMemo("during outage"))
                .as("submit during the outage had no effect")
                .isZero();
        assertThat(devnet.submit(tx)).isEqualTo(tx.signature());
        assertThat(devnet.countMemo("during outage")).isEqualTo(1);

        faults.outage(START.plusSeconds(30), START.plusSeconds(40));
        clock.set(START.plusSeconds(35));
        assertThat(devnet.health().up()).isFalse();
        faults.clearOutages();
        assertThat(devnet.health().up()).isTrue();
        assertThat(devnet.blockHeight()).isEqualTo(87);
    }

    @Test
    void rpcErrorsFollowTheRateAndAreReproducibleWithASeed() {
        List<Boolean> first = rpcErrorPattern(42, 0.3);
        List<Boolean> second = rpcErrorPattern(42, 0.3);
        List<Boolean> otherSeed = rpcErrorPattern(43, 0.3);

        long errors = first.stream().filter(e -> e).count();
        assertThat(errors).isBetween(240L, 360L);
        assertThat(second).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
        assertThat(rpcErrorPattern(42, 0.0)).containsOnly(false);
        assertThat(rpcErrorPattern(42, 1.0)).containsOnly(true);
    }

    List<Boolean> rpcErrorPattern(long seed, double rate) {
        DevnetFaults ownFaults = new DevnetFaults().rpcErrorRate(rate);
        Devnet devnet = track(Devnet.builder()
                .clock(clock)
                .faults(ownFaults)
                .random(new SplittableRandom(seed))
                .build());
        List<Boolean> pattern = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            try {
                devnet.blockHeight();
                pattern.add(false);
            } catch (ChainException e) {
                assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                pattern.add(true);
            }
        }
        assertThat(devnet.health().up()).as("health ignores RPC error draws").isTrue();
        return pattern;
    }

    @Test
    void recordsByAddressPagesNewestFirst() {
        Devnet devnet = devnet();
        var m1 = submit(devnet, ISSUER, "m1");
        var m2 = submit(devnet, ISSUER, "m2");
        submit(devnet, OTHER, "other");
        advanceBlocks(2);
        var m3 = submit(devnet, ISSUER, "m3");
        advanceBlocks(1);
        var m4 = submit(devnet, ISSUER, "m4");
        var m5 = submit(devnet, ISSUER, "m5");
        advanceBlocks(1);
        var pending = submit(devnet, ISSUER, "pending");
        assertThat(devnet.blockHeight()).isEqualTo(4);

        var all = devnet.recordsByAddress(ISSUER.address(), null, 100);
        assertThat(all).flatExtracting(ChainRecord::memos).containsExactly("m5", "m4", "m3", "m2", "m1");
        assertThat(all).extracting(ChainRecord::slot).containsExactly(4L, 4L, 3L, 1L, 1L);
        assertThat(all.get(0))
                .isEqualTo(new ChainRecord(m5, ISSUER.address(), 4, START.plus(SLOT.multipliedBy(4)), "m5", null));

        var page1 = devnet.recordsByAddress(ISSUER.address(), null, 2);
        var page2 = devnet.recordsByAddress(ISSUER.address(), page1.get(1).signature(), 2);
        var page3 = devnet.recordsByAddress(ISSUER.address(), page2.get(1).signature(), 2);
        assertThat(page1).extracting(ChainRecord::signature).containsExactly(m5, m4);
        assertThat(page2).extracting(ChainRecord::signature).containsExactly(m3, m2);
        assertThat(page3).extracting(ChainRecord::signature).containsExactly(m1);
        assertThat(devnet.recordsByAddress(ISSUER.address(), m1, 2)).isEmpty();

        assertThat(devnet.recordsByAddress(OTHER.address(), null, 10))
                .flatExtracting(ChainRecord::memos)
                .containsExactly("other");
        assertThat(devnet.recordsByAddress(keypair(3).address(), null, 10)).isEmpty();
        assertThat(devnet.recordsByAddress(ISSUER.address(), "unknownSignature", 10))
                .isEmpty();
        assertThat(devnet.recordsByAddress(ISSUER.address(), pending, 10))
                .as("cursor not landed yet")
                .isEmpty();
        assertThatThrownBy(() -> devnet.recordsByAddress(ISSUER.address(), null, 0))
                .isInstanceOf(IllegalArgumentException.class);

        advanceBlocks(1);
        assertThat(devnet.recordsByAddress(ISSUER.address(), null, 1))
                .extracting(ChainRecord::signature)
                .containsExactly(pending);
        assertThat(devnet.allRecords())
                .flatExtracting(ChainRecord::memos)
                .containsExactly("m1", "m2", "other", "m3", "m4", "m5", "pending");
        assertThat(Set.of(m1, m2, m3, m4, m5, pending)).hasSize(6);
    }

    static String submit(Devnet devnet, Signer signer, String memo) {
        return devnet.submit(memo(devnet, signer, memo));
    }

    @Test
    void concurrentSubmitsFromManyThreadsAllLandInOrder() throws Exception {
        Devnet devnet = devnet();
        var blockhash = devnet.latestBlockhash();
        List<SignedTransaction> txs = IntStream.range(0, 200)
                .mapToObj(i -> devnet.buildMemoTransaction(i % 2 == 0 ? ISSUER : OTHER, "c" + i, blockhash))
                .toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < txs.size(); i++) {
                var tx = txs.get(i);
                if (i == 100) {
                    advanceBlocks(1);
                }
                futures.add(pool.submit(() -> devnet.submit(tx)));
            }
            for (var future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        advanceBlocks(3);
        assertThat(devnet.landedCount()).isEqualTo(200);
        for (var signer : List.of(ISSUER, OTHER)) {
            var records = devnet.recordsByAddress(signer.address(), null, 1000);
            assertThat(records).hasSize(100);
            assertThat(records).extracting(ChainRecord::slot).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        }
        for (int i = 0; i < 200; i++) {
            assertThat(devnet.countMemo("c" + i)).isEqualTo(1);
        }
    }

    @Test
    void latencyDelaysEveryCall() {
        Devnet devnet = devnet();
        faults.latency(Duration.ofMillis(30));
        long start = System.nanoTime();
        devnet.blockHeight();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(30));
        faults.reset();
        assertThat(faults.latency()).isZero();
    }

    @Test
    void closedDevnetIsUnavailable() {
        Devnet devnet = devnet();
        devnet.close();
        assertThat(chainError(devnet::blockHeight).kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(devnet.health().up()).isFalse();
    }

    @Test
    void configurationIsValidated() {
        assertThatThrownBy(() -> Devnet.builder().slotTime(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Devnet.builder().slotTime(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Devnet.builder().clock(null)).isInstanceOf(NullPointerException.class);

        var f = new DevnetFaults();
        assertThatThrownBy(() -> f.rpcErrorRate(1.01)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.dropRate(-0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.failRate(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.latency(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.outage(START, START)).isInstanceOf(IllegalArgumentException.class);
        assertThat(f.rpcErrorRate()).isZero();
        assertThat(f.outages()).isEmpty();

        f.rpcErrorRate(0.5)
                .dropRate(0.25)
                .failRate(1)
                .latency(Duration.ofMillis(5))
                .outage(START, START.plusSeconds(1));
        assertThat(f.dropRate()).isEqualTo(0.25);
        assertThat(f.outages()).containsExactly(new DevnetFaults.Outage(START, START.plusSeconds(1)));
        f.reset();
        assertThat(List.of(f.rpcErrorRate(), f.dropRate(), f.failRate())).containsOnly(0.0);
        assertThat(f.outages()).isEmpty();
    }
}
