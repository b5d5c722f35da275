package dev.chainsync.chatpack.cli;

import dev.chainsync.chatpack.OutputFormat;
import dev.chainsync.chatpack.Platform;
import dev.chainsync.chatpack.bench.Bench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chatpack bench}: synthetic exports per platform, converted end to end, with throughput and memory. */
@Command(
        name = "chatpack bench",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Generate a synthetic export per platform in a temporary directory, convert each in a fresh JVM "
                    + "(with this JVM's -Xmx), print messages/s and peak memory, then delete the files.",
            ""
        },
        footer = {"", "Example: java -Xmx256m -jar chatpack.jar bench --size 1g"})
final class BenchCommand implements Callable<Integer> {

    static final String DEFAULT_SIZE = "256m";

    private final Io io;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--size",
            paramLabel = "SIZE",
            defaultValue = DEFAULT_SIZE,
            description = "Size of each export, e.g. 64m, 1g (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(
            names = "--platforms",
            paramLabel = "LIST",
            split = ",",
            defaultValue = "tg,wa,ig,dc",
            description = "Comma-separated platforms (default: ${DEFAULT-VALUE}).")
    List<String> platforms = new ArrayList<>();

    @Option(
            names = {"-f", "--format"},
            paramLabel = "FORMAT",
            defaultValue = "csv",
            converter = Converters.Format.class,
            description = "Output format (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description = "Where to put the temporary files (default: the " + "system temp directory).")
    Path dir;

    @Option(names = "--keep", description = "Keep the generated exports and print where they are.")
    boolean keep;

    @Option(
            names = "--in-process",
            description = "Convert in this JVM (faster to start; peak RSS covers the " + "whole run).")
    boolean inProcess;

    @Option(
            names = "--runs",
            paramLabel = "N",
            defaultValue = "1",
            description = "Conversions per export in the same JVM: the first includes JIT warm-up, the rest "
                    + "are warm (default: ${DEFAULT-VALUE}).")
    int runs;

    BenchCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        long bytes;
        try {
            bytes = Bench.parseSize(size);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "Invalid --size '" + size + "': use e.g. 64m or 1g");
        }
        List<Platform> chosen = new ArrayList<>();
        for (String name : platforms) {
            chosen.add(Platform.byName(name.strip())
                    .orElseThrow(() ->
                            new CommandLine.ParameterException(spec.commandLine(), "Unknown platform '" + name + "'")));
        }
        if (runs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be at least 1");
        }
        Path parent = dir != null ? io.workingDir().resolve(dir) : Path.of(System.getProperty("java.io.tmpdir"));
        if (!Files.isDirectory(parent)) {
            io.err().println("chatpack: error: " + parent + ": no such directory");
            return Main.EXIT_RUNTIME;
        }
        try {
            Bench.run(new Bench.Settings(chosen, bytes, parent, format, keep, inProcess, runs), io.out());
            return 0;
        } catch (IOException e) {
            io.err().println("chatpack: error: " + ConvertCommand.describe(e));
            return Main.EXIT_RUNTIME;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            io.err().println("chatpack: error: interrupted");
            return Main.EXIT_RUNTIME;
        }
    }
}
