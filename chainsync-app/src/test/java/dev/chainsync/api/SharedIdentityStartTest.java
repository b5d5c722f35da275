package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.app.Application;
import dev.chainsync.app.ChainsyncConfig;
import dev.chainsync.deployment.IdentityMismatchException;
import dev.chainsync.time.ManualClock;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two instances of the whole service on one database, as an operator would start them. */
class SharedIdentityStartTest {
    @TempDir
    Path first;

    @TempDir
    Path second;

    ApiHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    Application another(Path dataDir) {
        ChainsyncConfig config = ChainsyncConfig.fromEnvironment(ApiHarness.env(h.db, dataDir, Map.of()));
        return new Application(config, new ManualClock(ApiHarness.START), new SplittableRandom(3));
    }

    @Test
    void aSecondInstanceWithItsOwnKeysAndDevnetIsRefusedNamingWhatToFix() {
        h = ApiHarness.start("identity_app", first);
        assertThatThrownBy(() -> another(second))
                .isInstanceOf(IdentityMismatchException.class)
                .hasMessageContaining("CHAINSYNC_ISSUER_KEYPAIR")
                .hasMessageContaining(h.app.issuer().address())
                .hasMessageContaining("CHAINSYNC_WEBHOOK_ENCRYPTION_KEY")
                .hasMessageContaining("another live instance already runs devnet");
        // The refused start left the first instance's record as it was, and it still serves.
        assertThat(h.get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void aNewDevnetTakesOverOnceTheInstanceThatRanTheOldOneIsGone() {
        h = ApiHarness.start("identity_takeover", first);
        assertThatThrownBy(() -> another(first))
                .isInstanceOf(IdentityMismatchException.class)
                .hasMessageContaining("another live instance already runs devnet");
        h.app.close();
        // Same data directory (same issuer and webhook keys), a fresh devnet: accepted now.
        try (Application next = another(first)) {
            assertThat(next.devnet()).isNotNull();
        }
    }
}
