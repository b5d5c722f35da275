package dev.chainsync.chatpack.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The process's streams and surroundings, passed in so tests can run the CLI in-process.
 *
 * @param in          standard input
 * @param out         standard output (converted data when {@code -o -})
 * @param err         messages, progress, stats
 * @param workingDir  what relative paths resolve against
 * @param interactive whether a person is watching a terminal (progress bars only then)
 */
record Io(InputStream in, PrintStream out, PrintStream err, Path workingDir, boolean interactive) {

    static Io system() {
        java.io.Console console = System.console();
        boolean terminal = console != null && console.isTerminal();
        return new Io(System.in, System.out, System.err, Path.of("").toAbsolutePath(), terminal);
    }
}
