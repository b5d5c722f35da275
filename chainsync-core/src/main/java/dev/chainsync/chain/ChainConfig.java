package dev.chainsync.chain;

import dev.chainsync.chain.solana.SolanaConfig;
import dev.chainsync.config.Checks;
import dev.chainsync.config.Env;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Which chain to write to, and the devnet's knobs or Solana's endpoints (null unless that chain);
 * valid by construction. {@link SolanaConfig} lives in {@code chain.solana}, a subpackage of this
 * one's slice, so referring to it makes no package cycle.
 */
public record ChainConfig(
        String kind,
        Duration devnetSlotTime,
        boolean devnetPersistent,
        Path issuerKeypair,
        int breakerFailureRatePercent,
        Duration breakerOpenDuration,
        SolanaConfig solana) {
    public static final String DEVNET = "devnet";
    public static final String SOLANA = "solana";
    public static final Duration DEFAULT_DEVNET_SLOT_TIME = Duration.ofMillis(400);
    public static final int DEFAULT_BREAKER_FAILURE_RATE = 50;
    public static final Duration DEFAULT_BREAKER_OPEN = Duration.ofSeconds(30);
    /** The issuer keypair's file name in the data directory unless {@code CHAINSYNC_ISSUER_KEYPAIR} says otherwise. */
    public static final String DEFAULT_ISSUER_KEYPAIR_FILE = "issuer-keypair.json";

    public ChainConfig {
        new Checks()
                .that(
                        DEVNET.equals(kind) || SOLANA.equals(kind),
                        "CHAINSYNC_CHAIN=" + kind + " is not available yet: 'devnet' and 'solana' are implemented")
                .that(
                        !SOLANA.equals(kind) || solana != null,
                        "CHAINSYNC_CHAIN=solana needs its Solana settings (CHAINSYNC_SOLANA_RPC_URLS)")
                .millis("CHAINSYNC_DEVNET_SLOT_MS", devnetSlotTime, Duration.ofMillis(1), Duration.ofMinutes(1))
                .present("CHAINSYNC_ISSUER_KEYPAIR", issuerKeypair)
                .range("CHAINSYNC_CHAIN_BREAKER_FAILURE_RATE", breakerFailureRatePercent, 1, 100)
                .millis(
                        "CHAINSYNC_CHAIN_BREAKER_OPEN_MS",
                        breakerOpenDuration,
                        Duration.ofMillis(10),
                        Duration.ofHours(1))
                .throwIfInvalid();
    }

    /** Reads the chain's variables; problems are collected in {@code env} (the result is null then). */
    public static ChainConfig load(Env env, Path dataDir) {
        String kind = env.oneOf("CHAINSYNC_CHAIN", DEVNET, List.of(DEVNET, SOLANA, "evm"));
        Duration slot = env.millis("CHAINSYNC_DEVNET_SLOT_MS", DEFAULT_DEVNET_SLOT_TIME);
        boolean persistent = env.bool("CHAINSYNC_DEVNET_PERSISTENT", true);
        Path keypair = env.path("CHAINSYNC_ISSUER_KEYPAIR", dataDir.resolve(DEFAULT_ISSUER_KEYPAIR_FILE));
        int failureRate = env.integer("CHAINSYNC_CHAIN_BREAKER_FAILURE_RATE", DEFAULT_BREAKER_FAILURE_RATE);
        Duration open = env.millis("CHAINSYNC_CHAIN_BREAKER_OPEN_MS", DEFAULT_BREAKER_OPEN);
        SolanaConfig solana = SOLANA.equals(kind) ? SolanaConfig.load(env) : null;
        if (SOLANA.equals(kind) && solana == null) {
            return null; // SolanaConfig.load has reported why
        }
        return env.validated(() -> new ChainConfig(kind, slot, persistent, keypair, failureRate, open, solana));
    }
}
