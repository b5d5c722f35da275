package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.chainsync.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Configuration from the environment: every bad value is reported at once, and secrets never show. */
class ConfigValidationTest {
    static final String SECRET = "s3cr3t-Pw";

    private static ConfigException invalid(Map<String, String> env) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ChainsyncConfig.fromEnvironment(env));
        assertThat(e).as("configuration should be rejected: " + env).isNotNull();
        return e;
    }

    @Test
    void everyBadValueIsListedInOneException() {
        ConfigException e = invalid(Map.of(
                "HTTP_PORT", "abc",
                "CHAINSYNC_RELAY_BATCH_SIZE", "0",
                "DATABASE_URL", "mysql://x"));

        assertThat(e.problems()).hasSize(3);
        assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).startsWith("HTTP_PORT='abc'").contains("integer"));
        assertThat(e.problems())
                .anySatisfy(p -> assertThat(p)
                        .startsWith("CHAINSYNC_RELAY_BATCH_SIZE='0'")
                        .contains("between 1 and"));
        assertThat(e.problems())
                .anySatisfy(
                        p -> assertThat(p).startsWith("DATABASE_URL=mysql://x").contains("postgres://"));
        assertThat(e.getMessage()).contains("HTTP_PORT", "CHAINSYNC_RELAY_BATCH_SIZE", "DATABASE_URL");
    }

    @Test
    void crossFieldAndChoiceProblemsAreCollectedToo() {
        ConfigException e = invalid(Map.of(
                "HTTP_PORT", "70000",
                "CHAINSYNC_RELAY_ENABLED", "maybe",
                "CHAINSYNC_CONFIRMATION_COMMITMENT", "processed",
                "CHAINSYNC_RETRY_BASE_MS", "1000",
                "CHAINSYNC_RETRY_MAX_MS", "10",
                "CHAINSYNC_CHAIN", "solana",
                "CHAINSYNC_MAX_UPLOAD_BYTES", "0"));

        assertThat(e.problems()).hasSize(6);
        assertThat(String.join("\n", e.problems()))
                .contains(
                        "HTTP_PORT='70000'",
                        "CHAINSYNC_RELAY_ENABLED='maybe'",
                        "CHAINSYNC_CONFIRMATION_COMMITMENT='processed'",
                        "CHAINSYNC_RETRY_MAX_MS must not be smaller",
                        "CHAINSYNC_SOLANA_RPC_URLS is required",
                        "CHAINSYNC_MAX_UPLOAD_BYTES='0'");
    }

    @Test
    void defaultsAndValidValuesAreAccepted() {
        ChainsyncConfig defaults = ChainsyncConfig.fromEnvironment(Map.of());
        assertThat(defaults.database().embedded()).isTrue();
        assertThat(defaults.http().port()).isEqualTo(8080);

        ChainsyncConfig c = ChainsyncConfig.fromEnvironment(Map.of(
                "HTTP_PORT",
                " 9090 ",
                "CHAINSYNC_RELAY_BATCH_SIZE",
                "10000",
                "CHAINSYNC_RELAY_ENABLED",
                "off",
                "CHAINSYNC_CONFIRMATION_COMMITMENT",
                "FINALIZED"));
        assertThat(c.http().port()).isEqualTo(9090);
        assertThat(c.relay().batchSize()).isEqualTo(10_000);
        assertThat(c.relay().enabled()).isFalse();
        assertThat(c.withHttpPort(0).http().port()).isZero();
    }

    @Test
    void postgresUrlIsParsedAndItsPasswordNeverDescribed() {
        ChainsyncConfig c = ChainsyncConfig.fromEnvironment(
                Map.of("DATABASE_URL", "postgres://alice:" + SECRET + "@db.example:6543/chainsync?sslmode=require"));

        assertThat(c.database().jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/chainsync?sslmode=require");
        assertThat(c.database().user()).isEqualTo("alice");
        assertThat(c.database().password()).isEqualTo(SECRET);
        assertThat(c.describe()).doesNotContain(SECRET).contains("alice").contains("db.example");
        assertThat(c.toString()).doesNotContain(SECRET);
        assertThat(c.database().toString()).doesNotContain(SECRET);
    }

    @Test
    void percentEncodedPasswordIsDecodedAndNeverDescribedInEitherForm() {
        ChainsyncConfig c = ChainsyncConfig.fromEnvironment(
                Map.of("DATABASE_URL", "postgresql://alice:p%40ss%3Aw0rd@db.example/app"));

        assertThat(c.database().password()).isEqualTo("p@ss:w0rd");
        assertThat(c.describe()).doesNotContain("p@ss:w0rd").doesNotContain("p%40ss%3Aw0rd");
    }

    @Test
    void jdbcUrlWithPasswordParameterIsRedacted() {
        ChainsyncConfig c = ChainsyncConfig.fromEnvironment(
                Map.of("DATABASE_URL", "jdbc:postgresql://db.example/app?user=alice&password=" + SECRET + "&ssl=true"));

        assertThat(c.database().jdbcUrl()).contains(SECRET); // the driver needs it
        assertThat(c.describe()).doesNotContain(SECRET).contains("ssl=true");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "mysql://alice:" + SECRET + "@db.example/app",
                "redis://:" + SECRET + "@db.example:6379",
                "jdbc:mysql://db.example/app?user=alice&password=" + SECRET
            })
    void rejectedUrlNeverShowsItsPassword(String url) {
        ConfigException e = invalid(Map.of("DATABASE_URL", url, "HTTP_PORT", "-1"));

        assertThat(e.problems()).hasSize(2);
        assertThat(e.getMessage()).contains("DATABASE_URL").doesNotContain(SECRET);
    }
}
