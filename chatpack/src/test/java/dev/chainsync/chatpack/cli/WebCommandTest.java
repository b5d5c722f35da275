package dev.chainsync.chatpack.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chainsync.chatpack.web.PageServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code chatpack web} without a browser: what it serves, what it refuses, and its errors. */
class WebCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Io io() {
        return new Io(
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                dir,
                false);
    }

    @ParameterizedTest
    @CsvSource({
        "/, 200, text/html",
        "/index.html, 200, text/html",
        "/chatpack-worker.js, 200, text/javascript",
        "/app.js, 200, text/javascript",
        "/style.css, 200, text/css",
        "/favicon.ico, 404, ''",
        "/chatpack-web/index.html, 404, ''",
        "/../chatpack.properties, 404, ''",
        "/dev/chainsync/chatpack/cli/Main.class, 404, ''"
    })
    void servesThePagesFilesAndNothingElse(String path, int status, String type) throws Exception {
        assumeTrue(PageServer.pageBuilt(), "SKIPPED: the page was not built (-Dchatpack.web.skip)");
        try (PageServer server = PageServer.start(0);
                HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(URI.create(server.uri() + path.substring(1)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(server.uri().getHost()).isEqualTo("127.0.0.1");
            assertThat(r.statusCode()).isEqualTo(status);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith(type);
        }
    }

    @Test
    void aPostIsRefused() throws Exception {
        assumeTrue(PageServer.pageBuilt(), "SKIPPED: the page was not built (-Dchatpack.web.skip)");
        try (PageServer server = PageServer.start(0);
                HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(server.uri())
                            .POST(HttpRequest.BodyPublishers.ofString("chat"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aPortInUseIsAnErrorNamingIt() throws Exception {
        assumeTrue(PageServer.pageBuilt(), "SKIPPED: the page was not built (-Dchatpack.web.skip)");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            int code = Main.run(new String[] {"web", "--port", Integer.toString(port)}, io());

            assertThat(code).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .contains("cannot serve on 127.0.0.1:" + port)
                    .contains("--port 0 picks a free port");
        }
    }

    @Test
    void aPortOutOfRangeIsAUsageError() {
        int code = Main.run(new String[] {"web", "--port", "70000"}, io());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--port must be from 0 to 65535");
    }

    @Test
    void helpDescribesTheCommand() {
        int code = Main.run(new String[] {"web", "--help"}, io());

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("chatpack web")
                .contains("--port")
                .contains("never sent");
    }

    @Test
    void anUnknownOptionPointsAtTheWebHelp() {
        int code = Main.run(new String[] {"web", "--bogus"}, io());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Try 'chatpack web --help'");
    }

    @Test
    void itServesUntilStoppedAndSaysWhere() throws Exception {
        assumeTrue(PageServer.pageBuilt(), "SKIPPED: the page was not built (-Dchatpack.web.skip)");
        Io io = io();
        WebCommand web = new WebCommand(io);
        Thread serving = Thread.ofVirtual().start(() -> Main.run(web, "web", new String[] {"web", "--port", "0"}, io));

        assertThat(web.started.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("serving the page on " + web.server.uri() + " (Ctrl-C to stop)");
        assertThat(serving.isAlive()).isTrue();

        web.stop.countDown();
        serving.join();
    }
}
