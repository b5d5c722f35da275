package dev.chainsync.chain;

import dev.chainsync.config.Checks;
import dev.chainsync.config.Env;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Which chain to write to, and the devnet's knobs or the chosen adapter's own settings (null on the
 * devnet); valid by construction. The adapter's settings are held as {@link AdapterSettings} and
 * loaded by a loader the wiring hands in, so this package never names an adapter's package.
 */
public record ChainConfig(
        String kind,
        Duration devnetSlotTime,
        boolean devnetPersistent,
        Path issuerKeypair,
        int breakerFailureRatePercent,
        Duration breakerOpenDuration,
        AdapterSettings adapter) {
    public static final String DEVNET = "devnet";
    public static final String SOLANA = "solana";
    public static final String EVM = "evm";
    public static final Duration DEFAULT_DEVNET_SLOT_TIME = Duration.ofMillis(400);
    public static final int DEFAULT_BREAKER_FAILURE_RATE = 50;
    public static final Duration DEFAULT_BREAKER_OPEN = Duration.ofSeconds(30);
    /** The issuer keypair's file name in the data directory unless {@code CHAINSYNC_ISSUER_KEYPAIR} says otherwise. */
    public static final String DEFAULT_ISSUER_KEYPAIR_FILE = "issuer-keypair.json";

    public ChainConfig {
        new Checks()
                .that(
                        List.of(DEVNET, SOLANA, EVM).contains(kind),
                        "CHAINSYNC_CHAIN=" + kind + " is unknown: 'devnet', 'solana' and 'evm' are implemented")
                .that(
                        DEVNET.equals(kind) || adapter != null,
                        "CHAINSYNC_CHAIN=" + kind + " needs its adapter's settings")
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

    /**
     * Reads the chain's variables, and the chosen adapter's through its loader in {@code adapters}
     * (by chain name); problems are collected in {@code env} (the result is null then).
     */
    public static ChainConfig load(
            Env env, Path dataDir, Map<String, Function<Env, ? extends AdapterSettings>> adapters) {
        String kind = env.oneOf("CHAINSYNC_CHAIN", DEVNET, List.of(DEVNET, SOLANA, EVM));
        Duration slot = env.millis("CHAINSYNC_DEVNET_SLOT_MS", DEFAULT_DEVNET_SLOT_TIME);
        boolean persistent = env.bool("CHAINSYNC_DEVNET_PERSISTENT", true);
        Path keypair = env.path("CHAINSYNC_ISSUER_KEYPAIR", dataDir.resolve(DEFAULT_ISSUER_KEYPAIR_FILE));
        int failureRate = env.integer("CHAINSYNC_CHAIN_BREAKER_FAILURE_RATE", DEFAULT_BREAKER_FAILURE_RATE);
        Duration open = env.millis("CHAINSYNC_CHAIN_BREAKER_OPEN_MS", DEFAULT_BREAKER_OPEN);
        Function<Env, ? extends AdapterSettings> loader = kind == null ? null : adapters.get(kind);
        AdapterSettings adapter = loader == null ? null : loader.apply(env);
        if (loader != null && adapter == null) {
            return null; // the adapter's loader has reported why
        }
        return env.validated(() -> new ChainConfig(kind, slot, persistent, keypair, failureRate, open, adapter));
    }

    /** The adapter's settings as the type its adapter expects; fails loudly on a mismatch. */
    public <T extends AdapterSettings> T adapter(Class<T> type) {
        if (!type.isInstance(adapter)) {
            throw new IllegalStateException("CHAINSYNC_CHAIN=" + kind + " has no " + type.getSimpleName());
        }
        return type.cast(adapter);
    }
}
