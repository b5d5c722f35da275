package dev.chainsync.chain.solana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chainsync.chain.ChainException;
import dev.chainsync.chain.ChainException.Kind;
import dev.chainsync.chain.RpcUrls;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Solana JSON-RPC over HTTP to one endpoint. Every failure becomes a {@link ChainException}: one
 * that another endpoint might not have ({@link Kind#UNAVAILABLE}: transport errors, HTTP 429 and
 * 5xx, "node unhealthy" and similar server errors) or an answer about the request itself
 * ({@link RpcError} with the JSON-RPC code and, for a failed preflight, the transaction error).
 */
final class SolanaRpc {
    /** sendTransaction's simulation failed; {@code data.err} is the transaction error. */
    static final int PREFLIGHT_FAILURE = -32002;
    /** A signature does not verify. */
    static final int SIGNATURE_VERIFICATION_FAILURE = -32003;

    /** Server errors that say something about the node, not the request: try another node. */
    private static final Set<Integer> NODE_ERRORS = Set.of(
            -32603, // internal error
            -32001, // block cleaned up
            -32004, // block not available
            -32005, // node unhealthy / behind
            -32007, // slot skipped
            -32009, // slot skipped (long-term storage)
            -32010, // key excluded from secondary index
            -32011, // transaction history not available
            -32014, // block status not yet available
            -32016, // minimum context slot not reached
            -32019); // long-term storage unreachable

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final String label;
    private final HttpClient http;
    private final Duration timeout;

    SolanaRpc(URI url, String label, HttpClient http, Duration timeout) {
        this.url = url;
        this.label = label;
        this.http = http;
        this.timeout = timeout;
    }

    /** A JSON-RPC error answer about the request (not the node). */
    static final class RpcError extends ChainException {
        final int code;
        /** The transaction error of a failed preflight ({@code data.err}), e.g. {@code "BlockhashNotFound"}; or null. */
        final JsonNode transactionError;

        RpcError(Kind kind, int code, String message, JsonNode transactionError) {
            super(kind, message);
            this.code = code;
            this.transactionError = transactionError;
        }

        /** The transaction error's name when it is a plain one ({@code "AlreadyProcessed"}), else null. */
        String errorName() {
            return transactionError != null && transactionError.isTextual() ? transactionError.asText() : null;
        }
    }

    String label() {
        return label;
    }

    /** Calls {@code method} and returns its {@code result} (possibly a JSON null). */
    JsonNode call(String method, Object... params) {
        ObjectNode request = RpcUrls.request(JSON, 1, method, params);
        JsonNode response = post(request.toString());
        return result(method, response);
    }

    /** Sends several calls of one method in a JSON-RPC batch; results in the order of {@code paramsList}. */
    List<JsonNode> batch(String method, List<Object[]> paramsList) {
        return batch(method, paramsList, false);
    }

    /**
     * Like {@link #batch(String, List)}, but an entry answered with an error about its request
     * (not the node) gives null instead of failing the whole batch when {@code nullOnRequestError}.
     */
    List<JsonNode> batch(String method, List<Object[]> paramsList, boolean nullOnRequestError) {
        ArrayNode requests = JSON.createArrayNode();
        for (int i = 0; i < paramsList.size(); i++) {
            requests.add(RpcUrls.request(JSON, i, method, paramsList.get(i)));
        }
        JsonNode response = post(requests.toString());
        if (!response.isArray() || response.size() != paramsList.size()) {
            throw unavailable("batch " + method + " answered " + response.getNodeType() + " of " + response.size()
                    + " entries, expected " + paramsList.size());
        }
        JsonNode[] ordered = new JsonNode[paramsList.size()];
        for (JsonNode entry : response) {
            int id = entry.path("id").asInt(-1);
            if (id < 0 || id >= ordered.length) {
                throw unavailable("batch " + method + " answered an unknown id " + entry.path("id"));
            }
            try {
                ordered[id] = result(method, entry);
            } catch (RpcError e) {
                if (!nullOnRequestError) {
                    throw e;
                }
                ordered[id] = null;
            }
        }
        return java.util.Arrays.asList(ordered);
    }

    private JsonNode post(String body) {
        return RpcUrls.postJson(JSON, http, url, label, timeout, body);
    }

    private JsonNode result(String method, JsonNode response) {
        JsonNode error = response.get("error");
        if (error != null && !error.isNull()) {
            int code = error.path("code").asInt();
            String message = method + ": " + error.path("message").asText("error " + code);
            if (NODE_ERRORS.contains(code)) {
                throw unavailable(message + " (" + code + ")");
            }
            JsonNode txError = error.path("data").get("err");
            Kind kind = code == PREFLIGHT_FAILURE && txError != null && "BlockhashNotFound".equals(txError.asText())
                    ? Kind.BLOCKHASH_EXPIRED
                    : Kind.INVALID_TRANSACTION;
            throw new RpcError(kind, code, label + ": " + message, txError);
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
