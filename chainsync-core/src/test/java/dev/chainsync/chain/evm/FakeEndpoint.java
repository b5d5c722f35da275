package dev.chainsync.chain.evm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An RPC endpoint in front of a real node that can misbehave: answer 503, answer late (before or
 * after passing the request on), or report a block number behind the node's; counts the requests
 * it received per method.
 */
final class FakeEndpoint implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI node;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicLong delayMs = new AtomicLong();
    private final AtomicBoolean delayAfterForwarding = new AtomicBoolean();
    private final AtomicLong lagBlocks = new AtomicLong();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    FakeEndpoint(URI node) {
        this.node = node;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Every request answers 503 until called with false. */
    void down(boolean isDown) {
        down.set(isDown);
    }

    /** Answers {@code millis} late; {@code afterForwarding}: the node has the request by then. */
    void latency(long millis, boolean afterForwarding) {
        delayMs.set(millis);
        delayAfterForwarding.set(afterForwarding);
    }

    /** Reports {@code eth_blockNumber} as this many blocks behind the node. */
    void lag(long blocks) {
        lagBlocks.set(blocks);
    }

    /** Requests received for {@code method} (a batch counts once). */
    int requests(String method) {
        AtomicInteger n = requests.get(method);
        return n == null ? 0 : n.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            JsonNode request = JSON.readTree(body);
            String method = request.isArray()
                    ? request.path(0).path("method").asText()
                    : request.path("method").asText();
            requests.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
            if (down.get()) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            if (!delayAfterForwarding.get()) {
                pause();
            }
            HttpResponse<byte[]> r = http.send(
                    HttpRequest.newBuilder(node)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (delayAfterForwarding.get()) {
                pause();
            }
            byte[] answer = r.body();
            if (method.equals("eth_blockNumber") && !request.isArray() && lagBlocks.get() > 0) {
                ObjectNode a = (ObjectNode) JSON.readTree(answer);
                long real = Long.decode(a.path("result").asText());
                a.put("result", "0x" + Long.toHexString(Math.max(0, real - lagBlocks.get())));
                answer = JSON.writeValueAsBytes(a);
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(r.statusCode(), answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Plays the configured latency (the point of this fake: a slow node, not a wait in a test). */
    private void pause() throws InterruptedException {
        long ms = delayMs.get();
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
