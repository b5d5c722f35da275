package dev.chainsync.chatpack.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;

/** The {@code chatpack} command: converts an export, or with {@code bench} measures throughput. */
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
        boolean bench = args.length > 0 && args[0].equals("bench");
        Object command = bench ? new BenchCommand(io) : new ConvertCommand(io);
        String[] rest = bench ? Arrays.copyOfRange(args, 1, args.length) : args;
        CommandLine cmd = new CommandLine(command);
        cmd.setOut(new PrintWriter(io.out(), true));
        cmd.setErr(new PrintWriter(io.err(), true));
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("chatpack: " + ex.getMessage());
            err.println("Try 'chatpack " + (bench ? "bench " : "") + "--help' for more information.");
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
