package dev.chainsync.testing;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.CircuitBreakingChainClient;
import dev.chainsync.chain.Commitment;
import dev.chainsync.chain.Devnet;
import dev.chainsync.chain.DevnetFaults;
import dev.chainsync.chain.Ed25519Keypair;
import dev.chainsync.credential.Credential;
import dev.chainsync.credential.CredentialService;
import dev.chainsync.credential.CredentialStatus;
import dev.chainsync.db.Jdbc;
import dev.chainsync.outbox.ManualRelay;
import dev.chainsync.outbox.Operation;
import dev.chainsync.outbox.OperationHandler;
import dev.chainsync.outbox.Outbox;
import dev.chainsync.outbox.Relay;
import dev.chainsync.outbox.RelayConfig;
import dev.chainsync.time.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The write path on real PostgreSQL and a devnet on a manual clock: tests move time and run relay
 * passes by hand, so every step is deterministic.
 */
public final class WritePath implements AutoCloseable {
    public static final Duration SLOT = Duration.ofMillis(400);
    public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    public final TestDatabases.Scratch scratch;
    public final Jdbc jdbc;
    public final ManualClock clock = new ManualClock(START);
    public final Random random = new Random(42);
    public final DevnetFaults faults = new DevnetFaults();
    /** The chain under test: its blocks, what landed, its faults. */
    public final TestChain onChain;
    /** The devnet, or null when {@link #onChain} is another chain. */
    public final Devnet devnet;

    public final CircuitBreakingChainClient chain;
    public final Ed25519Keypair issuer = Ed25519Keypair.generate(new SecureRandom());
    public final CredentialService credentials;
    public final Outbox outbox;
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final RelayConfig relayConfig;
    private final List<Relay> relays = new ArrayList<>();

    public WritePath(String name) {
        this(name, UnaryOperator.identity());
    }

    public WritePath(String name, UnaryOperator<RelayConfig> tweak) {
        this(name, TestChain.Kind.DEVNET, tweak);
    }

    public WritePath(String name, TestChain.Kind kind) {
        this(name, kind, UnaryOperator.identity());
    }

    /** A write path on {@code kind}; on the Solana runtime, the issuer is funded and pays the fees. */
    public WritePath(String name, TestChain.Kind kind, UnaryOperator<RelayConfig> tweak) {
        this(name, tweak, w -> switch (kind) {
            case DEVNET -> TestChain.devnet(w.clock, SLOT, w.random, w.faults);
            case SOLANA_RUNTIME -> TestChain.solanaRuntime(w.clock, w.issuer, TestChain.FUNDING_LAMPORTS);
            case EVM_ANVIL -> TestChain.evmAnvil(w.issuer);
        });
    }

    /** A write path on the chain {@code chainOf} makes from this write path's clock, issuer and faults. */
    public WritePath(String name, UnaryOperator<RelayConfig> tweak, Function<WritePath, TestChain> chainOf) {
        onChain = chainOf.apply(this);
        devnet = onChain.client() instanceof Devnet d ? d : null;
        scratch = TestDatabases.create(name);
        jdbc = scratch.database().jdbc();
        chain = new CircuitBreakingChainClient(onChain.client(), 50, Duration.ofSeconds(30), clock);
        relayConfig = tweak.apply(RelayConfig.builder()
                .instanceId("relay-a")
                .batchSize(100)
                .pollInterval(Duration.ofMillis(50))
                .confirmPollInterval(Duration.ofMillis(400))
                .lease(Duration.ofSeconds(30))
                .maxAttempts(5)
                .retryBase(Duration.ofMillis(500))
                .retryCap(Duration.ofSeconds(10))
                .commitment(Commitment.CONFIRMED)
                .build());
        credentials =
                new CredentialService(jdbc, issuer, chain, relayConfig.commitment(), relayConfig.maxAttempts(), clock);
        outbox = new Outbox(jdbc, credentials.handlers(), relayConfig.maxAttempts(), clock);
    }

    public Relay relay(String instanceId) {
        return relay(instanceId, chain);
    }

    /** A relay talking to {@code through} (a test double wrapping the devnet, say). */
    public Relay relay(String instanceId, ChainClient through) {
        RelayConfig rc = relayConfig.toBuilder().instanceId(instanceId).build();
        Relay r = new Relay(jdbc, through, issuer, credentials.handlers(), rc, clock, new Random(7), registry);
        relays.add(r);
        return r;
    }

    /** A relay that also handles the operation kinds of {@code extra} (a ticket handler, say). */
    public Relay relay(String instanceId, ChainClient through, java.util.Map<String, OperationHandler> extra) {
        RelayConfig rc = relayConfig.toBuilder().instanceId(instanceId).build();
        java.util.Map<String, OperationHandler> all = new java.util.HashMap<>(credentials.handlers());
        all.putAll(extra);
        Relay r = new Relay(jdbc, through, issuer, all, rc, clock, new Random(7), registry);
        relays.add(r);
        return r;
    }

    public Credential issue(String recipient) {
        byte[] digest = new byte[32];
        random.nextBytes(digest);
        return credentials.issue(new CredentialService.IssueRequest(
                HexFormat.of().formatHex(digest), 100, "university-1", recipient, null));
    }

    public void advance(Duration d) {
        clock.advance(d);
    }

    /** Moves the clock by {@code n} slots and the chain by {@code n} blocks. */
    public void advanceSlots(long n) {
        clock.advance(SLOT.multipliedBy(n));
        onChain.produceBlocks(n);
    }

    /** Runs submit and confirm passes, moving two slots each round, until nothing is unfinished or rounds run out. */
    public void settle(Relay relay, int rounds) {
        for (int i = 0; i < rounds && unfinished() > 0; i++) {
            ManualRelay.submitPass(relay);
            advanceSlots(2);
            ManualRelay.confirmPass(relay);
            advance(relayConfig.retryCap());
        }
    }

    public long unfinished() {
        return count("SELECT count(*) FROM chain_operations WHERE status IN ('pending', 'submitted')");
    }

    public long count(String sql, Object... params) {
        return jdbc.queryOne(sql, r -> r.getLong(1), params).orElseThrow();
    }

    public CredentialStatus status(String hash) {
        return credentials.find(hash).orElseThrow().status();
    }

    public List<String> historyTypes(String hash) {
        return credentials.history(hash).stream().map(e -> e.type()).toList();
    }

    public Operation operationOf(String hash) {
        return outbox.forAggregate(CredentialService.ANCHOR_KIND, hash).getFirst();
    }

    @Override
    public void close() {
        relays.forEach(Relay::close);
        scratch.close();
        onChain.close();
    }
}
