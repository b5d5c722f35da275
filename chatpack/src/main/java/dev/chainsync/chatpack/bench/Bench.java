package dev.chainsync.chatpack.bench;

import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.OutputFormat;
import dev.chainsync.chatpack.Platform;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Generates a synthetic export per platform in a temporary directory, converts it end to end (file in, file
 * out, default options), prints messages/s and peak memory, and deletes everything it wrote.
 */
public final class Bench {

    /** Deterministic content, so runs compare. */
    public static final long SEED = 42;

    /**
     * The JVM options {@code bin/chatpack} starts the tool with (keep the script in sync; a test checks).
     * A one-shot batch job on few cores spends less CPU and memory with the serial collector than with G1,
     * whose concurrent threads and barriers compete with the parser threads.
     */
    public static final List<String> LAUNCHER_JVM_OPTIONS = List.of("-XX:+UseSerialGC");

    private static final double MB = 1024.0 * 1024.0;

    private Bench() {}

    /**
     * @param platforms which exports to generate and convert
     * @param sizeBytes approximate size of each generated export
     * @param parentDir where the temporary directory goes
     * @param format    output format
     * @param keep      keep the generated files (their paths are printed)
     * @param inProcess convert in this JVM instead of a fresh one (peak RSS is then the whole run's)
     * @param runs      conversions per export in the same JVM; the first is cold, the others warm
     */
    public record Settings(
            List<Platform> platforms,
            long sizeBytes,
            Path parentDir,
            OutputFormat format,
            boolean keep,
            boolean inProcess,
            int runs) {

        public Settings {
            if (runs < 1) {
                throw new IllegalArgumentException("runs must be at least 1");
            }
        }
    }

    /** One platform's figures. */
    public record Row(
            Platform platform,
            int run,
            long inputBytes,
            long messages,
            long written,
            double seconds,
            double cpuSeconds,
            long peakRss,
            long peakHeap) {

        public double messagesPerSecond() {
            return messages / seconds;
        }

        public double megabytesPerSecond() {
            return inputBytes / MB / seconds;
        }
    }

