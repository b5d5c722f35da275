package dev.chainsync.app;

import dev.chainsync.chain.ChainConfig;
import dev.chainsync.chain.solana.RuntimeServer;
import dev.chainsync.chain.solana.SolanaChainClient;
import dev.chainsync.chain.solana.SolanaConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * The chain the demo writes to: the in-process devnet, or Solana (the runtime server of
 * testing/solana-rpc started here, or an RPC URL the user gives), with the demo's drop faults where
 * the chain has them and the issuer funded where that is possible.
 */
final class DemoChain implements AutoCloseable {
    static final String DEVNET = "devnet";
    static final String SOLANA = "solana";
    /** The runtime server's slot time in the demo: a blockhash then expires in about 15 s. */
    static final long RUNTIME_SLOT_MILLIS = 100;
    /** What the demo's issuer is given on the runtime server: 10 SOL. */
    static final long FUNDING_LAMPORTS = 10_000_000_000L;

    private final String kind;
    private final RuntimeServer server;

    private DemoChain(String kind, RuntimeServer server) {
        this.kind = kind;
        this.server = server;
    }

    /**
     * Sets the chain's variables in {@code env}; for Solana without {@code rpcUrl}, starts the runtime
     * server. Throws IllegalArgumentException with the reason when that cannot run here.
     */
    static DemoChain prepare(String kind, String rpcUrl, Map<String, String> env) {
        if (kind.equals(DEVNET)) {
            return new DemoChain(kind, null);
        }
        if (!kind.equals(SOLANA)) {
            throw new IllegalArgumentException("--chain must be devnet or solana, got " + kind);
        }
        env.put("CHAINSYNC_CHAIN", SOLANA);
        // Its own data directory: the devnet demo's credentials are not on this chain.
        env.putIfAbsent("CHAINSYNC_DATA_DIR", DemoCommand.DEMO_DATA_DIR + "-solana");
        if (rpcUrl != null) {
            env.put("CHAINSYNC_SOLANA_RPC_URLS", rpcUrl);
            return new DemoChain(kind, null);
        }
        Path dir = RuntimeServer.findDirectory();
        String unavailable = RuntimeServer.unavailableReason(dir);
        if (unavailable != null) {
            throw new IllegalArgumentException(
                    "cannot start the Solana runtime server: " + unavailable + " (or give --solana-rpc URL)");
        }
        RuntimeServer server = RuntimeServer.start(dir, 1, RUNTIME_SLOT_MILLIS);
        env.put("CHAINSYNC_SOLANA_RPC_URLS", server.url(0).toString());
        System.out.println("Solana runtime server (LiteSVM) at " + server.url(0));
        return new DemoChain(kind, server);
    }

    String description() {
        return server != null ? "the Solana runtime server" : kind;
    }

    /** Makes the issuer able to pay: an airdrop on the runtime server; elsewhere it must already hold SOL. */
    void fund(Application app) {
        if (!kind.equals(SOLANA)) {
            return;
        }
        String issuer = app.issuer().address();
        if (server != null) {
            server.airdrop(issuer, FUNDING_LAMPORTS);
            return;
        }
        // A client of its own for one balance read: the application's sits behind its circuit breaker.
        ChainConfig chain = app.config().chain();
        long balance;
        try (SolanaChainClient solana = SolanaChainClient.create(
                chain.solana(),
                app.issuer(),
                chain.breakerFailureRatePercent(),
                chain.breakerOpenDuration(),
                Clock.systemUTC(),
                new SimpleMeterRegistry())) {
            balance = solana.balance(issuer);
        }
        if (balance < SolanaChainClient.LAMPORTS_PER_SIGNATURE * 100) {
            throw new IllegalStateException("the issuer " + issuer + " holds too little SOL on "
                    + chain.solana().rpcUrls().stream().map(SolanaConfig::label).toList()
                    + ": fund it (e.g. `solana airdrop 1 " + issuer + " --url devnet`) and run the demo again");
        }
    }

    /** Whether {@link #dropRate} does anything on this chain. */
    boolean canDrop() {
        return kind.equals(DEVNET) || server != null;
    }

    /** Share of accepted transactions lost before landing, where the chain lets the demo choose. */
    void dropRate(Application app, double rate) {
        if (kind.equals(DEVNET)) {
            app.devnet().faults().dropRate(rate);
        } else if (server != null) {
            server.faults(0, Map.of("dropRate", rate));
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
