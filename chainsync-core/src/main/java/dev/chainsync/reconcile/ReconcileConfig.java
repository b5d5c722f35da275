package dev.chainsync.reconcile;

import dev.chainsync.config.Checks;
import dev.chainsync.config.Env;
import java.time.Duration;

/** The scheduled credential reconciliation; valid by construction. */
public record ReconcileConfig(boolean enabled, Duration interval, Duration window) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);

    public ReconcileConfig {
        new Checks()
                .millis("CHAINSYNC_RECONCILE_INTERVAL_MS", interval, Duration.ofSeconds(1), Duration.ofDays(1))
                .millis("CHAINSYNC_RECONCILE_WINDOW_MS", window, Duration.ofSeconds(1), Duration.ofDays(365))
                .throwIfInvalid();
    }

    /** Reads the reconciliation's variables; problems are collected in {@code env} (the result is null then). */
    public static ReconcileConfig load(Env env) {
        boolean enabled = env.bool("CHAINSYNC_RECONCILE_ENABLED", true);
        Duration interval = env.millis("CHAINSYNC_RECONCILE_INTERVAL_MS", DEFAULT_INTERVAL);
        Duration window = env.millis("CHAINSYNC_RECONCILE_WINDOW_MS", DEFAULT_WINDOW);
        return env.validated(() -> new ReconcileConfig(enabled, interval, window));
    }

    public ReconcileConfig withEnabled(boolean on) {
        return new ReconcileConfig(on, interval, window);
    }
}
