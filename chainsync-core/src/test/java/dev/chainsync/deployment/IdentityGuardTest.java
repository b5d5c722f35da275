package dev.chainsync.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.db.Database;
import dev.chainsync.db.DatabaseConfig;
import dev.chainsync.testing.TestDatabases;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Starts on one real database: each "instance" has a pool of its own, as separate processes would. */
class IdentityGuardTest {
    static final SharedIdentity A = new SharedIdentity("IssuerA", "fpA", "solana", "GenesisA");

    TestDatabases.Scratch scratch;
    final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    void setUp() {
        scratch = TestDatabases.create("identity");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
        scratch.close();
    }

    Database instance() {
        Database db = Database.open(new DatabaseConfig(scratch.jdbcUrl(), "postgres", null, 2), "i");
        opened.add(db);
        return db;
    }

    IdentityGuard start(SharedIdentity identity) {
        IdentityGuard guard = IdentityGuard.verify(instance().dataSource(), identity, "test", Clock.systemUTC());
        opened.add(guard);
        return guard;
    }

    @Test
    void twoInstancesWithTheSameSettingsBothStart() {
        start(A);
        start(A);
        assertThat(scratch.database()
                        .jdbc()
                        .query("SELECT name FROM shared_identity ORDER BY name", rs -> rs.getString(1)))
                .containsExactly("chain", "chain_id", "issuer_public_key", "webhook_key_fingerprint");
    }

    @Test
    void aSecondInstanceWithAnotherIssuerKeyRefusesNamingTheSetting() {
        start(A);
        assertThatThrownBy(() -> start(new SharedIdentity("IssuerB", "fpA", "solana", "GenesisA")))
                .isInstanceOf(IdentityMismatchException.class)
                .hasMessageContaining("CHAINSYNC_ISSUER_KEYPAIR")
                .hasMessageContaining("IssuerA");
    }

    @Test
    void aSecondInstanceWithAnotherWebhookKeyRefuses() {
        start(A);
        assertThatThrownBy(() -> start(new SharedIdentity("IssuerA", "fpB", "solana", "GenesisA")))
                .isInstanceOf(IdentityMismatchException.class)
                .hasMessageContaining("CHAINSYNC_WEBHOOK_ENCRYPTION_KEY")
                .hasMessageNotContaining("IssuerA");
    }

    @Test
    void aSecondInstanceOnAnotherChainRefuses() {
        start(A);
        assertThatThrownBy(() -> start(new SharedIdentity("IssuerA", "fpA", "solana", "GenesisB")))
                .hasMessageContaining("CHAINSYNC_SOLANA_RPC_URLS");
        assertThatThrownBy(() -> start(new SharedIdentity("IssuerA", "fpA", "devnet", "Dev1")))
                .hasMessageContaining("CHAINSYNC_CHAIN=solana");
        // A refused start records nothing.
        assertThat(scratch.database()
                        .jdbc()
                        .query("SELECT value FROM shared_identity WHERE name = 'chain_id'", rs -> rs.getString(1)))
                .containsExactly("GenesisA");
    }

    @Test
    void aSecondDevnetIsRefusedWhileItsOwnerLivesAndTakesOverOnceItIsGone() {
        var first = new SharedIdentity("IssuerA", "fpA", "devnet", "Dev1");
        var second = new SharedIdentity("IssuerA", "fpA", "devnet", "Dev2");
        IdentityGuard owner = start(first);
        assertThat(owner.ownsDevnet()).isTrue();

        assertThatThrownBy(() -> start(second))
                .isInstanceOf(IdentityMismatchException.class)
                .hasMessageContaining("another live instance already runs devnet Dev1");

        // The owner dies: the server ends its session, as it does when a process is killed.
        scratch.database()
                .jdbc()
                .query(
                        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = ?",
                        rs -> rs.getBoolean(1),
                        (int) IdentityGuard.DEVNET_LOCK);
        org.awaitility.Awaitility.await()
                .until(() -> scratch.database()
                        .jdbc()
                        .query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = ?", rs -> 1, (int)
                                IdentityGuard.DEVNET_LOCK)
                        .isEmpty());

        assertThat(start(second).ownsDevnet()).isTrue();
        assertThat(scratch.database()
                        .jdbc()
                        .query("SELECT value FROM shared_identity WHERE name = 'chain_id'", rs -> rs.getString(1)))
                .containsExactly("Dev2");
    }

    @Test
    void aDevnetOwnerThatClosesLetsTheNextOneStart() {
        var first = new SharedIdentity("IssuerA", "fpA", "devnet", "Dev1");
        start(first).close();
        assertThat(start(new SharedIdentity("IssuerA", "fpA", "devnet", "Dev2")).ownsDevnet())
                .isTrue();
    }
}
