package dev.chainsync.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The Solana runtime server ({@code testing/solana-rpc}, LiteSVM under a JSON-RPC front) as a child
 * process on free ports, with blocks produced only on demand so tests control time. Tests using it
 * are skipped, with a message saying why, where Node.js or the server's dependencies are missing.
 */
public final class SolanaRuntime implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final List<Integer> ports;

    private SolanaRuntime(Process process, List<Integer> ports) {
        this.process = process;
        this.ports = ports;
    }

    /** Starts a server with {@code endpoints} RPC ports over one chain; skips the test when it cannot run here. */
    public static SolanaRuntime start(int endpoints) {
        Path dir = serverDirectory();
        Assumptions.assumeTrue(
                dir != null, "testing/solana-rpc not found above " + Path.of("").toAbsolutePath() + ": skipped");
        Assumptions.assumeTrue(
                nodeVersion() != null, "Node.js (node) is not on PATH: the Solana runtime tests are skipped");
        Assumptions.assumeTrue(
                Files.isDirectory(dir.resolve("node_modules/litesvm")),
                "testing/solana-rpc/node_modules is missing (run `npm ci` there, or `./mvnw verify`): skipped");
        try {
            Process p = new ProcessBuilder(
                            "node",
                            "server.js",
                            "--port",
                            "0",
                            "--endpoints",
                            String.valueOf(endpoints),
                            "--slot-ms",
                            "0",
                            "--exit-with-stdin")
                    .directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null) {
                p.destroyForcibly();
                throw new IllegalStateException("solana-rpc server exited before it was ready");
            }
            List<Integer> ports = new ArrayList<>();
            JSON.readTree(line).path("ports").forEach(n -> ports.add(n.asInt()));
            return new SolanaRuntime(p, List.copyOf(ports));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path serverDirectory() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("testing/solana-rpc");
            if (Files.isRegularFile(candidate.resolve("server.js"))) {
                return candidate;
            }
        }
        return null;
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? v : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The RPC URL of endpoint {@code i}. */
    public URI url(int i) {
        return URI.create("http://127.0.0.1:" + ports.get(i));
    }

    /** Produces {@code blocks} blocks now. */
    public void advance(long blocks) {
        control("advance", Map.of("slots", blocks));
    }

    /** Sets faults of endpoint {@code endpoint}: dropNext, dropRate, failNext, failRate, errorRate, latencyMs, outage, lag. */
    public void faults(int endpoint, Map<String, Object> faults) {
        var body = new java.util.HashMap<String, Object>(faults);
        body.put("endpoint", endpoint);
        control("faults", body);
    }

    /** How many successful transactions carry {@code memo}. */
    public long memoCount(String memo) {
        return control("memo-count", Map.of("memo", memo)).path("count").asLong();
    }

    /** Transactions landed from clients (airdrops left out, failed ones in). */
    public long landed() {
        return control("landed", Map.of()).path("count").asLong();
    }

    /** Every memo of the landed transactions (failed ones included), oldest first. */
    public List<String> landedMemos() {
        List<String> memos = new ArrayList<>();
        control("landed", Map.of()).path("memos").forEach(m -> memos.add(m.asText()));
        return memos;
    }

    /** Gives {@code address} lamports (requestAirdrop) and makes the airdrop confirmed. */
    public void airdrop(String address, long lamports) {
        rpc("requestAirdrop", List.of(address, lamports));
        advance(2);
    }

    /** A raw JSON-RPC call to endpoint 0; returns the whole answer. */
    public JsonNode rpc(String method, List<Object> params) {
        try {
            String body =
                    JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", params));
            return JSON.readTree(post(url(0), body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode control(String call, Map<String, Object> body) {
        try {
            return JSON.readTree(post(url(0).resolve("/control/" + call), JSON.writeValueAsString(body)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String post(URI uri, String body) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(uri)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
