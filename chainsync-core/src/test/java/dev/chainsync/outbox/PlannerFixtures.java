package dev.chainsync.outbox;

import dev.chainsync.chain.Devnet;
import dev.chainsync.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.Set;

/** Operations and planners for the planners' unit tests: no database, no chain calls. */
final class PlannerFixtures {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration POLL = Duration.ofMillis(200);
    static final Duration CAP = Duration.ofSeconds(10);
    static final String KIND = "credential.anchor";
    /** Used only for its sizing rules (bytes per memo transaction), which are pure. */
    static final Devnet SIZING = Devnet.builder().clock(new ManualClock(NOW)).build();

    private PlannerFixtures() {}

    static Backoff backoff() {
        return new Backoff(Duration.ofMillis(500), CAP, new Random(1));
    }

    static SubmitPlanner submitPlanner() {
        return new SubmitPlanner(SIZING, Set.of(KIND), backoff(), POLL, CAP, "relay-a");
    }

    static Operation op(long id, int attemptCount, int maxAttempts) {
        return op(id, KIND, "memo-" + id, attemptCount, maxAttempts, null, null);
    }

    static Operation op(
            long id, String kind, String memo, int attemptCount, int maxAttempts, String signature, Long lastValid) {
        return new Operation(
                id,
                kind,
                "agg-" + id,
                memo,
                "key-" + id,
                signature == null ? OperationStatus.PENDING : OperationStatus.SUBMITTED,
                attemptCount,
                maxAttempts,
                NOW,
                "relay-a",
                NOW.plusSeconds(30),
                7,
                signature,
                signature == null ? null : "hash",
                lastValid,
                null,
                null,
                null,
                "last error",
                NOW.minusSeconds(5),
                NOW);
    }

    static Attempt attempt(long opId, int n, String signature, long lastValidHeight) {
        return new Attempt(opId, n, signature, "hash", lastValidHeight, "relay-a", NOW);
    }
}
