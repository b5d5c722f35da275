package dev.chainsync.webhook;

import dev.chainsync.queue.Leased;
import dev.chainsync.webhook.WebhookStore.Claimed;
import dev.chainsync.webhook.WebhookStore.Finished;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The dispatcher's finishing decisions, without I/O: what became of a batch of claimed messages in,
 * a plan of what to write out. Each message's outcome is one value carrying everything its
 * statement needs (no lists kept in step by index).
 */
final class FinishPlanner {
    private final RetryPolicy retryPolicy;

    FinishPlanner(RetryPolicy retryPolicy) {
        this.retryPolicy = retryPolicy;
    }

    /** What became of one claimed message; {@code finished} is null when it was not attempted. */
    record Result(Claimed message, Finished finished, Instant finishedAt, Duration retryAfter, boolean gone) {
        static Result notAttempted(Claimed message, Instant at) {
            return new Result(message, null, at, null, false);
        }
    }

    /** What to write for one message. */
    sealed interface Outcome extends Leased {
        Claimed message();

        @Override
        default long id() {
            return message().id();
        }

        @Override
        default long version() {
            return message().version();
        }
    }

    /** Answered 2xx at {@code at}: delivered. */
    record Delivered(Finished finished, Instant at) implements Outcome {
        @Override
        public Claimed message() {
            return finished.message();
        }
    }

    /** Failed with attempts left: pending again at {@code at}. */
    record Retry(Finished finished, Instant at) implements Outcome {
        @Override
        public Claimed message() {
            return finished.message();
        }
    }

    /** Failed its last attempt: dead-lettered. */
    record DeadLetter(Finished finished) implements Outcome {
        @Override
        public Claimed message() {
            return finished.message();
        }
    }

    /** Never attempted (stopping, or the executor refused it): the claim goes back, no attempt counted. */
    record NotAttempted(Claimed message) implements Outcome {}

    /**
     * A batch's plan: the attempts to log, each message's outcome, and per endpoint whether its
     * latest attempt in the batch succeeded, and which answered 410 Gone. Endpoint ids are sorted
     * so concurrent finishers lock endpoint rows in one order.
     */
    record Plan(
            List<Finished> attempts,
            List<Outcome> outcomes,
            List<Long> succeededEndpoints,
            List<Long> failedEndpoints,
            List<Long> goneEndpoints) {
        <T extends Outcome> List<T> of(Class<T> kind) {
            return outcomes.stream().filter(kind::isInstance).map(kind::cast).toList();
        }
    }

    Plan plan(List<Result> batch) {
        List<Result> inOrder =
                batch.stream().sorted(Comparator.comparing(Result::finishedAt)).toList();
        List<Finished> attempts = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        Map<Long, Boolean> lastOutcome = new LinkedHashMap<>();
        Set<Long> gone = new TreeSet<>();
        for (Result r : inOrder) {
            Finished f = r.finished();
            if (f == null) {
                outcomes.add(new NotAttempted(r.message()));
                continue;
            }
            attempts.add(f);
            lastOutcome.put(r.message().endpointId(), f.succeeded());
            if (r.gone()) {
                gone.add(r.message().endpointId());
            }
            outcomes.add(outcome(r));
        }
        return new Plan(
                attempts, outcomes, endpoints(lastOutcome, true), endpoints(lastOutcome, false), List.copyOf(gone));
    }

    private Outcome outcome(Result r) {
        Finished f = r.finished();
        if (f.succeeded()) {
            return new Delivered(f, r.finishedAt());
        }
        Instant next = retryPolicy.next(r.message().attemptCount() + 1, r.finishedAt(), r.retryAfter());
        return next == null ? new DeadLetter(f) : new Retry(f, next);
    }

    private static List<Long> endpoints(Map<Long, Boolean> lastOutcome, boolean succeeded) {
        return lastOutcome.entrySet().stream()
                .filter(e -> e.getValue() == succeeded)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }
}
