package dev.chainsync.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.chainsync.chain.evm.AnvilNode;
import dev.chainsync.chain.evm.IntuitionEventsContract;
import dev.chainsync.db.Jdbc;
import dev.chainsync.ingest.EvmCheckpoints.Checkpoint;
import dev.chainsync.json.Json;
import dev.chainsync.testing.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;

/**
 * anvil with the Intuition events contract deployed, scratch databases, EVM source workers driven
 * pass by pass, and a proxy in front of the node that can fail, stall, cap log ranges or rewrite
 * answers. Skips the calling test, saying why, where anvil cannot run.
 */
final class EvmFixture implements AutoCloseable {
    static final String NETWORK = "anvil";

    final AnvilNode node;
    final String contract;
    private final HttpServer proxy;
    private final List<EvmLogClient> clients = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    /** What the proxy does with a request body: null forwards it, else the returned answer (status, body). */
    final AtomicReference<Fault> fault = new AtomicReference<>();
    /** Rewrites forwarded answers (identity by default). */
    final AtomicReference<UnaryOperator<JsonNode>> rewrite = new AtomicReference<>(UnaryOperator.identity());

    private long nextEvent;

    /** A proxy misbehaviour: given the request, an answer (status and body), or null to forward it. */
    interface Fault {
        Answer on(JsonNode request) throws InterruptedException;
    }

    record Answer(int status, String body) {}

