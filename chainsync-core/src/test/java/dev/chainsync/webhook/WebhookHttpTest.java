package dev.chainsync.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher's HTTP/1.1 client against scripted servers on real sockets. */
class WebhookHttpTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final List<String> HEADERS = List.of("Content-Type", "application/json", "webhook-id", "msg_1");

    private final WebhookHttp http = new WebhookHttp(Duration.ofSeconds(2), true, 1024, 8, WebhookHttp.defaultTls());
    private Scripted server;

    @AfterEach
    void tearDown() throws IOException {
        http.close();
        if (server != null) {
            server.close();
        }
    }

    /** A server that reads each request on a connection and answers with the next scripted bytes. */
    private static final class Scripted implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();

        interface Handler {
            /** Answers request {@code n} (0-based) on one connection; false closes the connection after it. */
            boolean answer(int n, String request, OutputStream out) throws IOException, InterruptedException;
        }

        Scripted(Handler handler) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        connections.incrementAndGet();
                        Thread.ofVirtual().start(() -> serve(s, handler));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket s, Handler handler) {
            try (s) {
                InputStream in = s.getInputStream();
                for (int n = 0; ; n++) {
                    String request = readRequest(in);
                    if (request == null) {
                        return;
                    }
                    requests.add(request);
                    if (!handler.answer(n, request, s.getOutputStream())) {
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the client went away
            } finally {
                closed.incrementAndGet();
            }
        }

        /** Head and Content-Length body, or null at end of stream. */
        private static String readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                String h = head.toString(StandardCharsets.ISO_8859_1);
                if (h.endsWith("\r\n\r\n")) {
                    int at = h.toLowerCase().indexOf("content-length: ");
                    int length = Integer.parseInt(
                            h.substring(at + 16, h.indexOf("\r\n", at)).trim());
                    return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
                }
            }
            return null;
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private WebhookHttp.Response post(URI uri) throws Exception {
        return http.post(uri, HEADERS, "{\"a\":1}".getBytes(StandardCharsets.UTF_8), TIMEOUT);
    }

    @Test
    void sendsAFramedPostAndReusesTheConnection() throws Exception {
        server = new Scripted((n, req, out) -> {
            write(out, "HTTP/1.1 204 No Content\r\n\r\n");
            return true;
        });

        for (int i = 0; i < 5; i++) {
            assertThat(post(server.uri("/hook?x=1")).status()).isEqualTo(204);
        }

        assertThat(server.connections).hasValue(1);
        String first = server.requests.peek();
        assertThat(first)
                .startsWith("POST /hook?x=1 HTTP/1.1\r\n")
                .contains("\r\nHost: 127.0.0.1:" + server.socket.getLocalPort() + "\r\n")
                .contains("\r\nwebhook-id: msg_1\r\n")
                .contains("\r\nContent-Length: 7\r\n")
                .endsWith("\r\n\r\n{\"a\":1}");
    }

    @Test
    void readsChunkedAndSizedBodiesIntoABoundedExcerptAndKeepsTheConnection() throws Exception {
        String big = "x".repeat(5000);
        server = new Scripted((n, req, out) -> {
            if (n == 0) {
                write(
                        out,
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7;ext=1\r\nHello, \r\n5\r\nworld\r\n0\r\n"
                                + "Trailer: x\r\n\r\n");
            } else {
                write(out, "HTTP/1.1 500 Oops\r\nContent-Length: " + big.length() + "\r\nRetry-After: 7\r\n\r\n" + big);
            }
            return true;
        });

        assertThat(post(server.uri("/"))).isEqualTo(new WebhookHttp.Response(200, null, "Hello, world"));
        WebhookHttp.Response second = post(server.uri("/"));

        assertThat(second.status()).isEqualTo(500);
        assertThat(second.retryAfter()).isEqualTo("7");
        assertThat(second.excerpt()).hasSize(1024);
        assertThat(post(server.uri("/")).status()).isEqualTo(500);
        assertThat(server.connections).as("both bodies were read to their end").hasValue(1);
    }

    @Test
    void aHugeBodyIsNotDrainedButItsConnectionIsDropped() throws Exception {
        server = new Scripted((n, req, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\n" + "y".repeat(4096));
            return n == 0; // never sends the rest
        });

        WebhookHttp.Response r = post(server.uri("/"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.excerpt()).hasSize(1024);
        assertThat(post(server.uri("/")).status()).isEqualTo(200);
        assertThat(server.connections).hasValue(2);
    }

    @Test
    void aBodyDelimitedByCloseAndAnInterimAnswerAreUnderstood() throws Exception {
        server = new Scripted((n, req, out) -> {
            write(out, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 202 Accepted\r\n\r\nqueued");
            return false;
        });

        assertThat(post(server.uri("/"))).isEqualTo(new WebhookHttp.Response(202, null, "queued"));
        assertThat(post(server.uri("/")).status()).isEqualTo(202);
        assertThat(server.connections).hasValue(2);
    }

    @Test
    void connectionHeadersAmbiguousFramingAndLeftoverBytesDecideReuse() throws Exception {
        AtomicInteger request = new AtomicInteger();
        server = new Scripted((n, req, out) -> {
            switch (request.getAndIncrement()) {
                case 0 -> write(out, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
                // Both framings: chunked wins, and the connection is not trusted afterwards.
                case 1 ->
                    write(
                            out,
                            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                                    + "2\r\nhi\r\n0\r\n\r\n");
                case 2 -> write(out, "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n");
                // A 204 has no body; these two bytes must not be read as the next answer.
                case 3 -> write(out, "HTTP/1.1 204 No Content\r\nContent-Length: 2\r\n\r\n{}");
                default -> write(out, "HTTP/1.1 204 No Content\r\n\r\n");
            }
            return true; // the server would keep every connection
        });

        assertThat(post(server.uri("/")).excerpt()).isEqualTo("ok");
        assertThat(post(server.uri("/")).excerpt()).isEqualTo("hi");
        assertThat(post(server.uri("/")).status()).isEqualTo(200);
        assertThat(post(server.uri("/")).status()).isEqualTo(204);
        assertThat(post(server.uri("/")).status()).isEqualTo(204);
        assertThat(post(server.uri("/")).status()).isEqualTo(204);

        // close -> new; both framings -> new; 1.0 keep-alive -> reused; leftover bytes -> new; then reused.
        assertThat(server.connections).hasValue(4);
        assertThat(server.requests).hasSize(6);
    }

    @Test
    void idleConnectionsExpireAndAreClosed() throws Exception {
        server = new Scripted((n, req, out) -> {
            write(out, "HTTP/1.1 204 No Content\r\n\r\n");
            return true;
        });
        try (WebhookHttp expiring =
                new WebhookHttp(Duration.ofSeconds(2), true, 1024, 8, WebhookHttp.defaultTls(), Duration.ZERO)) {
            expiring.post(server.uri("/"), HEADERS, new byte[0], TIMEOUT);
            expiring.post(server.uri("/"), HEADERS, new byte[0], TIMEOUT);
            assertThat(server.connections)
                    .as("an expired connection is not reused")
                    .hasValue(2);

            expiring.evictIdle();

            Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(server.closed).hasValue(2));
        }
    }

    @Test
    void headerValuesCannotSmuggleLines() {
        assertThatThrownBy(() -> WebhookHttp.request(
                        URI.create("http://example.com/"), List.of("webhook-id", "msg_1\r\nX-Evil: 1"), new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("webhook-id");
    }

    @Test
    void anInterruptedDeliveryStopsAtOnce() throws Exception {
        server = new Scripted((n, req, out) -> {
            Thread.sleep(60_000); // never answers in time
            return false;
        });
        java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread delivery = Thread.ofVirtual().start(() -> {
            try {
                post(server.uri("/"));
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.requests.size() == 1);

        delivery.interrupt();

        assertThat(outcome.get(5, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    }

    @Test
    void aReceiverThatNeverReadsCannotHoldALargeWritePastTheDeadline() throws Exception {
        try (ServerSocket deaf = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try {
                    Socket held = deaf.accept(); // accepted, never read
                    Thread.sleep(60_000);
                    held.close();
                } catch (IOException | InterruptedException e) {
                    // test over
                }
            });
            long t0 = System.nanoTime();

            assertThatThrownBy(() -> http.post(
                            URI.create("http://127.0.0.1:" + deaf.getLocalPort() + "/"),
                            HEADERS,
                            new byte[64 * 1024 * 1024],
                            Duration.ofMillis(500)))
                    .isInstanceOf(WebhookHttp.Failure.class)
                    .hasMessage("timed out after 500 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aPooledConnectionTheServerClosedIsReplacedOnce() throws Exception {
        server = new Scripted((n, req, out) -> {
            write(out, "HTTP/1.1 204 No Content\r\n\r\n");
            return false; // closes after every answer, without saying so
        });

        for (int i = 0; i < 3; i++) {
            assertThat(post(server.uri("/")).status()).isEqualTo(204);
        }
        assertThat(server.requests).hasSize(3);
        assertThat(server.connections).hasValue(3);
    }

    @Test
    void aServerThatNeverFinishesAnsweringHitsTheDeadline() throws Exception {
        server = new Scripted((n, req, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
            for (int i = 0; i < 100; i++) {
                Thread.sleep(100); // the server under test is slow on purpose
                write(out, "z");
            }
            return true;
        });
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> http.post(server.uri("/"), HEADERS, new byte[0], Duration.ofMillis(500)))
                .isInstanceOf(WebhookHttp.Failure.class)
                .hasMessage("timed out after 500 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void refusedConnectionsGarbageAndGuardedTargetsFailWithReasons() throws Exception {
        ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        int port = closed.getLocalPort();
        closed.close();
        assertThatThrownBy(() -> post(URI.create("http://127.0.0.1:" + port + "/")))
                .isInstanceOf(WebhookHttp.Failure.class)
                .hasMessage("connection refused or unreachable");

        server = new Scripted((n, req, out) -> {
            write(out, "SMTP ready\r\n\r\n");
            return false;
        });
        assertThatThrownBy(() -> post(server.uri("/")))
                .isInstanceOf(WebhookHttp.Failure.class)
                .hasMessage("I/O error: not an HTTP/1.x response");

        try (WebhookHttp strict = new WebhookHttp(Duration.ofSeconds(2), false, 1024, 8, WebhookHttp.defaultTls())) {
            for (String url : List.of(server.uri("/").toString(), "http://localhost:" + server.socket.getLocalPort())) {
                assertThatThrownBy(() -> strict.post(URI.create(url), HEADERS, new byte[0], TIMEOUT))
                        .isInstanceOf(AddressGuard.Refused.class)
                        .hasMessageContaining("loopback");
            }
        }
        assertThat(server.requests).hasSize(1);
    }

    @Test
    void httpsVerifiesTheCertificateAgainstTheUrlsHost(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "server",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as(output).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);

        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        AtomicInteger hits = new AtomicInteger();
        https.createContext("/", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                hits.incrementAndGet();
                ex.sendResponseHeaders(204, -1);
            }
        });
        https.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        https.start();
        int port = https.getAddress().getPort();
        try (WebhookHttp client = new WebhookHttp(Duration.ofSeconds(2), true, 1024, 8, trusting)) {
            assertThat(client.post(URI.create("https://localhost:" + port + "/h"), HEADERS, new byte[1], TIMEOUT)
                            .status())
                    .isEqualTo(204);
            assertThat(client.post(URI.create("https://localhost:" + port + "/h"), HEADERS, new byte[1], TIMEOUT)
                            .status())
                    .isEqualTo(204);
            // The certificate names localhost, not the address.
            assertThatThrownBy(() ->
                            client.post(URI.create("https://127.0.0.1:" + port + "/h"), HEADERS, new byte[1], TIMEOUT))
                    .isInstanceOf(WebhookHttp.Failure.class)
                    .hasMessageStartingWith("TLS error");
            // A certificate nobody trusts.
            assertThatThrownBy(() -> post(URI.create("https://localhost:" + port + "/h")))
                    .isInstanceOf(WebhookHttp.Failure.class)
                    .hasMessageStartingWith("TLS error");
            assertThat(hits).hasValue(2);
        } finally {
            https.stop(0);
        }
    }
}
