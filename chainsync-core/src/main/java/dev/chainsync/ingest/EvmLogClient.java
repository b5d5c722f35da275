package dev.chainsync.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chainsync.chain.ChainException;
import dev.chainsync.chain.ChainHealth;
import dev.chainsync.chain.RpcEndpoints;
import dev.chainsync.chain.RpcUrls;
import dev.chainsync.json.Json;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The few JSON-RPC reads the EVM ingest source needs ({@code eth_blockNumber}, block headers,
 * {@code eth_getLogs}), on a list of endpoints, most preferred first, through the same
 * {@link RpcEndpoints} as the write adapters (role {@value RpcEndpoints#ROLE_INGEST}): a call goes to
 * the first that answers; one that is unreachable, times out, rate-limits or fails inside the node
 * is skipped for the next, one that keeps failing is skipped by its breaker without a request, and
 * one further than {@link EvmSourceConfig#MAX_LAG_BLOCKS} behind the best is not read from. A node
 * refusing a log range as too large (each provider words it differently) is reported as
 * {@link RangeTooLarge}, so the caller asks for a smaller one.
 */
final class EvmLogClient implements AutoCloseable {
    /**
     * How providers say a log query covered too much: "block range too large", "query returned more
     * than 10000 results", "exceed maximum block range: 5000", "Log response size exceeded",
     * "limit exceeded", "too many blocks"... (Alchemy, Infura, QuickNode, public nodes, anvil's proxy).
     */
    private static final Pattern RANGE_ERROR = Pattern.compile(
            "range|too many|too large|more than|limit exceeded|response size|results|exceed", Pattern.CASE_INSENSITIVE);

    private final HttpClient http;
    private final java.time.Duration timeout;
    private final RpcEndpoints<Node> endpoints;

    /** One endpoint: its URL and its name in logs, metrics and /health (without secrets). */
    private record Node(URI url, String label) {}

    EvmLogClient(EvmSourceConfig config, Clock clock, MeterRegistry registry) {
        this.timeout = config.requestTimeout();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        List<Node> nodes = new ArrayList<>();
        for (URI url : config.rpcUrls()) {
            nodes.add(new Node(url, nodes.size() + ":" + RpcUrls.label(url)));
        }
        this.endpoints = new RpcEndpoints<>(
                "EVM",
                RpcEndpoints.ROLE_INGEST,
                nodes,
                Node::label,
                EvmSourceConfig.MAX_LAG_BLOCKS,
                EvmSourceConfig.ENDPOINT_FAILURE_RATE_PERCENT,
                EvmSourceConfig.ENDPOINT_OPEN_DURATION,
                clock,
                registry);
    }

    /** One entry per endpoint, in the configured order: up, down (breaker open) or lagging. */
    List<ChainHealth.Endpoint> health() {
        return endpoints.health();
    }

    /** Stops the height probes and removes this source's endpoint meters. */
    @Override
    public void close() {
        endpoints.close();
    }

    /** The node refused a log range as too large (or too many results): ask for less. */
    static final class RangeTooLarge extends RuntimeException {
        RangeTooLarge(String message) {
            super(message);
        }
    }

    /** A block header: what reorg detection and the checkpoint need. */
    record Header(long number, String hash, String parentHash, Long timestamp) {}

    long chainId() {
        return quantity(call("eth_chainId", List.of()), "eth_chainId");
    }

    /**
     * The head every endpoint read from has: each endpoint is asked (which also measures how far
     * behind the best each is), and the lowest height among those not lagging is the answer.
     */
    long blockNumber() {
        String body = request(1, "eth_blockNumber", List.of()).toString();
        return endpoints.agreedHeight(
                "eth_blockNumber", n -> quantity(result("eth_blockNumber", post(n, body)), "eth_blockNumber"));
    }

    /** The node's {@code finalized} block number, or -1 where the node has no such tag. */
    long finalized() {
        JsonNode block;
        try {
            block = call("eth_getBlockByNumber", List.of("finalized", false));
        } catch (RpcError e) {
            return -1; // a node without the tag: nothing counts as final
        }
        return block == null || block.isNull() ? -1 : quantity(block.path("number"), "finalized number");
    }

    /** Headers of {@code numbers} in one batch request; null for a block the node does not have (yet). */
    List<Header> headers(List<Long> numbers) {
        if (numbers.isEmpty()) {
            return List.of();
        }
        ArrayNode batch = Json.MAPPER.createArrayNode();
        for (int i = 0; i < numbers.size(); i++) {
            batch.add(request(i, "eth_getBlockByNumber", List.of(hex(numbers.get(i)), false)));
        }
        String body = batch.toString();
        return endpoints.read("eth_getBlockByNumber", node -> {
            JsonNode answer = post(node, body);
            if (!answer.isArray() || answer.size() != numbers.size()) {
                throw unavailable(node, "batch eth_getBlockByNumber answered " + answer.size() + " entries");
            }
            Header[] out = new Header[numbers.size()];
            for (JsonNode entry : answer) {
                int id = entry.path("id").asInt(-1);
                if (id < 0 || id >= out.length) {
                    throw unavailable(node, "batch eth_getBlockByNumber answered an unknown id");
                }
                JsonNode block = result("eth_getBlockByNumber", entry);
                out[id] = block == null || block.isNull() ? null : header(block);
            }
            return new ArrayList<>(java.util.Arrays.asList(out));
        });
    }

    /** The logs of {@code contracts} with one of {@code topics} as topic0, blocks {@code from} to {@code to} inclusive. */
    JsonNode logs(long from, long to, List<String> contracts, List<String> topics) {
        ObjectNode filter = Json.MAPPER.createObjectNode();
        filter.put("fromBlock", hex(from)).put("toBlock", hex(to));
        filter.set("address", Json.MAPPER.valueToTree(contracts));
        ArrayNode topicFilter = Json.MAPPER.createArrayNode();
        topicFilter.add(Json.MAPPER.valueToTree(topics));
        filter.set("topics", topicFilter);
        JsonNode logs;
        try {
            logs = call("eth_getLogs", List.of(filter));
        } catch (RpcError e) {
            if (RANGE_ERROR.matcher(e.getMessage()).find()) {
                throw new RangeTooLarge(e.getMessage());
            }
            throw e;
        }
        if (!logs.isArray()) {
            throw new ChainException(ChainException.Kind.UNAVAILABLE, "eth_getLogs answered " + logs.getNodeType());
        }
        return logs;
    }

    static Header header(JsonNode block) {
        JsonNode ts = block.get("timestamp");
        return new Header(
                quantity(block.path("number"), "block number"),
                block.path("hash").asText().toLowerCase(Locale.ROOT),
                block.path("parentHash").asText().toLowerCase(Locale.ROOT),
                ts == null || ts.isNull() ? null : quantity(ts, "block timestamp"));
    }

    /** An error answer about the request: final on this endpoint and on the others. */
    static final class RpcError extends ChainException {
        RpcError(String message) {
            super(Kind.INVALID_TRANSACTION, message);
        }
    }

    private JsonNode call(String method, List<Object> params) {
        String body = request(1, method, params).toString();
        return endpoints.read(method, node -> result(method, post(node, body)));
    }

    private static ObjectNode request(int id, String method, List<Object> params) {
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.put("jsonrpc", "2.0").put("id", id).put("method", method);
        request.set("params", Json.MAPPER.valueToTree(params));
        return request;
    }

    private JsonNode post(Node node, String body) {
        String answer = RpcUrls.post(http, node.url(), node.label(), timeout, body);
        try {
            return Json.MAPPER.readTree(answer);
        } catch (IOException e) {
            throw unavailable(node, "answer is not JSON" + RpcUrls.snippet(answer));
        }
    }

    /**
     * The result of an answer. Internal errors (-32603), limits (-32005: also how several providers
     * refuse a log range) and rate limits (429-like -32029) say something about the node: a range
     * error among them is still a range error; otherwise the next node is asked.
     */
    private static JsonNode result(String method, JsonNode response) {
        JsonNode error = response.get("error");
        if (error != null && !error.isNull()) {
            int code = error.path("code").asInt();
            String message = method + ": " + error.path("message").asText("error " + code) + " (" + code + ")";
            if (method.equals("eth_getLogs") && RANGE_ERROR.matcher(message).find()) {
                throw new RpcError(message);
            }
            if (code == -32603 || code == -32005 || code == -32029) {
                throw new ChainException(ChainException.Kind.UNAVAILABLE, message);
            }
            throw new RpcError(message);
        }
        if (!response.has("result")) {
            throw new ChainException(ChainException.Kind.UNAVAILABLE, method + ": answer has neither result nor error");
        }
        return response.get("result");
    }

    private static ChainException unavailable(Node node, String message) {
        return new ChainException(ChainException.Kind.UNAVAILABLE, node.label() + ": " + message);
    }

    static String hex(long n) {
        return "0x" + Long.toHexString(n);
    }

    static long quantity(JsonNode n, String what) {
        String s = n.asText("");
        if (!s.startsWith("0x") || s.length() < 3 || s.length() > 18) {
            throw new ChainException(ChainException.Kind.UNAVAILABLE, what + " is not a hex quantity: " + n);
        }
        try {
            return Long.parseUnsignedLong(s.substring(2), 16);
        } catch (NumberFormatException e) {
            throw new ChainException(ChainException.Kind.UNAVAILABLE, what + " is not a hex quantity: " + n);
        }
    }
}
