package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.api.ApiHarness;
import dev.chainsync.testing.TestDatabases;
import dev.chainsync.time.ManualClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A construction or start that fails part way releases what it had acquired: the devnet ledger's
 * file lock above all, which would otherwise keep every later start in this JVM from opening it.
 */
class ApplicationStartFailureTest {
    @TempDir
    Path dataDir;

    private TestDatabases.Scratch db;

    @BeforeEach
    void database() {
        db = TestDatabases.create("start_failure");
    }

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    private Map<String, String> env(int httpPort) {
        return ApiHarness.env(
                db, dataDir, Map.of("HTTP_PORT", String.valueOf(httpPort), "CHAINSYNC_DEVNET_PERSISTENT", "true"));
    }

    private Application build(Map<String, String> env) {
        return new Application(
                ChainsyncConfig.fromEnvironment(env),
                new ManualClock(Instant.parse("2026-03-01T09:00:00Z")),
                new SplittableRandom(7));
    }

    /** Fails if this JVM (or another process) still holds the devnet ledger's lock. */
    private void assertLedgerUnlocked() throws IOException {
        Path ledger = dataDir.resolve(Application.DEVNET_LEDGER_FILE);
        assertThat(ledger).as("the devnet opened its ledger before the failure").exists();
        try (FileChannel ch = FileChannel.open(ledger, StandardOpenOption.WRITE);
                FileLock lock = ch.tryLock()) {
            assertThat(lock).as("nobody holds the ledger lock").isNotNull();
        }
    }

    @Test
    void aDamagedWebhookKeyFileLeavesNoLockHeldAndTheFixedFileStarts() throws IOException {
        Path keyFile = dataDir.resolve("webhook-encryption.key");
        Files.writeString(keyFile, "not a key\n");

        assertThatThrownBy(() -> build(env(0))).hasMessageContaining("webhook");
        assertLedgerUnlocked();

        Files.delete(keyFile); // a fresh key is generated on the next start
        try (Application app = build(env(0)).start()) {
            assertThat(app.httpPort()).isPositive();
            assertThat(app.services().database().ping()).isTrue();
        }
        assertLedgerUnlocked();
    }

    @Test
    void aStartThatFailsOnABusyPortReleasesEverythingAndALaterStartSucceeds() throws IOException {
        try (ServerSocket busy = new ServerSocket(0)) {
            Application app = build(env(busy.getLocalPort()));
            assertThatThrownBy(app::start).hasMessageContaining("cannot listen on HTTP port");
            assertLedgerUnlocked();
            assertThat(app.services().database().ping())
                    .as("the pool closed with the failed start")
                    .isFalse();
        }
        try (Application app = build(env(0)).start()) {
            assertThat(app.httpPort()).isPositive();
        }
    }
}
