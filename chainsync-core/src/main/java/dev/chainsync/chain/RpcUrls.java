package dev.chainsync.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What every JSON-RPC chain adapter does with its endpoints alike: parse and check the configured
 * URLs, name them without their secrets, and post a request to one, turning transport failures
 * into {@link ChainException}s that send the caller to the next endpoint.
 */
public final class RpcUrls {
    private RpcUrls() {}

    /**
     * The comma-separated URLs of {@code variable} ({@code raw}, maybe null); each problem goes to
     * {@code problems}, and null comes back when there was one. {@code chain} names the chain in messages.
     */
    public static List<URI> parse(String variable, String raw, String chain, Consumer<String> problems) {
        if (raw == null) {
            problems.accept(variable + " is required with CHAINSYNC_CHAIN=" + chain
                    + " (comma-separated http(s) JSON-RPC URLs, most preferred first)");
            return null;
        }
        List<URI> parsed = new ArrayList<>();
        for (String part : raw.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                parsed.add(new URI(part.strip()));
            } catch (URISyntaxException e) {
                problems.accept(variable + " has a malformed URL at index " + e.getIndex());
                return null;
            }
        }
        return parsed;
    }

    /** Checks that there is at least one URL and every one is http(s) with a host; {@code what} names them. */
    public static List<URI> check(List<URI> urls, String what) {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("at least one " + what + " RPC URL is needed");
        }
        for (URI u : urls) {
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
                throw new IllegalArgumentException(what + " RPC URL must be http(s)://host...: " + label(u));
            }
        }
        return urls;
    }

    /** How an endpoint is named in logs, metrics and /health: scheme, host and port only, since providers put API keys in paths and queries. */
    public static String label(URI url) {
        String host = url.getHost() == null ? "?" : url.getHost();
        return (url.getScheme() == null ? "" : url.getScheme() + "://")
                + host
                + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    /**
     * Posts a JSON-RPC body to {@code url} and returns the answer's text. Connection errors,
     * timeouts and any status but 200 (429, 5xx, and 401/403: a key another provider may not need)
     * are UNAVAILABLE, so another node may be asked; an interruption is UNAVAILABLE with an unknown
     * outcome, so none is.
     */
    public static String post(HttpClient http, URI url, String label, Duration timeout, String body) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ChainException(ChainException.Kind.UNAVAILABLE, label + ": request failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChainException(
                    ChainException.Kind.UNAVAILABLE,
                    ChainException.Reach.UNKNOWN,
                    label + ": interrupted; outcome unknown",
                    e);
        }
        if (response.statusCode() != 200) {
            throw new ChainException(
                    ChainException.Kind.UNAVAILABLE,
                    label + ": HTTP " + response.statusCode() + snippet(response.body()));
        }
        return response.body();
    }

    /** A JSON-RPC 2.0 request object. */
    public static ObjectNode request(ObjectMapper json, int id, String method, Object[] params) {
        ObjectNode request = json.createObjectNode();
        request.put("jsonrpc", "2.0").put("id", id).put("method", method);
        request.set("params", json.valueToTree(params));
        return request;
    }

    /** {@link #post} with the answer parsed; an answer that is not JSON is UNAVAILABLE too. */
    public static JsonNode postJson(
            ObjectMapper json, HttpClient http, URI url, String label, Duration timeout, String body) {
        String answer = post(http, url, label, timeout, body);
        try {
            return json.readTree(answer);
        } catch (IOException e) {
            throw new ChainException(ChainException.Kind.UNAVAILABLE, label + ": answer is not JSON" + snippet(answer));
        }
    }

    /** The start of an answer's body for an error message, or nothing. */
    public static String snippet(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String s = body.strip();
        return ": " + (s.length() > 200 ? s.substring(0, 200) + "..." : s);
    }
}
