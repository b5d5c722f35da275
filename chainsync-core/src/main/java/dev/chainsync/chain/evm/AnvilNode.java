package dev.chainsync.chain.evm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainsync.chain.LocalTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * anvil (a local EVM node, npm {@code @foundry-rs/anvil} in {@code testing/evm}) as a child process
 * on a free port, with the test-only RPC calls the EVM tests use (mining, reorgs). For tests and
 * local trials; never part of a production chain.
 */
public final class AnvilNode implements AutoCloseable {
    /** Where anvil is installed, relative to the repository root. */
    public static final String DIRECTORY = "testing/evm";
    /** The native binary the npm package's optional dependency brings on Linux x86-64. */
    static final String BINARY = "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";
    /** A test key; {@link #fund} gives its address ether (anvil's default accounts are unlocked for deploying). */
    public static final String DEV_KEY = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    /** anvil's default chain id. */
    public static final long CHAIN_ID = 31337;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final int port;

    private AnvilNode(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** {@code testing/evm} found from the working directory upwards, or null. */
    public static Path findDirectory() {
        return LocalTools.findAbove(DIRECTORY, "package.json");
    }

    /** Why anvil cannot run here (no directory, binary not installed), or null when it can. */
    public static String unavailableReason(Path directory) {
        if (directory == null) {
            return DIRECTORY + " not found above " + Path.of("").toAbsolutePath();
        }
        if (!Files.isExecutable(directory.resolve(BINARY))) {
            return directory.resolve(BINARY) + " is missing: run `npm ci` in " + DIRECTORY
                    + " (needs Node.js and npm; the binary exists for linux-amd64 here)";
        }
        return null;
    }

    /**
     * Starts anvil on a free port, mining a block per transaction, every block finalized one epoch
     * (one block) later, and enough history kept that deep reorgs on long chains keep contract code
     * (anvil 1.7.1 loses it otherwise).
     */
    public static AnvilNode start(Path directory) {
        int port = freePort();
        try {
            Process p = new ProcessBuilder(
                            directory.resolve(BINARY).toString(),
                            "--port",
                            String.valueOf(port),
                            "--host",
                            "127.0.0.1",
                            "--slots-in-an-epoch",
                            "1",
                            "--prune-history",
                            "10000",
                            "--silent")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            AnvilNode node = new AnvilNode(p, port);
            node.awaitReady();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start anvil in " + directory, e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("anvil exited with " + process.exitValue() + " before it was ready");
            }
            try {
                rpc("eth_chainId", List.of());
                return;
            } catch (UncheckedIOException notYet) {
                try {
                    process.waitFor(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    close();
                    throw new IllegalStateException("interrupted while anvil started", e);
                }
            }
        }
        close();
        throw new IllegalStateException("anvil did not answer within " + READY_TIMEOUT);
    }

    /** The node's JSON-RPC URL. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Mines {@code blocks} empty blocks now. */
    public void mine(long blocks) {
        call("anvil_mine", List.of("0x" + Long.toHexString(blocks)));
    }

    /**
     * Replaces the last {@code depth} blocks by as many new ones, carrying only {@code replay}
     * (raw signed transactions with the block offset to put each in); the transactions of the
     * dropped blocks are gone unless replayed.
     */
    public void reorg(int depth, List<Map.Entry<String, Integer>> replay) {
        List<List<Object>> txs = replay.stream()
                .map(e -> List.<Object>of(e.getKey(), e.getValue()))
                .toList();
        call("anvil_reorg", List.of(depth, txs));
    }

    /**
     * Deploys the anchor contract (the bytecode committed in {@code evm/Anchor.json}) from anvil's
     * second unlocked account, so the first one's nonces stay the adapter's; returns its address.
     */
    public String deployAnchor() {
        return deploy(AnchorContract.bytecode(), "anchor");
    }

    /**
     * Deploys the Intuition events contract ({@code evm/IntuitionEvents.json}) from anvil's second
     * unlocked account; returns its address.
     */
    public String deployIntuitionEvents() {
        return deploy(IntuitionEventsContract.bytecode(), "Intuition events");
    }

    private String deploy(String bytecode, String what) {
        String deployer = call("eth_accounts", List.of()).path(1).asText();
        String hash = call(
                        "eth_sendTransaction", List.of(Map.of("from", deployer, "data", bytecode, "gas", "0x2dc6c0")))
                .asText();
        JsonNode receipt = receipt(hash);
        if (receipt.isNull() || EvmChainClient.quantity(receipt.path("status")) != 1) {
            throw new IllegalStateException(what + " contract deployment did not land: " + receipt);
        }
        return receipt.path("contractAddress").asText();
    }

    /**
     * Sends a call of {@code to} with {@code data} and {@code gas} from anvil's third unlocked account
     * (so neither the adapter's nor the deployer's nonces move); returns the transaction hash without
     * waiting for it to be mined (with automine off it waits for {@link #mine}).
     */
    public String send(String to, String data, long gas) {
        String from = call("eth_accounts", List.of()).path(2).asText();
        return call(
                        "eth_sendTransaction",
                        List.of(Map.of("from", from, "to", to, "data", data, "gas", "0x" + Long.toHexString(gas))))
                .asText();
    }

    /** {@link #send}, then waits for the receipt and checks the call succeeded; returns the receipt. */
    public JsonNode transact(String to, String data, long gas) {
        String hash = send(to, data, gas);
        JsonNode receipt = receipt(hash);
        if (receipt.isNull() || EvmChainClient.quantity(receipt.path("status")) != 1) {
            throw new IllegalStateException("transaction " + hash + " did not succeed: " + receipt);
        }
        return receipt;
    }

    /** The receipt of {@code hash} once mined (automine mines just after answering), or null after a while. */
    private JsonNode receipt(String hash) {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        JsonNode receipt = call("eth_getTransactionReceipt", List.of(hash));
        while (receipt.isNull() && Instant.now().isBefore(deadline)) {
            try {
                process.waitFor(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            receipt = call("eth_getTransactionReceipt", List.of(hash));
        }
        return receipt;
    }

    /** Sets {@code address}'s balance to {@code wei}. */
    public void fund(String address, java.math.BigInteger wei) {
        call("anvil_setBalance", List.of(address, "0x" + wei.toString(16)));
    }

    /** Stops or resumes mining a block for each transaction. */
    public void automine(boolean on) {
        call("evm_setAutomine", List.of(on));
    }

    /** A JSON-RPC call; returns its result, throwing on an error answer. */
    public JsonNode call(String method, List<Object> params) {
        JsonNode answer = rpc(method, params);
        if (answer.has("error")) {
            throw new IllegalStateException(method + " failed: " + answer.path("error"));
        }
        return answer.path("result");
    }

    /** A raw JSON-RPC call; returns the whole answer. */
    public JsonNode rpc(String method, List<Object> params) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(url())
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                                    Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", params))))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
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