    private EvmFixture(AnvilNode node) {
        this.node = node;
        this.contract = node.deployIntuitionEvents();
        try {
            proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        proxy.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        proxy.createContext("/", exchange -> {
            try (exchange) {
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                JsonNode request = Json.MAPPER.readTree(body);
                Fault f = fault.get();
                Answer a = f == null ? null : f.on(request);
                if (a == null) {
                    HttpResponse<byte[]> r = http.send(
                            HttpRequest.newBuilder(node.url())
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    JsonNode answer = rewrite.get().apply(Json.MAPPER.readTree(r.body()));
                    a = new Answer(r.statusCode(), answer.toString());
                }
                byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    try (OutputStream o = exchange.getResponseBody()) {
                        o.write(out);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client gave up (a timeout under test)
            }
        });
        proxy.start();
    }

    static EvmFixture start() {
        Path dir = AnvilNode.findDirectory();
        String unavailable = AnvilNode.unavailableReason(dir);
        Assumptions.assumeTrue(unavailable == null, () -> "EVM ingest tests skipped: " + unavailable);
        AnvilNode node = AnvilNode.start(dir);
        try {
            return new EvmFixture(node);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    URI proxyUrl() {
        return URI.create("http://127.0.0.1:" + proxy.getAddress().getPort());
    }

    /** The source's settings: through the proxy, from block 0, a short timeout. */
    EvmSourceConfig config(int maxRange) {
        return config(List.of(proxyUrl()), maxRange);
    }

    EvmSourceConfig config(List<URI> urls, int maxRange) {
        return new EvmSourceConfig(
                urls, List.of(contract), 0, NETWORK, Duration.ofMillis(1500), maxRange, Duration.ofMillis(50));
    }

    /** A migrated scratch database, dropped at close. */
    Jdbc database(String name) {
        TestDatabases.Scratch db = TestDatabases.create(name, 4);
        closeables.add(db);
        return db.database().jdbc();
    }

    static IngestConfig ingestConfig(EvmSourceConfig evm) {
        IngestConfig d = IngestConfig.defaults();
        return new IngestConfig(
                true,
                d.redisUrl(),
                d.streams(),
                d.consumerGroup(),
                "evm-test",
                d.batchSize(),
                d.batchTimeout(),
                1,
                d.processingTimeout(),
                d.maxRetries(),
                d.breakerThreshold(),
                Duration.ofMillis(100),
                d.deadLetterStream(),
                null,
                evm);
    }

    /** A source worker on {@code jdbc} (a fresh one is what a restarted instance has). */
    Worker worker(Jdbc jdbc, EvmSourceConfig evm) {
        return worker(jdbc, evm, Clock.systemUTC());
    }

    /** A worker whose endpoint breakers (and everything else) read {@code clock}. */
    Worker worker(Jdbc jdbc, EvmSourceConfig evm, Clock clock) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Ingest.Shared shared = new Ingest.Shared(jdbc, ingestConfig(evm), clock, registry);
        EvmLogClient client = new EvmLogClient(evm, clock, registry);
        clients.add(client);
        return new Worker(shared, new EvmWorker(shared, evm, client, clock), jdbc, evm, client, registry);
    }

    record Worker(
            Ingest.Shared shared,
            EvmWorker source,
            Jdbc jdbc,
            EvmSourceConfig evm,
            EvmLogClient client,
            SimpleMeterRegistry registry) {
        Checkpoint checkpoint() {
            return EvmCheckpoints.load(jdbc, evm.network(), evm.startBlock());
        }

        /**
         * Passes until the checkpoint is at {@code head} and one more pass finds nothing; fails after
         * {@code maxPasses} (the source never finishing is a bug, not slowness).
         */
        void drainTo(long head, int maxPasses) {
            for (int i = 0; i < maxPasses; i++) {
                int n = source.pass();
                if (n == 0 && checkpoint().blockNumber() >= head) {
                    return;
                }
            }
            throw new AssertionError("not at block " + head + " after " + maxPasses + " passes: " + checkpoint()
                    + ", last error " + shared.lastError);
        }
    }

    long head() {
        return EvmLogClient.quantity(node.call("eth_blockNumber", List.of()), "head");
    }

    /** Emits the next {@code count} generated events in one transaction (one block); returns its tx request. */
    Map<String, Object> fill(int count) {
        Map<String, Object> tx = fillRequest(count);
        node.transact(contract, (String) tx.get("data"), IntuitionEventsContract.fillGas(count));
        return tx;
    }

    /** A transaction request (for anvil_reorg or eth_sendTransaction) emitting the next {@code count} events. */
    Map<String, Object> fillRequest(int count) {
        String from = node.call("eth_accounts", List.of()).path(2).asText();
        Map<String, Object> tx = Map.of(
                "from",
                from,
                "to",
                contract,
                "data",
                IntuitionEventsContract.fillCall(nextEvent, count),
                "gas",
                "0x" + Long.toHexString(IntuitionEventsContract.fillGas(count)));
        nextEvent += count;
        return tx;
    }

    /** Replaces the last {@code depth} blocks by as many, carrying {@code txs} (request, block offset). */
    void reorg(int depth, List<Map.Entry<Map<String, Object>, Integer>> txs) {
        List<List<Object>> pairs =
                txs.stream().map(e -> List.<Object>of(e.getKey(), e.getValue())).toList();
        node.call("anvil_reorg", List.of(depth, pairs));
    }

    /** The contract's logs on the node's current chain. */
    JsonNode logs() {
        return node.call("eth_getLogs", List.of(Map.of("address", contract, "fromBlock", "0x0", "toBlock", "latest")));
    }

    /** A JSON-RPC error answer to {@code request} (each entry of a batch). */
    static Answer error(JsonNode request, int code, String message) {
        if (request.isArray()) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            request.forEach(r -> out.add(errorObject(r, code, message)));
            return new Answer(200, out.toString());
        }
        return new Answer(200, errorObject(request, code, message).toString());
    }

    private static ObjectNode errorObject(JsonNode r, int code, String message) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("jsonrpc", "2.0").set("id", r.path("id"));
        o.putObject("error").put("code", code).put("message", message);
        return o;
    }

    @Override
    public void close() {
        clients.forEach(EvmLogClient::close);
        proxy.stop(0);
        for (AutoCloseable c : closeables.reversed()) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        node.close();
    }
}
