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
import java.util.function.Function;
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
final class KeysCommand implements Runnable {
    @CommandLine.ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    <T> T withKeys(Function<ApiKeys, T> work) {
        ChainsyncConfig config = Main.loadConfig(main.env());
        try (Database db = Databases.open(config.database(), config.dataDir(), "chainsync-keys")) {
            db.migrate();
            return work.apply(new ApiKeys(db.jdbc(), Clock.systemUTC(), new SecureRandom(), null));
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
                    spec.commandLine().getErr().println("chainsync: unknown scope '" + s + "'");
                    return Main.EXIT_CONFIG;
                }
                parsed.add(scope);
            }
            ApiKeys.Created created = keys.withKeys(k -> k.create(name, parsed, rateLimit));
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
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List API keys (prefixes only).")
    static final class ListKeys implements Callable<Integer> {
        @CommandLine.ParentCommand
        KeysCommand keys;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<ApiKey> all = keys.withKeys(ApiKeys::list);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-6s %-24s %-14s %-10s %s%n", "ID", "NAME", "PREFIX", "STATE", "SCOPES");
            for (ApiKey k : all) {
                out.printf(
                        "%-6d %-24s %-14s %-10s %s%n",
                        k.id(),
                        k.name(),
                        k.prefix(),
                        k.revoked() ? "revoked" : "active",
                        k.scopes().stream().map(Scope::wireName).sorted().toList());
            }
            return 0;
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
            boolean revoked = keys.withKeys(k -> k.revoke(id));
            spec.commandLine().getOut().println(revoked ? "revoked key " + id : "no active key " + id);
            return revoked ? 0 : 1;
        }
    }
}
