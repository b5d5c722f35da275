package dev.chainsync.app;

import dev.chainsync.chain.DevnetLedgerException;
import dev.chainsync.config.ConfigException;
import dev.chainsync.db.DataAccessException;
import dev.chainsync.db.SchemaOutdatedException;
import io.lettuce.core.RedisException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code chainsync} command line. */
@Command(
        name = "chainsync",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Keeps PostgreSQL consistent with a blockchain.",
        subcommands = {
            ServeCommand.class,
            DemoCommand.class,
            MigrateCommand.class,
            BenchCommand.class,
            IngestCommand.class,
            KeysCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Callable<Integer> {
    /** Exit code for a configuration or usage error. */
    static final int EXIT_CONFIG = 2;
    /** Exit code when a command could not do its work: PostgreSQL or Redis unreachable, a statement refused. */
    static final int EXIT_FAILURE = 1;

    private final Map<String, String> env;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Main(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        return missingSubcommand(spec);
    }

    /**
     * What a command that only groups others does when called alone: a usage error, so a script that
     * forgot the subcommand fails instead of passing after printing help.
     */
    static int missingSubcommand(CommandLine.Model.CommandSpec spec) {
        CommandLine cli = spec.commandLine();
        cli.getErr()
                .println(spec.qualifiedName() + ": missing a command; one of "
                        + cli.getSubcommands().keySet());
        cli.usage(cli.getErr());
        return EXIT_CONFIG;
    }

    public static void main(String[] args) {
        avoidUnsafeMemoryAccess();
        System.exit(execute(args));
    }

    /** The system property that keeps Netty (under Lettuce, the Redis client) off {@code sun.misc.Unsafe}. */
    static final String NETTY_NO_UNSAFE = "io.netty.noUnsafe";

    /**
     * Netty probes {@code sun.misc.Unsafe::allocateMemory} when its first class loads, and JDK 24+
     * answers with a four-line warning on every start. Telling Netty not to use Unsafe (before any
     * Netty class loads) avoids the call instead of hiding the warning; Netty then uses ordinary
     * direct buffers, which Redis traffic of this size does not notice. An operator's own setting wins.
     * See docs/decisions.md, "Netty stays off sun.misc.Unsafe".
     */
    static void avoidUnsafeMemoryAccess() {
        if (System.getProperty(NETTY_NO_UNSAFE) == null) {
            System.setProperty(NETTY_NO_UNSAFE, "true");
        }
    }

    static int execute(String... args) {
        return commandLine(System.getenv()).execute(args);
    }

    /** Runs {@code args} as if {@code env} were the process environment, printing to {@code out} and {@code err}. */
    static int execute(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine(env);
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    private static CommandLine commandLine(Map<String, String> env) {
        CommandLine cli = new CommandLine(new Main(env));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException ce) {
                cmd.getErr().println("chainsync: " + ce.getMessage());
                return EXIT_CONFIG;
            }
            String reason = operationalFailure(e);
            if (reason != null) {
                cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + reason);
                return EXIT_FAILURE;
            }
            // Anything else is a bug: picocli prints the stack trace.
            throw e;
        });
        return cli;
    }

    /**
     * The first line of the message of a failure the operator can act on (a server that does not
     * answer, a statement the database refused), or null when {@code e} is none of those.
     */
    static String operationalFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UncheckedIOException u && u.getCause() instanceof BindException) {
                return u.getMessage();
            }
            if (t instanceof DevnetLedgerException) {
                return t.getMessage();
            }
            if (t instanceof DataAccessException
                    || t instanceof SQLException
                    || t instanceof RedisException
                    || t instanceof SchemaOutdatedException) {
                String message =
                        t.getMessage() == null ? t.toString() : t.getMessage().strip();
                int newline = message.indexOf('\n');
                return newline < 0 ? message : message.substring(0, newline).strip();
            }
        }
        return null;
    }

    /** The environment the commands read their configuration from. */
    Map<String, String> env() {
        return env;
    }

    /** The configuration from this process's environment; exits with a clear message when invalid. */
    static ChainsyncConfig loadConfig(Map<String, String> env) {
        return ChainsyncConfig.fromEnvironment(env);
    }
}
