package dev.chainsync.outbox;

import dev.chainsync.chain.SignatureStatus;
import dev.chainsync.outbox.OperationHandler.Confirmed;
import dev.chainsync.outbox.OperationHandler.Failed;
import dev.chainsync.outbox.OperationHandler.Submitted;
import dev.chainsync.queue.Leased;
import java.time.Instant;

/**
 * A claimed operation's new state together with the handler event that reports it. One value
 * carries both, so a status change and its event are written together or, when the version no
 * longer matches, dropped together.
 */
sealed interface Settlement extends Leased {
    Operation op();

    @Override
    default long id() {
        return op().id();
    }

    @Override
    default long version() {
        return op().version();
    }

    /** Sent, or found landed: submitted with {@code signature}; handlers hear {@code onSubmitted}. */
    record Submit(Operation op, String signature, boolean resubmission) implements Settlement {
        Submitted event() {
            return new Submitted(op, signature, resubmission);
        }
    }

    /**
     * Back to pending at {@code at}. When the attempt counts as a failure, it uses one attempt and
     * handlers hear {@code onFailed}; otherwise (no verdict on the operation) nothing is reported.
     */
    record Reschedule(Operation op, Instant at, String error, boolean countsAsFailure) implements Settlement {
        /** Back at {@code at} without a verdict: no attempt used, no event, the last error kept. */
        static Reschedule later(Operation op, Instant at) {
            return new Reschedule(op, at, null, false);
        }

        Failed event() {
            return new Failed(op, error);
        }
    }

    /** Out of attempts: dead-lettered with {@code error}; handlers hear {@code onDeadLettered}. */
    record DeadLetter(Operation op, String error) implements Settlement {
        Failed event() {
            return new Failed(op, error);
        }
    }

    /** Its transaction reached the configured commitment; handlers hear {@code onConfirmed}. */
    record Confirm(Operation op, SignatureStatus status) implements Settlement {
        Confirmed event() {
            return new Confirmed(op, status);
        }
    }

    /** Still on its way: the tracker looks again at {@code at}; nothing is reported. */
    record Recheck(Operation op, Instant at) implements Settlement {}
}
