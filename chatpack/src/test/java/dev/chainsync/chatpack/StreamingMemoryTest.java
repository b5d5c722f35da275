package dev.chainsync.chatpack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.chatpack.bench.SyntheticExports;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Converts exports four times larger than the heap in a child JVM. Code that loaded the export, or kept its
 * messages, would fail with OutOfMemoryError; streaming code passes. Both Telegram paths are covered: the
 * parallel block reader (pretty-printed) and the sequential one (minified, a single line).
 */
class StreamingMemoryTest {

    private static final String HEAP = "-Xmx32m";
    private static final long SIZE = 128L << 20;

    @TempDir
    static Path dir;

    static Path pretty;
    static Path minified;

    @BeforeAll
    static void generate() throws IOException {
        pretty = new SyntheticExports(5)
                .generate(Platform.TELEGRAM, dir.resolve("pretty"), SIZE)
                .files()
                .getFirst();
        minified = dir.resolve("min.json");
        // Raw newlines occur only between tokens, so dropping them and the indentation after them is safe.
        try (InputStream in = Files.newInputStream(pretty);
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(minified), 1 << 16)) {
            byte[] buf = new byte[1 << 16];
            boolean indent = false;
            int n;
            while ((n = in.read(buf)) > 0) {
                int w = 0;
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        indent = true;
                    } else if (!(indent && b == ' ')) {
                        indent = false;
                        buf[w++] = b;
                    }
                }
                out.write(buf, 0, w);
            }
        }
    }

    private static String convertInChild(Path input, Path output) throws IOException, InterruptedException {
        return runInChild("tg", input.toString(), "-o", output.toString(), "-t", "--ids");
    }

    private static String runInChild(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.chainsync.chatpack.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        return log;
    }

    /** "N messages read, N kept, N written" from the summary line. */
    private static String counts(String log) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "[\\d,]+ messages read, [\\d,]+ kept, [\\d,]+ written")
                .matcher(log);
        assertThat(m.find()).as(log).isTrue();
        return m.group();
    }

    @Test
    void exportsFourTimesTheHeapConvertIdenticallyOnBothPaths() throws Exception {
        assertThat(Files.size(pretty)).isGreaterThanOrEqualTo(SIZE);
        assertThat(Files.size(minified)).isLessThan(Files.size(pretty) * 9 / 10);
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        String logA = convertInChild(pretty, a);
        String logB = convertInChild(minified, b);
        assertThat(logA).contains("messages read");
        assertThat(counts(logB)).isEqualTo(counts(logA));
        assertThat(Files.mismatch(a, b)).isEqualTo(-1);
        assertThat(Files.size(a)).isGreaterThan(SIZE / 10);
    }

    /**
     * A channel's export has one sender, so merging makes the whole chat one run: its texts must stream into
     * the row or object, not gather in memory first (JSONL, and CSV behind a filter, take the message path).
     */
    @Test
    void aOneSenderChatFourTimesTheHeapMergesIntoOneRowWithoutHoldingIt() throws Exception {
        Path chat = dir.resolve("channel.txt");
        String text = "news item " + "x".repeat(100);
        long lines = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(chat), 1 << 16)) {
            while (lines * 140 < SIZE) {
                out.write(("[15/01/2024, 10:30:45] Channel: " + text + " " + lines + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                lines++;
            }
        }
        assertThat(Files.size(chat)).isGreaterThanOrEqualTo(SIZE);
        Path jsonl = dir.resolve("channel.jsonl");
        String log = runInChild("wa", chat.toString(), "-o", jsonl.toString(), "-f", "jsonl");
        assertThat(counts(log)).endsWith(" 1 written");
        try (var reader = Files.newBufferedReader(jsonl)) {
            assertThat(reader.readLine()).startsWith("{\"sender\":\"Channel\",\"content\":\"" + text + " 0\\n");
            assertThat(reader.readLine()).as("one object").isNull();
        }
        Path csv = dir.resolve("channel.csv");
        runInChild("wa", chat.toString(), "-o", csv.toString(), "--from", "Channel");
        assertThat(Files.size(csv)).isGreaterThan(SIZE / 2);
    }
}
