package dev.chainsync.chatpack.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * The {@code chatpack} command: converts an export, with {@code bench} measures throughput, with {@code web}
 * serves the browser page.
 */
public final class Main {

    /** Exit code for conversion failures (bad input, I/O), as the original. */
    static final int EXIT_RUNTIME = 1;
    /** Exit code for command-line mistakes, as the original. */
    static final int EXIT_USAGE = 2;

    private Main() {}

    public static void main(String[] args) {
        int code = run(args, Io.system());
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /** Runs the command and returns its exit code; never calls System.exit. */
    static int run(String[] args, Io io) {
        String sub = args.length > 0 && (args[0].equals("bench") || args[0].equals("web")) ? args[0] : null;
        Object command =
                sub == null ? new ConvertCommand(io) : sub.equals("bench") ? new BenchCommand(io) : new WebCommand(io);
        return run(command, sub, args, io);
    }

    /** Runs an already built command (tests hold on to a {@link WebCommand} to stop it). */
    static int run(Object command, String sub, String[] args, Io io) {
        String[] rest = sub == null ? args : Arrays.copyOfRange(args, 1, args.length);
        CommandLine cmd = new CommandLine(command);
        cmd.setOut(new PrintWriter(io.out(), true));
        cmd.setErr(new PrintWriter(io.err(), true));
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("chatpack: " + ex.getMessage());
            err.println("Try 'chatpack " + (sub == null ? "" : sub + " ") + "--help' for more information.");
            err.flush();
            return EXIT_USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            PrintWriter err = c.getErr();
            err.println("chatpack: internal error: " + ex);
            err.flush();
            return EXIT_RUNTIME;
        });
        return cmd.execute(rest);
    }
}
