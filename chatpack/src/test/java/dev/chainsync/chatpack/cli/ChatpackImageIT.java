package dev.chainsync.chatpack.cli;

import static dev.chainsync.chatpack.Fixtures.convert;
import static dev.chainsync.chatpack.Fixtures.input;
import static dev.chainsync.chatpack.Fixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chainsync.chatpack.ConvertOptions;
import dev.chainsync.chatpack.Platform;
import dev.chainsync.chatpack.web.PageServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The self-contained image {@code package} builds (target/chatpack-image: a jlink runtime, the jar, the
 * launcher) runs chatpack with no JDK around: no JAVA_HOME, no java on the PATH. Runs in {@code verify},
 * after the image exists.
 */
class ChatpackImageIT {

    private static final Path IMAGE = Path.of("target", "chatpack-image");
    private static final Path LAUNCHER = IMAGE.resolve("bin/chatpack");

    @BeforeAll
    static void imageWasBuilt() {
        assumeTrue(
                Files.isExecutable(LAUNCHER),
                "no " + LAUNCHER + ": the image is built by 'package' (skipped with -Dchatpack.image.skip)");
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "the launcher needs bash, and this machine has none");
    }

    /** Runs the launcher with an environment that offers no Java at all. */
    private static Run launch(String stdin, Map<String, String> extraEnv, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder();
        pb.command().add(LAUNCHER.toAbsolutePath().toString());
        pb.command().addAll(List.of(args));
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/bin:/bin");
        env.put("JAVA_HOME", "/nonexistent-jdk");
        env.putAll(extraEnv);
        Path out = Files.createTempFile("chatpack-image", ".out");
        Path err = Files.createTempFile("chatpack-image", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chatpack finished").isTrue();
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    record Run(int code, String out, String err) {}

    @Test
    void theImageCarriesARuntimeNotAJdk() {
        Path runtime = IMAGE.resolve("runtime");
        assertThat(runtime.resolve("bin/java")).isExecutable();
        assertThat(runtime.resolve("bin/javac")).doesNotExist();
        assertThat(IMAGE.resolve("lib/chatpack.jar")).isRegularFile();
    }

    @Test
    void theLauncherUsesTheBundledRuntime() throws Exception {
        Run r = launch("", Map.of("CHATPACK_JAVA_OPTS", "-XshowSettings:properties"), "--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("chatpack " + Version.current());
        String runtime = IMAGE.resolve("runtime").toAbsolutePath().normalize().toString();
        assertThat(r.err()).contains("java.home = " + runtime);
    }

    @Test
    void itConvertsExactlyAsTheLibraryDoes() throws Exception {
        String chat = Files.readString(resource("real/whatsapp_ios_nl.txt"));
        Run r = launch(chat, Map.of(), "wa", "-", "-o", "-", "-q", "-t");
        assertThat(r.code()).as(r.err()).isZero();
        String expected = convert(
                Platform.WHATSAPP,
                ConvertOptions.builder().timestamps(true).build(),
                input("real/whatsapp_ios_nl.txt"));
        assertThat(r.out()).isEqualTo(expected);
    }

    @Test
    void aBadFileFailsWithOneLine() throws Exception {
        Run r = launch("not a chat\n", Map.of(), "wa", "-", "-o", "-");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("chatpack: error: ").contains("not a WhatsApp message line");
    }

    @Test
    @Timeout(120)
    void chatpackWebServesThePageFromTheImage() throws Exception {
        assumeTrue(PageServer.pageBuilt(), "SKIPPED: the page was not built (-Dchatpack.web.skip)");
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toAbsolutePath().toString(), "web", "--port", "0");
        pb.environment().clear();
        pb.environment().putAll(Map.of("PATH", "/usr/bin:/bin", "JAVA_HOME", "/nonexistent-jdk"));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                HttpClient client = HttpClient.newHttpClient()) {
            String line = out.readLine();
            assertThat(line).as("the first line names the address").startsWith("chatpack: serving the page on ");
            URI page = URI.create(line.split(" ")[5]);

            HttpResponse<String> r =
                    client.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(page.getHost()).isEqualTo("127.0.0.1");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("<title>chatpack");
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
