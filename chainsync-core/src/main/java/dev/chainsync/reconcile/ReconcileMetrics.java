package dev.chainsync.reconcile;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;

/**
 * The reconciliation metrics under the names the seeds' dashboards and alerts use: {@code
 * diploma_inconsistencies_total{type}} (seed 000), {@code reconciliation_duration_seconds{kind,status}}
 * and {@code blockchain_ownership_mismatches_total} (seed 001), for every data type the engine
 * runs ({@code reconciliation_duration_seconds_count} counts its runs, {@code status="failed"} its
 * failures). Every series is registered at zero when the type is registered, so an alert on {@code
 * increase(...)} sees the first finding.
 */
final class ReconcileMetrics {
    /** The finding kinds the credential reconciler reports, each a {@code type} of the inconsistency counter. */
    static final List<String> FINDING_KINDS = List.of(
            CredentialReconciler.MISSING_IN_DB,
            CredentialReconciler.MISSING_ON_CHAIN,
            CredentialReconciler.STATUS_BEHIND_CHAIN);
    /** Run durations are bucketed up to the default interval: a run pages the issuer's history and asks the chain. */
    static final Duration[] DURATION_BUCKETS = {
        Duration.ofMillis(100),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        Duration.ofSeconds(15),
        Duration.ofSeconds(60),
        Duration.ofSeconds(300)
    };

    private final MeterRegistry registry;
    private final String kind;
    private final Timer succeeded;
    private final Timer failed;
    private final Counter ownershipMismatches;
    private final Counter skipped;

    ReconcileMetrics(MeterRegistry registry, String kind) {
        this.registry = registry;
        this.kind = kind;
        FINDING_KINDS.forEach(this::inconsistencies);
        this.succeeded = duration("succeeded");
        this.failed = duration("failed");
        // One series for every data type (ticket ownership finds them): at zero from the start, so the
        // seed's alert sees the first mismatch.
        this.ownershipMismatches = Counter.builder("blockchain_ownership_mismatches_total")
                .description("Ownership mismatches between chain and database found by reconciliation")
                .register(registry);
        this.skipped = Counter.builder("chainsync_reconcile_skipped_runs_total")
                .description("Runs not started because another instance had a run of the data type under way")
                .tag("kind", kind)
                .register(registry);
    }

    /** Counts one owner mismatch found (and acted on) by a run. */
    void ownershipMismatch() {
        ownershipMismatches.increment();
    }

    /** Counts a run skipped because another instance holds the type's run lease. */
    void skipped() {
        skipped.increment();
    }

    /** Counts one finding of {@code type} (a finding kind such as {@code missing_on_chain}). */
    void inconsistency(String type) {
        inconsistencies(type).increment();
    }

    /** Records how long a run took and whether it succeeded. */
    void run(Duration took, boolean ok) {
        (ok ? succeeded : failed).record(took);
    }

    private Counter inconsistencies(String type) {
        return Counter.builder("diploma_inconsistencies_total")
                .description("Disagreements between chain and database found by reconciliation, by finding kind")
                .tag("type", type)
                .register(registry);
    }

    private Timer duration(String status) {
        return Timer.builder("reconciliation_duration_seconds")
                .description("How long a reconciliation run took, by data kind and outcome")
                .tag("kind", kind)
                .tag("status", status)
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry);
    }
}
