package dev.chainsync.reconcile;

import dev.chainsync.config.Checks;
import dev.chainsync.config.Env;
import java.time.Duration;

/**
 * Reconciliation: whether it runs, the credential reconciler's interval and window, and the engine's
 * settings for the other data types (their cadences, the same window, the history's retention);
 * valid by construction.
 */
public record ReconcileConfig(boolean enabled, Duration interval, Duration window, EngineConfig engine) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);

    public ReconcileConfig {
        new Checks()
                .millis("CHAINSYNC_RECONCILE_INTERVAL_MS", interval, Duration.ofSeconds(1), Duration.ofDays(1))
                .millis("CHAINSYNC_RECONCILE_WINDOW_MS", window, Duration.ofSeconds(1), Duration.ofDays(365))
                .present("the reconciliation engine's settings", engine)
                .throwIfInvalid();
    }

    /** Reads the reconciliation's variables; problems are collected in {@code env} (the result is null then). */
    public static ReconcileConfig load(Env env) {
        boolean enabled = env.bool("CHAINSYNC_RECONCILE_ENABLED", true);
        Duration interval = env.millis("CHAINSYNC_RECONCILE_INTERVAL_MS", DEFAULT_INTERVAL);
        Duration window = env.millis("CHAINSYNC_RECONCILE_WINDOW_MS", DEFAULT_WINDOW);
        EngineConfig engine = EngineConfig.load(env, window, interval == null ? DEFAULT_INTERVAL : interval);
        return engine == null ? null : env.validated(() -> new ReconcileConfig(enabled, interval, window, engine));
    }

    public ReconcileConfig withEnabled(boolean on) {
        return new ReconcileConfig(on, interval, window, engine);
    }
}
