package dev.chainsync.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.chainsync.chain.evm.AnvilNode;
import dev.chainsync.chain.evm.EvmChainClient;
import dev.chainsync.chain.evm.EvmConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;

/**
 * anvil for a test, with the anchor contract deployed and an HTTP proxy in front of it that can
 * play an outage; skips the test, saying why, where anvil cannot run (binary not installed).
 */
public final class EvmAnvil implements AutoCloseable {
    /** Blocks a receipt needs in the tests (its own included) to count as confirmed. */
    public static final int TEST_CONFIRMATIONS = 3;
    /** Blocks after which the tests' relay replaces an unlanded transaction. */
    public static final int TEST_REPLACE_AFTER_BLOCKS = 20;

    public final AnvilNode node;
    public final String anchor;
    private final HttpServer proxy;
    private final AtomicBoolean down = new AtomicBoolean();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Path keyFile;
    private String anchorCode;

    private EvmAnvil(AnvilNode node) {
        this.node = node;
        this.anchor = node.deployAnchor();
        try {
            keyFile = Files.createTempFile("evm-signer", ".key");
            Files.writeString(keyFile, AnvilNode.DEV_KEY);
            proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        proxy.createContext("/", exchange -> {
            try (exchange) {
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                if (down.get()) {
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                HttpResponse<byte[]> r = http.send(
                        HttpRequest.newBuilder(node.url())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(r.statusCode(), r.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(r.body());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        proxy.start();
    }

    /** anvil with the anchor contract, or the calling test skipped with the reason. */
    public static EvmAnvil start() {
        Path dir = AnvilNode.findDirectory();
        String unavailable = AnvilNode.unavailableReason(dir);
        Assumptions.assumeTrue(unavailable == null, () -> "EVM tests skipped: " + unavailable);
        AnvilNode node = AnvilNode.start(dir);
        try {
            return new EvmAnvil(node);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /** The proxy's URL, through which {@link #outage} can cut the adapter off. */
    public URI proxyUrl() {
        return URI.create("http://127.0.0.1:" + proxy.getAddress().getPort());
    }

    /** The adapter's settings for this node: through the proxy, test depths. */
    public EvmConfig config() {
        return EvmConfig.of(List.of(proxyUrl()), AnvilNode.CHAIN_ID, keyFile, anchor)
                .withBlocks(TEST_CONFIRMATIONS, TEST_REPLACE_AFTER_BLOCKS);
    }

    /**
     * An adapter sending with anvil's first account for {@code issuerAddress}; its endpoint's
     * breaker runs on {@code clock} (the test's, so advancing it ends an open period).
     */
    public EvmChainClient client(String issuerAddress, java.time.Clock clock) {
        EvmChainClient client = EvmChainClient.create(
                config(),
                issuerAddress,
                50,
                java.time.Duration.ofSeconds(30),
                clock,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        node.fund(client.senderAddress(), java.math.BigInteger.TEN.pow(22));
        return client;
    }

    /**
     * Swaps the anchor contract's code for one that always reverts (so transactions land failed,
     * their nonces spent), or puts the real code back.
     */
    public void reverting(boolean on) {
        if (on && anchorCode == null) {
            anchorCode = node.call("eth_getCode", List.of(anchor, "latest")).asText();
            node.call("anvil_setCode", List.of(anchor, "0x60006000fd")); // PUSH1 0 PUSH1 0 REVERT
        } else if (!on && anchorCode != null) {
            node.call("anvil_setCode", List.of(anchor, anchorCode));
            anchorCode = null;
        }
    }

    /** Every request through the proxy answers 503 until called with false. */
    public void outage(boolean isDown) {
        down.set(isDown);
    }

    /** Every anchored memo on the (current) chain, oldest first. */
    public List<String> anchoredMemos() {
        JsonNode logs =
                node.call("eth_getLogs", List.of(Map.of("address", anchor, "fromBlock", "0x0", "toBlock", "latest")));
        TreeMap<Long, String> ordered = new TreeMap<>();
        List<String> out = new ArrayList<>();
        for (JsonNode l : logs) {
            byte[] data =
                    org.web3j.utils.Numeric.hexStringToByteArray(l.path("data").asText());
            int length = new java.math.BigInteger(1, java.util.Arrays.copyOfRange(data, 32, 64)).intValueExact();
            out.add(new String(data, 64, length, java.nio.charset.StandardCharsets.UTF_8));
        }
        return out;
    }

    /** How many anchors carry {@code memo}. */
    public long countMemo(String memo) {
        return anchoredMemos().stream().filter(memo::equals).count();
    }

    /** The hashes of the transactions in the pool, not yet mined. */
    public Set<String> pooled() {
        JsonNode content = node.call("txpool_content", List.of());
        java.util.HashSet<String> out = new java.util.HashSet<>();
        content.path("pending")
                .forEach(bySender ->
                        bySender.forEach(tx -> out.add(tx.path("hash").asText())));
        return out;
    }

    @Override
    public void close() {
        proxy.stop(0);
        node.close();
        try {
            Files.deleteIfExists(keyFile);
        } catch (IOException ignored) {
            // a temp file
        }
    }
}
