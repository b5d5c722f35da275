package dev.chainsync.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/** A real local webhook receiver (the JDK's HTTP server on 127.0.0.1) whose answers a test programs. */
final class Receiver implements AutoCloseable {
    /** One request as received; header names lower-cased. */
    record Hit(
            String path,
            String id,
            String timestamp,
            String signature,
            String body,
            Map<String, List<String>> headers) {}

    /** What to answer: status, extra headers, body, and how long to stall first. */
    record Reply(int status, Map<String, String> headers, String body, Duration delay) {
        static Reply status(int status) {
            return new Reply(status, Map.of(), "", Duration.ZERO);
        }

        static Reply ok() {
            return status(204);
        }
    }

    final ConcurrentLinkedQueue<Hit> hits = new ConcurrentLinkedQueue<>();
    volatile Function<Hit, Reply> behaviour = h -> Reply.ok();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private volatile HttpServer server;
    private final int port;

    private Receiver(int port) {
        this.server = bind(port);
        this.port = server.getAddress().getPort();
    }

    static Receiver start() {
        return new Receiver(0);
    }

    private HttpServer bind(int p) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 200);
            s.createContext("/", this::handle);
            s.setExecutor(executor);
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    int port() {
        return port;
    }

    /** Stops listening: connections are refused until {@link #restart()}. */
    void stop() {
        server.stop(0);
    }

    /** Listens again on the same port. */
    void restart() {
        server = bind(port);
    }

    long distinctIds() {
        return hits.stream().map(Hit::id).distinct().count();
    }

    List<Hit> hitsFor(String path) {
        return hits.stream().filter(h -> h.path().equals(path)).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            Map<String, List<String>> headers = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            Hit hit = new Hit(
                    ex.getRequestURI().getPath(),
                    first(headers, "webhook-id"),
                    first(headers, "webhook-timestamp"),
                    first(headers, "webhook-signature"),
                    new String(body, StandardCharsets.UTF_8),
                    headers);
            hits.add(hit);
            Reply r = behaviour.apply(hit);
            if (!r.delay().isZero()) {
                try {
                    Thread.sleep(r.delay());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(r.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                ex.getResponseBody().write(out);
            }
        } catch (IOException e) {
            // the dispatcher gave up on this request (timeout); nothing to answer
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