    public static List<Row> run(Settings settings, PrintStream out) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(settings.parentDir(), "chatpack-bench-");
        Thread cleanup = new Thread(() -> deleteQuietly(dir), "chatpack-bench-cleanup");
        if (!settings.keep()) {
            Runtime.getRuntime().addShutdownHook(cleanup);
        }
        List<Row> rows = new ArrayList<>();
        try {
            printHeader(settings, out);
            for (Platform p : settings.platforms()) {
                Path pdir = dir.resolve(p.names().get(1));
                rows.addAll(measure(settings, p, pdir, out));
                out.flush();
                if (!settings.keep()) {
                    deleteQuietly(pdir);
                }
            }
            if (settings.keep()) {
                out.println("kept: " + dir);
            }
            return rows;
        } finally {
            if (!settings.keep()) {
                deleteQuietly(dir);
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanup);
                } catch (IllegalStateException shuttingDown) {
                    // The hook deletes the same directory.
                }
            }
        }
    }

    private static void printHeader(Settings settings, PrintStream out) {
        out.printf(
                Locale.ROOT,
                "chatpack bench: %s per export, %s output, %s, %d cores, max heap %s%n",
                human(settings.sizeBytes()),
                settings.format().name(),
                settings.inProcess()
                        ? "in-process"
                        : "fresh JVM per platform "
                                + childJvmOptions(
                                        ManagementFactory.getRuntimeMXBean().getInputArguments()),
                Runtime.getRuntime().availableProcessors(),
                human(Runtime.getRuntime().maxMemory()));
        out.printf(
                Locale.ROOT,
                "%-12s %10s %12s %12s %9s %9s %12s %9s %10s %10s%n",
                "platform",
                "input",
                "messages",
                "rows out",
                "seconds",
                "cpu s",
                "msgs/s",
                "MB/s",
                "peak RSS",
                "peak heap");
    }

    /** Generates one platform's export in {@code pdir}, converts it {@code settings.runs()} times, prints a row a run. */
    private static List<Row> measure(Settings settings, Platform p, Path pdir, PrintStream out)
            throws IOException, InterruptedException {
        List<Row> rows = new ArrayList<>();
        SyntheticExports.Generated g = new SyntheticExports(SEED).generate(p, pdir, settings.sizeBytes());
        // Flush the fresh export to disk first, so the kernel's write-back of a gigabyte of dirty pages
        // does not run during the measurement. The file stays in the page cache, as an export just
        // downloaded or unpacked would be.
        for (Path f : g.files()) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
        Path output = pdir.resolve("out." + settings.format().extension());
        List<BenchWorker.Measurement> measured = new ArrayList<>();
        if (settings.inProcess()) {
            List<ChatInput> inputs = g.files().stream().map(ChatInput::of).toList();
            for (int r = 0; r < settings.runs(); r++) {
                measured.add(BenchWorker.run(p, settings.format(), output, inputs));
            }
        } else {
            measured.addAll(inChild(p, settings.format(), settings.runs(), output, g.files()));
        }
        for (int r = 0; r < measured.size(); r++) {
            BenchWorker.Measurement m = measured.get(r);
            Row row = new Row(
                    p,
                    r + 1,
                    g.bytes(),
                    m.messagesRead(),
                    m.messagesWritten(),
                    m.nanos() / 1e9,
                    m.cpuNanos() / 1e9,
                    m.peakRss(),
                    m.peakHeap());
            rows.add(row);
            String label = settings.runs() == 1 ? p.displayName() : p.displayName() + " #" + (r + 1);
            out.printf(
                    Locale.ROOT,
                    "%-12s %10s %,12d %,12d %9.2f %9.2f %,12.0f %9.1f %10s %10s%n",
                    label,
                    human(row.inputBytes()),
                    row.messages(),
                    row.written(),
                    row.seconds(),
                    row.cpuSeconds(),
                    row.messagesPerSecond(),
                    row.megabytesPerSecond(),
                    human(row.peakRss()),
                    human(row.peakHeap()));
        }
        return rows;
    }

    /** Runs {@link BenchWorker} in a fresh JVM with this JVM's heap settings and reads its result line. */
    private static List<BenchWorker.Measurement> inChild(
            Platform p, OutputFormat format, int runs, Path output, List<Path> inputs)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(childJvmOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BenchWorker.class.getName());
        cmd.add(p.name());
        cmd.add(format.name());
        cmd.add(Integer.toString(runs));
        cmd.add(output.toString());
        inputs.forEach(f -> cmd.add(f.toString()));
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        List<String> lines = text.lines()
                .filter(l -> l.startsWith(BenchWorker.RESULT_PREFIX))
                .toList();
        if (exit != 0 || lines.size() != runs) {
            throw new IOException(
                    "benchmark worker for " + p.displayName() + " failed (exit " + exit + "): " + text.strip());
        }
        return lines.stream().map(BenchWorker.Measurement::parse).toList();
    }

    /**
     * This JVM's memory and GC settings (debuggers and agents would distort the figures), plus the launcher's
     * options unless a collector was chosen explicitly: the benchmark measures what {@code chatpack} runs.
     */
    static List<String> childJvmOptions(List<String> parentArguments) {
        List<String> options = new ArrayList<>();
        for (String arg : parentArguments) {
            if ((arg.startsWith("-X") || arg.startsWith("-XX:"))
                    && !arg.startsWith("-Xrunjdwp")
                    && !arg.startsWith("-Xdebug")) {
                options.add(arg);
            }
        }
        boolean collectorChosen = options.stream().anyMatch(o -> o.matches("-XX:\\+Use\\w*GC"));
        if (!collectorChosen) {
            options.addAll(LAUNCHER_JVM_OPTIONS);
        }
        return options;
    }

    /** 1.5 GB, 300 MB, 12 KB. */
    static String human(long bytes) {
        if (bytes < 0) {
            return "n/a";
        }
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.0f MB", bytes / MB);
        }
        return String.format(Locale.ROOT, "%.0f KB", bytes / 1024.0);
    }

    /** Parses 1g, 512m, 64k or a plain byte count. */
    public static long parseSize(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("b")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.endsWith("g")) {
            unit = 1L << 30;
        } else if (s.endsWith("m")) {
            unit = 1L << 20;
        } else if (s.endsWith("k")) {
            unit = 1L << 10;
        }
        if (unit != 1) {
            s = s.substring(0, s.length() - 1);
        }
        double value = Double.parseDouble(s);
        if (value <= 0) {
            throw new IllegalArgumentException("size must be positive");
        }
        return (long) (value * unit);
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Best effort; the directory is under the temp dir.
                }
            });
        } catch (IOException ignored) {
            // Same.
        }
    }
}
