package dev.chainsync.chatpack.bench;

import static dev.chainsync.chatpack.Fixtures.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.chatpack.OutputFormat;
import dev.chainsync.chatpack.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchTest {

    @TempDir
    Path dir;

    @Test
    void runsEveryPlatformReportsFiguresAndCleansUp() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Bench.Row> rows = Bench.run(
                new Bench.Settings(List.of(Platform.values()), 1 << 20, dir, OutputFormat.CSV, false, true, 2),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(rows)
                .extracting(Bench.Row::platform)
                .containsExactly(
                        Platform.TELEGRAM,
                        Platform.TELEGRAM,
                        Platform.WHATSAPP,
                        Platform.WHATSAPP,
                        Platform.INSTAGRAM,
                        Platform.INSTAGRAM,
                        Platform.DISCORD,
                        Platform.DISCORD);
        assertThat(rows).extracting(Bench.Row::run).containsExactly(1, 2, 1, 2, 1, 2, 1, 2);
        // The same export converted twice gives the same counts.
        assertThat(rows.get(0).messages()).isEqualTo(rows.get(1).messages());
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.inputBytes()).isGreaterThanOrEqualTo(1 << 20);
            assertThat(r.messages()).isPositive();
            assertThat(r.written()).isPositive().isLessThan(r.messages());
            assertThat(r.messagesPerSecond()).isPositive();
        });
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("msgs/s", "peak RSS", "Telegram #2", "Discord #1");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void generatedExportsReadBackCompletely() throws IOException {
        SyntheticExports gen = new SyntheticExports(11);
        for (Platform p : Platform.values()) {
            SyntheticExports.Generated g = gen.generate(p, dir.resolve(p.name()), 300_000);
            long read = readAll(
                            p,
                            g.files().stream()
                                    .map(dev.chainsync.chatpack.ChatInput::of)
                                    .toArray(dev.chainsync.chatpack.ChatInput[]::new))
                    .size();
            // Every generated message is read back, except those the readers drop on purpose (system
            // notices, reactions, Discord joins): a few percent at most.
            assertThat(read).as(p.name()).isBetween(g.messages() * 85 / 100, g.messages());
        }
    }

    @Test
    void launcherScriptUsesTheOptionsTheBenchmarkMeasures() throws IOException {
        String script = Files.readString(Path.of("bin/chatpack"));
        assertThat(script)
                .contains("readonly DEFAULT_JAVA_OPTS=\"" + String.join(" ", Bench.LAUNCHER_JVM_OPTIONS) + "\"");
    }

    @Test
    void childJvmKeepsHeapSettingsAndAddsTheLauncherCollectorUnlessOneWasChosen() {
        assertThat(Bench.childJvmOptions(
                        List.of("-Xmx256m", "-javaagent:x.jar", "-Dfoo=bar", "-agentlib:jdwp=transport=dt_socket")))
                .containsExactly("-Xmx256m", "-XX:+UseSerialGC");
        assertThat(Bench.childJvmOptions(List.of("-Xmx256m", "-XX:+UseG1GC")))
                .containsExactly("-Xmx256m", "-XX:+UseG1GC");
    }

    @Test
    void sizesParse() {
        assertThat(Bench.parseSize("1g")).isEqualTo(1L << 30);
        assertThat(Bench.parseSize("256M")).isEqualTo(256L << 20);
        assertThat(Bench.parseSize("1.5k")).isEqualTo(1536);
        assertThat(Bench.parseSize("1000")).isEqualTo(1000);
    }
}
