package dev.chainsync.app;

import dev.chainsync.apikey.ApiKey;
import dev.chainsync.apikey.ApiKeys;
import dev.chainsync.apikey.Scope;
import dev.chainsync.db.Database;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** API key administration straight against the database (for bootstrapping and scripts). */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = "Create, list and revoke API keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return Main.missingSubcommand(spec);
    }

    /**
     * Runs {@code work} on the keys. Commands that write bring the schema up to date first (creating
     * the first key is how a new installation starts); {@code list} only reads, so it refuses an
     * outdated schema rather than migrating it.
     */
    <T> T withKeys(boolean writes, BiFunction<ApiKeys, ChainsyncConfig, T> work) {
        ChainsyncConfig config = Main.loadConfig(main.env());
        try (Database db = Databases.open(config.database(), config.dataDir(), "chainsync-keys")) {
            if (writes) {
                db.migrate();
            } else {
                db.requireCurrentSchema();
            }
            return work.apply(new ApiKeys(db.jdbc(), Clock.systemUTC(), new SecureRandom(), null), config);
        }
    }

    /** Creates a key and prints its secret once. */
    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create an API key; the secret is printed once.")
    static final class Create implements Callable<Integer> {
        @CommandLine.ParentCommand
        KeysCommand keys;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--name", required = true, description = "A name to recognise the key by.")
        String name;

        @Option(
                names = "--scopes",
                required = true,
                split = ",",
                description = "Comma-separated: credentials:write, ledger:write, webhooks:manage, read, admin.")
        List<String> scopes;

        @Option(names = "--rate-limit", description = "Requests per minute (default: CHAINSYNC_RATE_LIMIT_PER_MINUTE).")
        Integer rateLimit;

        @Override
        public Integer call() {
            Set<Scope> parsed = EnumSet.noneOf(Scope.class);
            for (String s : scopes) {
                Scope scope = Scope.parse(s).orElse(null);
                if (scope == null) {
                    spec.commandLine()
                            .getErr()
                            .println("chainsync: unknown scope '" + s + "'; valid scopes are "
                                    + java.util.Arrays.stream(Scope.values())
                                            .map(Scope::wireName)
                                            .toList());
                    return Main.EXIT_CONFIG;
                }
                parsed.add(scope);
            }
            ApiKeys.Created created = keys.withKeys(true, (k, config) -> k.create(name, parsed, rateLimit));
            PrintWriter out = spec.commandLine().getOut();
            out.println("id:     " + created.key().id());
            out.println("name:   " + created.key().name());
            out.println("scopes: "
                    + created.key().scopes().stream()
                            .map(Scope::wireName)
                            .sorted()
                            .toList());
            out.println("key:    " + created.secret());
            out.println("Store the key now: it is not shown again (only its hash is kept).");
            return 0;
        }
    }

    /** Lists keys with their prefixes, never their secrets. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "List API keys with their rate limit and last use.",
                "",
                "Shows prefix, state, rate limit (requests per minute; '(default)' follows",
                "CHAINSYNC_RATE_LIMIT_PER_MINUTE), last use and scopes; never a secret. Only reads: on a",
                "schema older than this chainsync it refuses instead of migrating."
            })
    static final class ListKeys implements Callable<Integer> {
        private static final String ROW = "%-6s %-24s %-14s %-8s %-18s %-18s %s%n";

        @CommandLine.ParentCommand
        KeysCommand keys;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            keys.withKeys(false, (k, config) -> {
                out.printf(ROW, "ID", "NAME", "PREFIX", "STATE", "RATE LIMIT", "LAST USED", "SCOPES");
                for (ApiKey key : k.list()) {
                    out.printf(
                            ROW,
                            key.id(),
                            key.name(),
                            key.prefix(),
                            key.revoked() ? "revoked" : "active",
                            rateLimit(key, config.edge().defaultRateLimitPerMinute()),
                            key.lastUsedAt() == null ? "never" : LAST_USED.format(key.lastUsedAt()),
                            key.scopes().stream().map(Scope::wireName).sorted().toList());
                }
                return null;
            });
            return 0;
        }

        private static final java.time.format.DateTimeFormatter LAST_USED =
                java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'")
                        .withZone(java.time.ZoneOffset.UTC);

        static String rateLimit(ApiKey key, int defaultPerMinute) {
            return key.rateLimitPerMinute() == null
                    ? defaultPerMinute + "/min (default)"
                    : key.rateLimitPerMinute() + "/min";
        }
    }

    /** Revokes a key by id. */
    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an API key.")
    static final class Revoke implements Callable<Integer> {
        @CommandLine.ParentCommand
        KeysCommand keys;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The key's id.")
        long id;

        @Override
        public Integer call() {
            boolean revoked = keys.withKeys(true, (k, config) -> k.revoke(id));
            spec.commandLine().getOut().println(revoked ? "revoked key " + id : "no active key " + id);
            return revoked ? 0 : 1;
        }
    }
}
