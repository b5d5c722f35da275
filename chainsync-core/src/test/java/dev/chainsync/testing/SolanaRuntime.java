package dev.chainsync.testing;

import dev.chainsync.chain.solana.RuntimeServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Starts the Solana runtime server for a test, with blocks produced only on demand so the test
 * controls time; skips the test, saying why, where it cannot run (no Node.js, dependencies missing).
 */
public final class SolanaRuntime {
    private SolanaRuntime() {}

    /** A server with {@code endpoints} RPC ports over one chain. */
    public static RuntimeServer start(int endpoints) {
        Path dir = RuntimeServer.findDirectory();
        String unavailable = RuntimeServer.unavailableReason(dir);
        Assumptions.assumeTrue(unavailable == null, () -> "Solana runtime tests skipped: " + unavailable);
        return RuntimeServer.start(dir, endpoints, 0);
    }
}
