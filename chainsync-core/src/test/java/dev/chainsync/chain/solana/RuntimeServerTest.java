package dev.chainsync.chain.solana;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reasons the Solana runtime tests give when they skip themselves. */
class RuntimeServerTest {

    @Test
    void saysWhyTheServerCannotRun(@TempDir Path empty) {
        assertThat(RuntimeServer.unavailableReason(null)).contains(RuntimeServer.DIRECTORY + " not found");
        String reason = RuntimeServer.unavailableReason(empty);
        // Without Node.js that is the reason; with it, the missing dependencies are.
        assertThat(reason)
                .satisfiesAnyOf(
                        r -> assertThat(r).contains("Node.js (node) is not on PATH"),
                        r -> assertThat(r).contains("node_modules is missing: run `npm ci` there"));
    }

    @Test
    void findsTheServerAboveTheWorkingDirectory() {
        Path dir = RuntimeServer.findDirectory();
        assertThat(dir).isNotNull();
        assertThat(dir.resolve("server.js")).exists();
        assertThat(dir.resolve("package-lock.json")).exists();
    }
}
