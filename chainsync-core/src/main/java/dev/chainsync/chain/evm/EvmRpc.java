package dev.chainsync.chain.evm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chainsync.chain.ChainException;
import dev.chainsync.chain.ChainException.Kind;
import dev.chainsync.chain.RpcUrls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Ethereum JSON-RPC over HTTP to a list of endpoints, most preferred first: a call goes to the
 * first endpoint that answers; one that is unreachable, rate-limits or fails inside the node is
 * skipped for the next. An error answer about the request itself is final.
 */
final class EvmRpc {
    /** Server-side failures that say something about the node, not the request: try another. */
    private static final int INTERNAL_ERROR = -32603;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> urls;
    private final HttpClient http;
    private final Duration timeout;
    private volatile String lastError;

    EvmRpc(List<URI> urls, Duration timeout) {
        this.urls = List.copyOf(urls);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** An error answer about the request (not the node), with its JSON-RPC code. */
    static final class RpcError extends ChainException {
        final int code;

        RpcError(Kind kind, int code, String message) {
            super(kind, message);
            this.code = code;
        }
    }

    /** Calls {@code method} on the first endpoint that answers; returns its {@code result} (maybe a JSON null). */
    JsonNode call(String method, Object... params) {
        String body = request(1, method, params).toString();
        return failover(method, url -> result(method, post(url, body)));
    }

    /** Several calls of one method in one JSON-RPC batch; results in the order of {@code paramsList}. */
    List<JsonNode> batch(String method, List<Object[]> paramsList) {
        if (paramsList.isEmpty()) {
            return List.of();
        }
        ArrayNode requests = JSON.createArrayNode();
        for (int i = 0; i < paramsList.size(); i++) {
            requests.add(request(i, method, paramsList.get(i)));
        }
        String body = requests.toString();
        return failover(method, url -> {
            JsonNode response = post(url, body);
            if (!response.isArray() || response.size() != paramsList.size()) {
                throw unavailable(url, "batch " + method + " answered " + response.size() + " entries");
            }
            JsonNode[] ordered = new JsonNode[paramsList.size()];
            for (JsonNode entry : response) {
                int id = entry.path("id").asInt(-1);
                if (id < 0 || id >= ordered.length) {
                    throw unavailable(url, "batch " + method + " answered an unknown id");
                }
                ordered[id] = result(method, entry);
            }
            return new ArrayList<>(List.of(ordered));
        });
    }

    /** The last node failure seen (null after a success), for /health. */
    String lastError() {
        return lastError;
    }

    List<URI> urls() {
        return urls;
    }

    private interface Call<T> {
        T on(URI url);
    }

    private <T> T failover(String method, Call<T> call) {
        ChainException last = null;
        for (URI url : urls) {
            try {
                T result = call.on(url);
                lastError = null;
                return result;
            } catch (RpcError e) {
                throw e;
            } catch (ChainException e) {
                if (e.reach() == ChainException.Reach.UNKNOWN) {
                    throw e; // interrupted: the call may have had an effect; no other node is asked
                }
                lastError = e.getMessage();
                last = e;
            }
        }
        throw new ChainException(
                Kind.UNAVAILABLE, method + ": no EVM RPC endpoint answered; last: " + last.getMessage(), last);
    }

    private static ObjectNode request(int id, String method, Object[] params) {
        ObjectNode request = JSON.createObjectNode();
        request.put("jsonrpc", "2.0").put("id", id).put("method", method);
        request.set("params", JSON.valueToTree(params));
        return request;
    }

    private JsonNode post(URI url, String body) {
        String answer = RpcUrls.post(http, url, EvmConfig.label(url), timeout, body);
        try {
            return JSON.readTree(answer);
        } catch (IOException e) {
            throw unavailable(url, "answer is not JSON" + RpcUrls.snippet(answer));
        }
    }

    private static JsonNode result(String method, JsonNode response) {
        JsonNode error = response.get("error");
        if (error != null && !error.isNull()) {
            int code = error.path("code").asInt();
            String message = method + ": " + error.path("message").asText("error " + code);
            if (code == INTERNAL_ERROR || code == -32005) { // internal error; limit exceeded
                throw new ChainException(Kind.UNAVAILABLE, message + " (" + code + ")");
            }
            throw new RpcError(Kind.INVALID_TRANSACTION, code, message);
        }
        if (!response.has("result")) {
            throw new ChainException(Kind.UNAVAILABLE, method + ": answer has neither result nor error");
        }
        return response.get("result");
    }

    private static ChainException unavailable(URI url, String message) {
        return new ChainException(Kind.UNAVAILABLE, EvmConfig.label(url) + ": " + message);
    }
}
