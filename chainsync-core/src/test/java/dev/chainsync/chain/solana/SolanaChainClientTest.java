package dev.chainsync.chain.solana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chain.ChainException;
import dev.chainsync.chain.ChainHealth;
import dev.chainsync.chain.ChainRecord;
import dev.chainsync.chain.Commitment;
import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.chain.RecentBlockhash;
import dev.chainsync.chain.SignatureStatus;
import dev.chainsync.chain.SignedTransaction;
import dev.chainsync.credential.CredentialHash;
import dev.chainsync.testing.SolanaRuntime;
import dev.chainsync.time.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Solana adapter against the real Solana runtime (LiteSVM behind testing/solana-rpc). */
class SolanaChainClientTest {
    private static final long SOL = 1_000_000_000L;

    private final Ed25519Keypair issuer = Ed25519Keypair.generate(new SecureRandom());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private RuntimeServer runtime;
    private SolanaChainClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    private SolanaChainClient start(int endpoints) {
        runtime = SolanaRuntime.start(endpoints);
        runtime.advance(3);
        List<java.net.URI> urls = new ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            urls.add(runtime.url(i));
        }
        client = new SolanaChainClient(
                SolanaConfig.of(urls), issuer, false, 50, Duration.ofSeconds(30), Clock.systemUTC(), registry);
        return client;
    }

    private static String credentialMemo() {
        byte[] hash = new byte[32];
        new SecureRandom().nextBytes(hash);
        return CredentialHash.memo(HexFormat.of().formatHex(hash));
    }

    @Test
    void memoTransactionLandsOnTheRuntimeAndReadsBackWithItsSignerAndMemos() {
        start(1);
        runtime.airdrop(issuer.address(), SOL);
        List<String> memos = List.of(credentialMemo(), credentialMemo(), "héllo; [3] not a length");
        RecentBlockhash blockhash = client.latestBlockhash();
        SignedTransaction tx = client.buildMemoTransaction(issuer, memos, blockhash);
        assertThat(client.memoTransactionBytes(memos)).isEqualTo(tx.wire().length);

        assertThat(client.submit(tx)).isEqualTo(tx.signature());
        runtime.advance(1);
        assertThat(client.signatureStatuses(List.of(tx.signature()))
                        .get(tx.signature())
                        .commitment())
                .isEqualTo(Commitment.PROCESSED);
        runtime.advance(1);
        SignatureStatus status = client.signatureStatuses(
                        List.of(tx.signature(), "1111111111111111111111111111111111111111111111111111111111111111"))
                .get(tx.signature());
        assertThat(status.commitment()).isEqualTo(Commitment.CONFIRMED);
        assertThat(status.failed()).isFalse();

        ChainRecord onChain = client.transaction(tx.signature()).orElseThrow();
        assertThat(onChain.memos()).containsExactlyElementsOf(memos);
        assertThat(onChain.signer()).isEqualTo(issuer.address());
        assertThat(onChain.error()).isNull();
        List<ChainRecord> history = client.recordsByAddress(issuer.address(), null, 10);
        assertThat(history.getFirst().signature()).isEqualTo(tx.signature());
        assertThat(history.getFirst().memos()).containsExactlyElementsOf(memos);
        assertThat(history.getFirst().signer()).isEqualTo(issuer.address());
        // Re-sending the same bytes is answered as already processed, and nothing lands twice.
        assertThat(client.submit(tx)).isEqualTo(tx.signature());
        assertThat(runtime.memoCount(memos.getFirst())).isEqualTo(1);
    }

    @Test
    void elevenCredentialMemosFitOneTransactionAndTwelveDoNot() {
        start(1);
        List<String> memos = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            memos.add(credentialMemo());
        }
        assertThat(client.memoTransactionBytes(memos.subList(0, 11))).isLessThanOrEqualTo(client.maxTransactionBytes());
        assertThat(client.memoTransactionBytes(memos)).isGreaterThan(client.maxTransactionBytes());
        runtime.airdrop(issuer.address(), SOL);
        SignedTransaction eleven = client.buildMemoTransaction(issuer, memos.subList(0, 11), client.latestBlockhash());
        client.submit(eleven);
        runtime.advance(2);
        assertThat(client.transaction(eleven.signature()).orElseThrow().memos()).hasSize(11);
        assertThatThrownBy(() -> client.buildMemoTransaction(issuer, memos, client.latestBlockhash()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1232");
    }

    @Test
    void aSeparateFeePayerPaysWhileTheIssuerSignsTheMemos() {
        runtime = SolanaRuntime.start(1);
        runtime.advance(3);
        Ed25519Keypair payer = Ed25519Keypair.generate(new SecureRandom());
        client = new SolanaChainClient(
                SolanaConfig.of(List.of(runtime.url(0))),
                payer,
                true,
                50,
                Duration.ofSeconds(30),
                Clock.systemUTC(),
                registry);
        runtime.airdrop(payer.address(), SOL);
        String memo = credentialMemo();
        SignedTransaction tx = client.buildMemoTransaction(issuer, List.of(memo), client.latestBlockhash());
        assertThat(client.memoTransactionBytes(List.of(memo))).isEqualTo(tx.wire().length);
        client.submit(tx);
        runtime.advance(2);
        ChainRecord r = client.transaction(tx.signature()).orElseThrow();
        assertThat(r.signer()).isEqualTo(issuer.address());
        assertThat(client.recordsByAddress(issuer.address(), null, 10))
                .extracting(ChainRecord::signature)
                .containsExactly(tx.signature());
        assertThat(client.balance(issuer.address())).isZero();
    }

    @Test
    void aFeePayerWithoutLamportsIsRefusedWithAClearReasonAndHealthSaysWhy() {
        start(1);
        SignedTransaction tx = client.buildMemoTransaction(issuer, List.of(credentialMemo()), client.latestBlockhash());
        assertThatThrownBy(() -> client.submit(tx))
                .isInstanceOfSatisfying(
                        ChainException.class,
                        e -> assertThat(e.kind()).isEqualTo(ChainException.Kind.INVALID_TRANSACTION))
                .hasMessageContaining("fee payer " + issuer.address() + " cannot pay the fee (AccountNotFound)");
        ChainHealth health = client.health();
        assertThat(health.up()).isFalse();
        assertThat(health.detail()).contains("fee payer " + issuer.address() + " has 0 lamports");
        runtime.airdrop(issuer.address(), SOL);
        assertThat(client.health().up()).isTrue();
    }

    @Test
    void aTransactionWhoseBlockhashExpiredIsRefusedAsExpired() {
        start(1);
        runtime.airdrop(issuer.address(), SOL);
        RecentBlockhash old = client.latestBlockhash();
        runtime.advance(160);
        assertThat(client.blockHeight()).isGreaterThan(old.lastValidBlockHeight());
        SignedTransaction tx = client.buildMemoTransaction(issuer, List.of(credentialMemo()), old);
        assertThatThrownBy(() -> client.submit(tx))
                .isInstanceOfSatisfying(
                        ChainException.class,
                        e -> assertThat(e.kind()).isEqualTo(ChainException.Kind.BLOCKHASH_EXPIRED));
    }

    @Test
    void aTransactionThatFailsOnChainReportsTheChainsError() {
        start(1);
        runtime.airdrop(issuer.address(), SOL);
        runtime.faults(0, Map.of("failNext", 1));
        SignedTransaction tx = client.buildMemoTransaction(issuer, List.of(credentialMemo()), client.latestBlockhash());
        client.submit(tx);
        runtime.advance(2);
        SignatureStatus s = client.signatureStatuses(List.of(tx.signature())).get(tx.signature());
        assertThat(s.failed()).isTrue();
        assertThat(s.error()).contains("InstructionError").contains("Custom");
        assertThat(client.transaction(tx.signature()).orElseThrow().error()).contains("InstructionError");
    }

    @Test
    void requestsFailOverWhenTheFirstEndpointIsDown() {
        start(2);
        runtime.airdrop(issuer.address(), SOL);
        runtime.faults(0, Map.of("outage", true));
        SignedTransaction tx = client.buildMemoTransaction(issuer, List.of(credentialMemo()), client.latestBlockhash());
        assertThat(client.submit(tx)).isEqualTo(tx.signature());
        runtime.advance(2);
        assertThat(client.signatureStatuses(List.of(tx.signature()))).containsKey(tx.signature());
        assertThat(registry.get("chainsync_chain_rpc_failovers_total")
                        .tag("endpoint", "0:http://127.0.0.1:" + runtime.url(0).getPort())
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(2);
        // Enough failures open the first endpoint's breaker: it is no longer even tried.
        for (int i = 0; i < 5; i++) {
            client.blockHeight();
        }
        ChainHealth health = client.health();
        assertThat(health.up()).isTrue();
        assertThat(health.endpoints()).extracting(ChainHealth.Endpoint::status).containsExactly("down", "up");
        assertThat(health.endpoints().getFirst().breaker()).isEqualTo("open");
    }

    @Test
    void anEndpointWhoseBreakerOpenedIsTriedAgainOnceItsOpenPeriodIsOver() {
        runtime = SolanaRuntime.start(1);
        runtime.advance(3);
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        client = new SolanaChainClient(
                SolanaConfig.of(List.of(runtime.url(0))), issuer, false, 50, Duration.ofSeconds(30), clock, registry);
        runtime.faults(0, Map.of("outage", true));
        for (int i = 0; i < dev.chainsync.chain.RpcEndpoints.MINIMUM_CALLS; i++) {
            assertThatThrownBy(client::latestBlockhash)
                    .isInstanceOfSatisfying(
                            ChainException.class, e -> assertThat(e.reach()).isEqualTo(ChainException.Reach.ANSWERED));
        }
        runtime.faults(0, Map.of("outage", false));
        assertThatThrownBy(client::latestBlockhash)
                .as("breaker open: refused without a request")
                .isInstanceOfSatisfying(
                        ChainException.class, e -> assertThat(e.reach()).isEqualTo(ChainException.Reach.NOT_SENT));
        clock.advance(Duration.ofSeconds(31));
        assertThat(client.latestBlockhash().lastValidBlockHeight()).isGreaterThan(0);
        assertThat(client.health().endpoints().getFirst().breaker()).isEqualTo("closed");
    }

    @Test
    void errorsAndTimeoutsOfTheFirstEndpointGoToTheSecondButRequestErrorsDoNot() {
        runtime = SolanaRuntime.start(2);
        runtime.advance(3);
        client = new SolanaChainClient(
                new SolanaConfig(
                        List.of(runtime.url(0), runtime.url(1)),
                        null,
                        null,
                        null,
                        SolanaConfig.DEFAULT_MAX_LAG_BLOCKS,
                        Duration.ofMillis(500)),
                issuer,
                false,
                50,
                Duration.ofSeconds(30),
                Clock.systemUTC(),
                registry);
        runtime.airdrop(issuer.address(), SOL);
        runtime.faults(0, Map.of("errorRate", 1.0));
        assertThat(client.latestBlockhash().lastValidBlockHeight()).isPositive();
        runtime.faults(0, Map.of("errorRate", 0.0, "latencyMs", 3000));
        assertThat(client.latestBlockhash().lastValidBlockHeight()).isPositive();
        assertThat(registry.get("chainsync_chain_rpc_failovers_total")
                        .tag("endpoint", "0:http://127.0.0.1:" + runtime.url(0).getPort())
                        .counter()
                        .count())
                .isEqualTo(2);
        // An answer about the request itself (an expired blockhash) is the same everywhere: no failover.
        runtime.faults(0, Map.of("latencyMs", 0));
        RecentBlockhash old = client.latestBlockhash();
        runtime.advance(160);
        client.blockHeight();
        SignedTransaction stale = client.buildMemoTransaction(issuer, List.of(credentialMemo()), old);
        assertThatThrownBy(() -> client.submit(stale))
                .isInstanceOfSatisfying(
                        ChainException.class,
                        e -> assertThat(e.kind()).isEqualTo(ChainException.Kind.BLOCKHASH_EXPIRED));
        assertThat(registry.get("chainsync_chain_rpc_failovers_total")
                        .tag("endpoint", "0:http://127.0.0.1:" + runtime.url(0).getPort())
                        .counter()
                        .count())
                .isEqualTo(2);
    }

    @Test
    void anEndpointLagging200BlocksIsNotReadFrom() {
        start(2);
        runtime.airdrop(issuer.address(), SOL);
        runtime.advance(300);
        runtime.faults(0, Map.of("lag", 200));
        long height = client.blockHeight();
        assertThat(height).as("the lagging endpoint's height is ignored").isGreaterThan(250);
        SignedTransaction tx = client.buildMemoTransaction(issuer, List.of(credentialMemo()), client.latestBlockhash());
        client.submit(tx);
        runtime.advance(2);
        // The lagging endpoint cannot see this transaction; the client reads it from the other one.
        assertThat(client.signatureStatuses(List.of(tx.signature()))).containsKey(tx.signature());
        assertThat(client.transaction(tx.signature())).isPresent();
        assertThat(registry.get("chainsync_chain_rpc_height_lag_blocks")
                        .tag("endpoint", "0:http://127.0.0.1:" + runtime.url(0).getPort())
                        .gauge()
                        .value())
                .isEqualTo(200.0);
        assertThat(client.health().endpoints())
                .extracting(ChainHealth.Endpoint::status)
                .containsExactly("lagging", "up");
    }

    @Test
    void memoFieldParsingHonoursByteLengths() {
        assertThat(SolanaMemos.parseField("[5] hello; [6] wor; d")).containsExactly("hello", "wor; d");
        assertThat(SolanaMemos.parseField("[2] é")).containsExactly("é");
        assertThat(SolanaMemos.parseField("no format")).containsExactly("no format");
        assertThat(SolanaMemos.parseField("[9] short")).containsExactly("[9] short");
    }

    @Test
    void theChainIdIsTheClustersGenesisHashFromAnyEndpointThatAnswers() {
        start(2);
        String genesis = runtime.rpc("getGenesisHash", List.of()).path("result").asText();
        assertThat(genesis).isNotBlank();
        assertThat(client.chainId()).contains(genesis);
        runtime.faults(0, java.util.Map.of("outage", true));
        assertThat(client.chainId()).contains(genesis);
    }
}
