package dev.chainsync.ingest;

import dev.chainsync.chain.RpcUrls;
import dev.chainsync.config.Env;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where the native EVM ingest source reads ({@code CHAINSYNC_INGEST_SOURCE=evm}): the nodes, the
 * Intuition contract(s) whose logs it fetches with {@code eth_getLogs}, the block to start from and
 * the value of the event tables' {@code network} column.
 *
 * @param rpcUrls JSON-RPC endpoints, most preferred first (the next is asked when one fails)
 * @param contracts lower-case 0x addresses whose logs are ingested
 * @param startBlock the first block read when the network has no checkpoint yet
 * @param network the {@code network} column of every event, and the checkpoint's key
 * @param requestTimeout one RPC request; then the next endpoint is tried
 * @param maxBlockRange the most blocks one {@code eth_getLogs} asks for (shrunk when a node refuses)
 * @param pollInterval how long an idle source waits before asking the node for new blocks
 */
public record EvmSourceConfig(
        List<URI> rpcUrls,
        List<String> contracts,
        long startBlock,
        String network,
        Duration requestTimeout,
        int maxBlockRange,
        Duration pollInterval) {
    public static final long DEFAULT_START_BLOCK = 0;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMillis(10_000);
    public static final int DEFAULT_MAX_BLOCK_RANGE = 2_000;
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(1_000);
    /** An endpoint further than this many blocks behind the best one is not read from (as the write adapter). */
    public static final long MAX_LAG_BLOCKS = 20;
    /** The failure rate over an endpoint's last calls that opens its breaker. */
    public static final int ENDPOINT_FAILURE_RATE_PERCENT = 50;
    /** How long an endpoint's open breaker skips it before one trial request. */
    public static final Duration ENDPOINT_OPEN_DURATION = Duration.ofSeconds(30);

    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");

    public EvmSourceConfig {
        rpcUrls = RpcUrls.check(rpcUrls, "CHAINSYNC_EVM_RPC_URLS: EVM");
        contracts = contracts.stream()
                .map(a -> a.toLowerCase(Locale.ROOT))
                .distinct()
                .toList();
        List<String> problems = new ArrayList<>();
        if (contracts.isEmpty()) {
            problems.add("CHAINSYNC_INTUITION_CONTRACT must name the contract address (0x + 40 hex digits)");
        }
        contracts.stream()
                .filter(a -> !ADDRESS.matcher(a).matches())
                .forEach(a -> problems.add("CHAINSYNC_INTUITION_CONTRACT: '" + a + "' is not 0x + 40 hex digits"));
        if (startBlock < 0) {
            problems.add("CHAINSYNC_EVM_START_BLOCK must not be negative");
        }
        if (network == null || network.isBlank() || network.chars().anyMatch(Character::isWhitespace)) {
            problems.add(
                    "CHAINSYNC_EVM_NETWORK must name the network (the events' network column), without whitespace");
        }
        if (requestTimeout.toMillis() < 100 || requestTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            problems.add("CHAINSYNC_EVM_REQUEST_TIMEOUT_MS must be between 100 and 300000");
        }
        if (maxBlockRange < 1 || maxBlockRange > 1_000_000) {
            problems.add("CHAINSYNC_EVM_MAX_BLOCK_RANGE must be between 1 and 1000000");
        }
        if (pollInterval.toMillis() < 10 || pollInterval.compareTo(Duration.ofMinutes(10)) > 0) {
            problems.add("CHAINSYNC_EVM_POLL_INTERVAL_MS must be between 10 and 600000");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** A source with the default timeout, range and poll interval. */
    public static EvmSourceConfig of(List<URI> rpcUrls, List<String> contracts, long startBlock, String network) {
        return new EvmSourceConfig(
                rpcUrls,
                contracts,
                startBlock,
                network,
                DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_MAX_BLOCK_RANGE,
                DEFAULT_POLL_INTERVAL);
    }

    public EvmSourceConfig withTuning(Duration timeout, int maxRange, Duration poll) {
        return new EvmSourceConfig(rpcUrls, contracts, startBlock, network, timeout, maxRange, poll);
    }

    /** The pipeline's stream name for this source: {@code evm:<network>} (progress, dead letters, reorgs). */
    String stream() {
        return "evm:" + network;
    }

    /**
     * Reads the EVM source's variables; a problem is recorded in {@code env} and null returned.
     * {@code CHAINSYNC_EVM_RPC_URLS} and {@code CHAINSYNC_EVM_REQUEST_TIMEOUT_MS} are the write
     * adapter's too: one node list serves both.
     */
    static EvmSourceConfig load(Env env) {
        String raw = env.raw("CHAINSYNC_EVM_RPC_URLS");
        List<URI> urls = raw == null ? null : RpcUrls.parse("CHAINSYNC_EVM_RPC_URLS", raw, "evm", env::problem);
        if (raw == null) {
            env.problem("CHAINSYNC_EVM_RPC_URLS is required with CHAINSYNC_INGEST_SOURCE=evm"
                    + " (comma-separated http(s) JSON-RPC URLs, most preferred first)");
        }
        List<String> contracts = Arrays.stream(
                        env.string("CHAINSYNC_INTUITION_CONTRACT", "").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
        long start = env.longValue("CHAINSYNC_EVM_START_BLOCK", DEFAULT_START_BLOCK);
        String network = env.raw("CHAINSYNC_EVM_NETWORK");
        Duration timeout = env.millis("CHAINSYNC_EVM_REQUEST_TIMEOUT_MS", DEFAULT_REQUEST_TIMEOUT);
        int range = env.integer("CHAINSYNC_EVM_MAX_BLOCK_RANGE", DEFAULT_MAX_BLOCK_RANGE);
        Duration poll = env.millis("CHAINSYNC_EVM_POLL_INTERVAL_MS", DEFAULT_POLL_INTERVAL);
        if (urls == null) {
            return null;
        }
        try {
            return new EvmSourceConfig(urls, contracts, start, network, timeout, range, poll);
        } catch (IllegalArgumentException e) {
            env.problem(e.getMessage() + " (CHAINSYNC_INGEST_SOURCE=evm)");
            return null;
        }
    }

    @Override
    public String toString() {
        return "EvmSourceConfig[rpc=" + rpcUrls.stream().map(RpcUrls::label).toList() + ", contracts=" + contracts
                + ", startBlock=" + startBlock + ", network=" + network + ", timeout=" + requestTimeout.toMillis()
                + "ms, maxBlockRange=" + maxBlockRange + ", poll=" + pollInterval.toMillis() + "ms]";
    }
}
