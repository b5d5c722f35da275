package dev.chainsync.chain.evm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.chainsync.chain.ChainException;
import dev.chainsync.chain.ChainException.Kind;
import dev.chainsync.chain.RpcUrls;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Ethereum JSON-RPC over HTTP to one endpoint. Every failure becomes a {@link ChainException}: one
 * another endpoint might not have ({@link Kind#UNAVAILABLE}: transport errors, timeouts, HTTP 429
 * and 5xx, an internal error or an exceeded limit inside the node) or an answer about the request
 * itself ({@link RpcError}). Failover across endpoints is {@link dev.chainsync.chain.RpcEndpoints}'.
 */
final class EvmRpc {
    /** Server-side failures that say something about the node, not the request: try another. */
    private static final int INTERNAL_ERROR = -32603;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final String label;
    private final HttpClient http;
    private final Duration timeout;

    EvmRpc(URI url, String label, HttpClient http, Duration timeout) {
        this.url = url;
        this.label = label;
        this.http = http;
        this.timeout = timeout;
    }

    /** An error answer about the request (not the node), with its JSON-RPC code. */
    static final class RpcError extends ChainException {
        final int code;

        RpcError(Kind kind, int code, String message) {
            super(kind, message);
            this.code = code;
        }
    }

    /** Calls {@code method}; returns its {@code result} (maybe a JSON null). */
    JsonNode call(String method, Object... params) {
        return result(method, post(RpcUrls.request(JSON, 1, method, params).toString()));
    }

    /** Several calls of one method in one JSON-RPC batch; results in the order of {@code paramsList}. */
    List<JsonNode> batch(String method, List<Object[]> paramsList) {
        if (paramsList.isEmpty()) {
            return List.of();
        }
        ArrayNode requests = JSON.createArrayNode();
        for (int i = 0; i < paramsList.size(); i++) {
            requests.add(RpcUrls.request(JSON, i, method, paramsList.get(i)));
        }
        JsonNode response = post(requests.toString());
        if (!response.isArray() || response.size() != paramsList.size()) {
            throw unavailable("batch " + method + " answered " + response.size() + " entries");
        }
        JsonNode[] ordered = new JsonNode[paramsList.size()];
        for (JsonNode entry : response) {
            int id = entry.path("id").asInt(-1);
            if (id < 0 || id >= ordered.length) {
                throw unavailable("batch " + method + " answered an unknown id");
            }
            ordered[id] = result(method, entry);
        }
        return new ArrayList<>(List.of(ordered));
    }

    /** How this endpoint is named in logs, metrics and /health (its position and scheme, host, port). */
    String label() {
        return label;
    }

    private JsonNode post(String body) {
        return RpcUrls.postJson(JSON, http, url, label, timeout, body);
    }

    private JsonNode result(String method, JsonNode response) {
        JsonNode error = response.get("error");
        if (error != null && !error.isNull()) {
            int code = error.path("code").asInt();
            String message = method + ": " + error.path("message").asText("error " + code);
            if (code == INTERNAL_ERROR || code == -32005) { // internal error; limit exceeded
                throw unavailable(message + " (" + code + ")");
            }
            throw new RpcError(Kind.INVALID_TRANSACTION, code, label + ": " + message);
        }
        if (!response.has("result")) {
            throw unavailable(method + ": answer has neither result nor error");
        }
        return response.get("result");
    }

    private ChainException unavailable(String message) {
        return new ChainException(Kind.UNAVAILABLE, label + ": " + message);
    }
}
