package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.apikey.ApiKey;
import dev.chainsync.apikey.ApiKeys;
import dev.chainsync.apikey.Scope;
import dev.chainsync.testing.TestDatabases;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chainsync keys create|list|revoke} in-process through {@link Main}, against a scratch database. */
class KeysCommandTest {
    @TempDir
    Path dir;

    private TestDatabases.Scratch db;

    @BeforeEach
    void database() {
        db = TestDatabases.create("keys_cli");
    }

    @AfterEach
    void drop() {
        db.close();
    }

    private Cli.Run chainsync(String... args) {
        return Cli.run(Cli.env(db, dir), args);
    }

    private ApiKeys keys() {
        return new ApiKeys(db.database().jdbc(), Clock.systemUTC(), new SecureRandom(), null);
    }

    @Test
    void createPrintsAWorkingKeyOnceListShowsOnlyItsPrefixRevokeEndsIt() {
        Cli.Run created = chainsync(
                "keys", "create", "--name", "deploy-bot", "--scopes", "read,ledger:write", "--rate-limit", "120");
        assertThat(created.exitCode()).as(created.err()).isZero();
        Matcher m =
                Pattern.compile("(?m)^id:\\s+(\\d+)$[\\s\\S]*^key:\\s+(\\S+)$").matcher(created.out());
        assertThat(m.find()).as(created.out()).isTrue();
        long id = Long.parseLong(m.group(1));
        String secret = m.group(2);

        ApiKey key = keys().authenticate(secret).orElseThrow();
        assertThat(key.id()).isEqualTo(id);
        assertThat(key.name()).isEqualTo("deploy-bot");
        assertThat(key.scopes()).containsExactlyInAnyOrder(Scope.READ, Scope.LEDGER_WRITE);
        assertThat(key.rateLimitPerMinute()).isEqualTo(120);

        Cli.Run list = chainsync("keys", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains("deploy-bot", key.prefix(), "active").doesNotContain(secret);

        assertThat(chainsync("keys", "revoke", Long.toString(id)).out()).contains("revoked key " + id);
        assertThat(keys().authenticate(secret)).isEmpty();
        assertThat(chainsync("keys", "list").out()).contains("revoked");
        Cli.Run again = chainsync("keys", "revoke", Long.toString(id));
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.out()).contains("no active key " + id);
    }

    @Test
    void anUnknownScopeIsAConfigurationErrorAndCreatesNothing() {
        Cli.Run r = chainsync("keys", "create", "--name", "x", "--scopes", "read,root");
        assertThat(r.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(r.err())
                .contains("unknown scope 'root'")
                .contains("credentials:write", "ledger:write", "webhooks:manage", "read", "admin");
        assertThat(r.out()).doesNotContain("key:");
        assertThat(keys().list()).isEmpty();
    }

    @Test
    void listShowsEachKeysRateLimitAndLastUse() {
        assertThat(chainsync("keys", "create", "--name", "own-limit", "--scopes", "read", "--rate-limit", "120")
                        .exitCode())
                .isZero();
        Cli.Run created = chainsync("keys", "create", "--name", "default-limit", "--scopes", "read");
        Matcher m = Pattern.compile("(?m)^key:\\s+(\\S+)$").matcher(created.out());
        assertThat(m.find()).isTrue();
        keys().authenticate(m.group(1)).orElseThrow(); // a use: last_used_at is written

        Cli.Run list = chainsync("keys", "list");

        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains("RATE LIMIT", "LAST USED");
        String own = list.out()
                .lines()
                .filter(l -> l.contains("own-limit"))
                .findFirst()
                .orElseThrow();
        assertThat(own).contains("120/min").contains("never");
        String dflt = list.out()
                .lines()
                .filter(l -> l.contains("default-limit"))
                .findFirst()
                .orElseThrow();
        assertThat(dflt)
                .contains(dev.chainsync.api.EdgeConfig.DEFAULT_RATE_LIMIT_PER_MINUTE + "/min (default)")
                .doesNotContain("never")
                .containsPattern("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}Z");
    }
}
