package dev.chainsync.app;

import dev.chainsync.config.ChainsyncConfig;
import dev.chainsync.config.ConfigException;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code chainsync} command line. */
@Command(name = "chainsync", mixinStandardHelpOptions = true, version = "chainsync 0.1.0",
        description = "Keeps PostgreSQL consistent with a blockchain.",
        subcommands = {ServeCommand.class, DemoCommand.class, MigrateCommand.class, BenchCommand.class, IngestCommand.class, KeysCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit code for a configuration or usage error. */
    static final int EXIT_CONFIG = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException ce) {
                cmd.getErr().println("chainsync: " + ce.getMessage());
                return EXIT_CONFIG;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** The configuration from this process's environment; exits with a clear message when invalid. */
    static ChainsyncConfig loadConfig(Map<String, String> env) {
        return ChainsyncConfig.fromEnvironment(env);
    }
}
