package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chain.Commitment;
import dev.chainsync.config.ConfigException;
import dev.chainsync.config.Redact;
import dev.chainsync.db.DatabaseConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChainsyncConfigTest {

    @Test
    void defaultsNeedNoEnvironment() {
        ChainsyncConfig c = ChainsyncConfig.fromEnvironment(Map.of());
        assertThat(c.database().embedded()).isTrue();
        assertThat(c.dataDir()).isEqualTo(Path.of(".chainsync"));
        assertThat(c.http().port()).isEqualTo(8080);
        assertThat(c.chain().kind()).isEqualTo("devnet");
        assertThat(c.chain().issuerKeypair()).isEqualTo(Path.of(".chainsync", "issuer-keypair.json"));
        assertThat(c.relay().commitment()).isEqualTo(Commitment.CONFIRMED);
        assertThat(c.withHttpPort(9000).http().port()).isEqualTo(9000);
    }

    @Test
    void seedStyleDatabaseUrlBecomesJdbcWithCredentialsApart() {
        ChainsyncConfig c = ChainsyncConfig.fromEnvironment(Map.of(
                "DATABASE_URL", "postgres://sync:s3cr%40t@db.internal:6543/chain?sslmode=require",
                "CHAINSYNC_CONFIRMATION_COMMITMENT", "FINALIZED",
                "CHAINSYNC_RELAY_POLL_MS", "25"));
        assertThat(c.database().jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/chain?sslmode=require");
        assertThat(c.database().user()).isEqualTo("sync");
        assertThat(c.database().password()).isEqualTo("s3cr@t");
        assertThat(c.relay().commitment()).isEqualTo(Commitment.FINALIZED);
        assertThat(c.relay().pollInterval()).isEqualTo(Duration.ofMillis(25));
        assertThat(c.describe()).doesNotContain("s3cr").contains("db.internal");
    }

    @Test
    void everyBadValueIsReportedAtOnceWithoutLeakingSecrets() {
        assertThatThrownBy(() -> ChainsyncConfig.fromEnvironment(Map.of(
                        "HTTP_PORT", "eighty",
                        "CHAINSYNC_RELAY_BATCH_SIZE", "0",
                        "CHAINSYNC_RELAY_ENABLED", "maybe",
                        "CHAINSYNC_CHAIN", "bitcoin",
                        "DATABASE_URL", "mysql://root:hunter2@x/db")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> {
                    ConfigException ce = (ConfigException) e;
                    assertThat(ce.problems()).hasSize(5);
                    assertThat(ce.getMessage())
                            .contains(
                                    "HTTP_PORT",
                                    "CHAINSYNC_RELAY_BATCH_SIZE",
                                    "CHAINSYNC_RELAY_ENABLED",
                                    "CHAINSYNC_CHAIN",
                                    "DATABASE_URL")
                            .doesNotContain("hunter2");
                });
    }

    @Test
    void crossFieldChecks() {
        assertThatThrownBy(() -> ChainsyncConfig.fromEnvironment(
                        Map.of("CHAINSYNC_RETRY_BASE_MS", "5000", "CHAINSYNC_RETRY_MAX_MS", "1000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CHAINSYNC_RETRY_MAX_MS");
        assertThatThrownBy(() -> ChainsyncConfig.fromEnvironment(Map.of("CHAINSYNC_CHAIN", "evm")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not available yet");
    }

    @Test
    void malformedUrlsNeverLeakTheirPassword() {
        for (String url : new String[] {
            "postgres://alice:s3cr3t@/db",
            "postgres://alice:pa ss@h/db",
            "postgres://alice:pa#ss@h/db",
            "postgres://alice:pa%ss@h/db",
            "postgres://alice:p@ss/w@h/db"
        }) {
            String shown;
            try {
                shown = ChainsyncConfig.fromEnvironment(Map.of("DATABASE_URL", url))
                        .describe();
            } catch (ConfigException e) {
                shown = e.getMessage();
            }
            assertThat(shown).as(url).contains("alice").doesNotContain("s3cr3t", "pa ss", "pa#ss", "pa%ss", "p@ss");
        }
    }

    @Test
    void aHostNameWithAnUnderscoreIsAccepted() {
        DatabaseConfig c = DatabaseConfig.fromUrl("postgres://app:p%40ss@db_host:5433/app?sslmode=disable", 4);
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db_host:5433/app?sslmode=disable");
        assertThat(c.user()).isEqualTo("app");
        assertThat(c.password()).isEqualTo("p@ss");
        assertThat(DatabaseConfig.fromUrl("postgres://db_host/app", 4).jdbcUrl())
                .isEqualTo("jdbc:postgresql://db_host/app");
    }

    @Test
    void redactsPasswordsInUrls() {
        assertThat(Redact.url("jdbc:postgresql://h/db?user=a&password=xyz")).doesNotContain("xyz");
        assertThat(Redact.url("postgres://a:xyz@h/db")).doesNotContain("xyz").contains("a:***@h");
        // A mistyped scheme is no reason to print the password.
        assertThat(Redact.url("postgres:/app:S3cretPW@db.example.com:5432/app"))
                .doesNotContain("S3cretPW")
                .endsWith("@db.example.com:5432/app");
        assertThat(Redact.url(":S3cretPW@127.0.0.1:6379")).doesNotContain("S3cretPW");
        assertThat(Redact.url("redis:127.0.0.1:6379")).isEqualTo("redis:127.0.0.1:6379");
    }
}
