package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.config.ConfigException;
import dev.chainsync.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** deploy/.env.example lists every variable the configuration reads, and nothing it does not. */
class EnvExampleTest {
    static final Path EXAMPLE = Path.of("..", "deploy", ".env.example");
    /** Set by the platform, not by an operator: the consumer name's default derives from it. */
    static final Set<String> PLATFORM = Set.of("HOSTNAME");
    /** Read by the logging configuration (logback.xml), not by an Env. */
    static final Set<String> LOGGING = Set.of("CHAINSYNC_LOG_LEVEL");

    /** What the configuration reads, over the settings that switch sections on (Solana, EVM, ingest from Redis, Kafka or an EVM node). */
    static Set<String> namesRead() {
        Set<String> names = new TreeSet<>();
        for (Map<String, String> vars : List.of(
                Map.<String, String>of(),
                Map.of(
                        "CHAINSYNC_CHAIN", "solana",
                        "CHAINSYNC_SOLANA_RPC_URLS", "http://127.0.0.1:1",
                        "REDIS_URL", "redis://127.0.0.1:1",
                        "DATABASE_URL", "postgres://u:p@127.0.0.1:1/db"),
                Map.of("CHAINSYNC_CHAIN", "evm", "CHAINSYNC_INGEST_SOURCE", "kafka"),
                Map.of("CHAINSYNC_INGEST_SOURCE", "evm"))) {
            Env env = new Env(vars);
            try {
                ChainsyncConfig.load(env);
            } catch (ConfigException invalid) {
                // Only the names matter here.
            }
            names.addAll(env.namesRead());
        }
        names.removeAll(PLATFORM);
        return names;
    }

    static Set<String> documented() throws Exception {
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(EXAMPLE)) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#") && l.contains("=")) {
                names.add(l.substring(0, l.indexOf('=')));
            }
        }
        return names;
    }

    @Test
    void everyVariableReadIsListedAndEveryListedOneIsRead() throws Exception {
        Set<String> read = namesRead();
        assertThat(read).as("the configuration reads variables").contains("DATABASE_URL", "CHAINSYNC_SOLANA_RPC_URLS");
        Set<String> documented = documented();
        assertThat(documented).as("missing from " + EXAMPLE).containsAll(read);
        Set<String> extra = new TreeSet<>(documented);
        extra.removeAll(read);
        extra.removeAll(LOGGING);
        assertThat(extra).as("listed in " + EXAMPLE + " but never read").isEmpty();
    }
}
