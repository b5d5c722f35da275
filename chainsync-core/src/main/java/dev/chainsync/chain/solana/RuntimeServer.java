package dev.chainsync.chain.solana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainsync.chain.LocalTools;
import dev.chainsync.chain.Signer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Solana runtime server of {@code testing/solana-rpc} (LiteSVM behind Solana's JSON-RPC) as a
 * child process on free ports, and its control API: blocks on demand, faults, what landed. For
 * tests, the demo and the benchmark; never part of a production chain.
 */
public final class RuntimeServer implements AutoCloseable {
    /** Where the server lives, relative to the repository root. */
    public static final String DIRECTORY = "testing/solana-rpc";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final List<Integer> ports;

    private RuntimeServer(Process process, List<Integer> ports) {
        this.process = process;
        this.ports = ports;
    }

    /** The server's directory found from the working directory upwards, or null. */
    public static Path findDirectory() {
        return LocalTools.findAbove(DIRECTORY, "server.js");
    }

    /**
     * Why the server cannot run here (no directory, no Node.js, dependencies not installed), or
     * null when it can.
     */
    public static String unavailableReason(Path directory) {
        if (directory == null) {
            return DIRECTORY + " not found above " + Path.of("").toAbsolutePath();
        }
        if (nodeVersion() == null) {
            return "Node.js (node) is not on PATH";
        }
        if (!Files.isDirectory(directory.resolve("node_modules/litesvm"))) {
            return directory.resolve("node_modules") + " is missing: run `npm ci` there";
        }
        return null;
    }

    /**
     * Starts the server in {@code directory} with {@code endpoints} RPC ports over one chain, a
     * block every {@code slotMillis} (0: only on {@link #advance}). It exits with this process.
     */
    public static RuntimeServer start(Path directory, int endpoints, long slotMillis) {
        try {
            Process p = new ProcessBuilder(
                            "node",
                            "server.js",
                            "--port",
                            "0",
                            "--endpoints",
                            String.valueOf(endpoints),
                            "--slot-ms",
                            String.valueOf(slotMillis),
                            "--exit-with-stdin")
                    .directory(directory.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null) {
                p.destroyForcibly();
                throw new IllegalStateException("the Solana runtime server exited before it was ready");
            }
            List<Integer> ports = new ArrayList<>();
            JSON.readTree(line).path("ports").forEach(n -> ports.add(n.asInt()));
            return new RuntimeServer(p, List.copyOf(ports));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Solana runtime server in " + directory, e);
        }
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

    /**
     * A client of endpoint 0 that {@code payer} signs and pays through, with default breakers on
     * {@code clock}; the caller closes it.
     */
    public SolanaChainClient client(Signer payer, Clock clock) {
        return new SolanaChainClient(
                SolanaConfig.of(List.of(url(0))),
                payer,
                false,
                50,
                Duration.ofSeconds(30),
                clock,
                new SimpleMeterRegistry());
    }

    /** The RPC URL of endpoint {@code i}. */
    public URI url(int i) {
        return URI.create("http://127.0.0.1:" + ports.get(i));
    }

    /** Every endpoint's RPC URL, in order. */
    public List<URI> urls() {
        return ports.stream().map(p -> URI.create("http://127.0.0.1:" + p)).toList();
    }

    /** Produces {@code blocks} blocks now. */
    public void advance(long blocks) {
        control("advance", Map.of("slots", blocks));
    }

    /** Sets faults of endpoint {@code endpoint}: dropNext, dropRate, failNext, failRate, errorRate, latencyMs, outage, lag. */
    public void faults(int endpoint, Map<String, Object> faults) {
        Map<String, Object> body = new HashMap<>(faults);
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

    /** Gives {@code address} lamports with requestAirdrop. */
    public void airdrop(String address, long lamports) {
        JsonNode answer = rpc("requestAirdrop", List.of(address, lamports));
        if (answer.has("error")) {
            throw new IllegalStateException("requestAirdrop failed: " + answer.path("error"));
        }
    }

    /**
     * Moves the ticket {@code mint} from {@code holder}'s token account to {@code to}'s with a
     * transaction the holder's wallet signs and pays: what an owner does on chain directly,
     * bypassing the platform. Returns its signature once the server accepted it.
     */
    public String transferAsOwner(Signer holder, String mint, String to) {
        JsonNode blockhash = rpc("getLatestBlockhash", List.of(Map.of("commitment", "confirmed")))
                .path("result")
                .path("value");
        SolanaWire.Built built = SolanaMessage.build(
                holder,
                List.of(),
                SolanaTickets.ownerTransfer(holder.address(), mint, to),
                blockhash.path("blockhash").asText());
        JsonNode answer = rpc(
                "sendTransaction",
                List.of(
                        java.util.Base64.getEncoder().encodeToString(built.wire()),
                        Map.of("encoding", "base64", "preflightCommitment", "confirmed")));
        if (answer.has("error")) {
            throw new IllegalStateException("the owner's transfer was refused: " + answer.path("error"));
        }
        return built.signature();
    }

    /** A raw JSON-RPC call to endpoint 0; returns the whole answer. */
    public JsonNode rpc(String method, List<Object> params) {
        return rpc(0, method, params);
    }

    /** A raw JSON-RPC call to endpoint {@code endpoint}; returns the whole answer. */
    public JsonNode rpc(int endpoint, String method, List<Object> params) {
        try {
            return JSON.readTree(post(
                    url(endpoint),
                    JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", params))));
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
        LocalTools.stop(process);
    }
}
