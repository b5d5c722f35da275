package dev.chainsync.chatpack.bench;

import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.Conversion;
import dev.chainsync.chatpack.ConversionResult;
import dev.chainsync.chatpack.ConvertOptions;
import dev.chainsync.chatpack.OutputFormat;
import dev.chainsync.chatpack.Platform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts one export (several times with {@code runs} above 1) and prints a {@code RESULT key=value ...} line
 * per conversion. The benchmark runs it in a fresh JVM per platform so each gets its own peak-RSS reading,
 * with the heap limit the benchmark itself was given. The first run includes JIT warm-up; later ones show the
 * warm speed.
 */
public final class BenchWorker {

    static final String RESULT_PREFIX = "RESULT ";

    private BenchWorker() {}

    /** Arguments: platform, format, runs, output file, input files... */
    public static void main(String[] args) throws Exception {
        Platform platform = Platform.valueOf(args[0]);
        OutputFormat format = OutputFormat.valueOf(args[1]);
        int runs = Integer.parseInt(args[2]);
        Path output = Path.of(args[3]);
        List<ChatInput> inputs = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            inputs.add(ChatInput.of(Path.of(args[i])));
        }
        for (int r = 0; r < runs; r++) {
            System.out.println(run(platform, format, output, inputs).line());
        }
    }

    /** One measured conversion. */
    record Measurement(
            long messagesRead,
            long messagesWritten,
            long bytesOut,
            long nanos,
            long cpuNanos,
            long peakRss,
            long peakHeap) {

        String line() {
            return RESULT_PREFIX + "read=" + messagesRead + " written=" + messagesWritten + " bytesOut=" + bytesOut
                    + " nanos=" + nanos + " cpuNanos=" + cpuNanos + " peakRss=" + peakRss + " peakHeap=" + peakHeap;
        }

        static Measurement parse(String line) {
            java.util.Map<String, Long> v = new java.util.HashMap<>();
            for (String kv : line.substring(RESULT_PREFIX.length()).trim().split(" ")) {
                int eq = kv.indexOf('=');
                v.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
            }
            return new Measurement(
                    v.get("read"),
                    v.get("written"),
                    v.get("bytesOut"),
                    v.get("nanos"),
                    v.get("cpuNanos"),
                    v.get("peakRss"),
                    v.get("peakHeap"));
        }
    }

    static Measurement run(Platform platform, OutputFormat format, Path output, List<ChatInput> inputs)
            throws java.io.IOException {
        ConvertOptions options = ConvertOptions.builder().format(format).build();
        long cpuStart = Memory.processCpuNanos();
        long start = System.nanoTime();
        ConversionResult r = new Conversion(platform, inputs, options).writeTo(output);
        long nanos = System.nanoTime() - start;
        long cpu = Memory.processCpuNanos() - cpuStart;
        return new Measurement(
                r.messagesRead(),
                r.messagesWritten(),
                r.bytesWritten(),
                nanos,
                cpu,
                Memory.peakRssBytes(),
                Memory.peakHeapBytes());
    }
}
