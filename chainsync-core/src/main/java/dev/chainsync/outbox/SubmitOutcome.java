package dev.chainsync.outbox;

import java.time.Instant;

/**
 * What the submit pass decided for one claimed operation. Some outcomes settle the operation at
 * once ({@link Final}); the others name the chain work still to do for it.
 */
sealed interface SubmitOutcome {
    Operation op();

    /** An outcome that needs no further chain work: it is the operation's settlement. */
    sealed interface Final extends SubmitOutcome {
        Settlement settlement();
    }

    /** An earlier attempt landed after all (a crash hid the outcome): track it, send nothing. */
    record Adopt(Operation op, String signature) implements Final {
        @Override
        public Settlement settlement() {
            return new Settlement.Submit(op, signature, false);
        }
    }

    /** The latest attempt can still land: re-send its exact bytes (the chain deduplicates them). */
    record Resend(Operation op, Attempt attempt) implements SubmitOutcome {}

    /**
     * The latest attempt is too near its expiry to re-send (another relay could already be calling
     * it dead) and too early to call dead (a sibling's relay may still re-send it): look again later.
     */
    record WaitNearExpiry(Operation op, Instant until) implements Final {
        @Override
        public Settlement settlement() {
            return Settlement.Reschedule.later(op, until);
        }
    }

    /**
     * Every earlier attempt is dead; the memo itself must be ruled out on chain, back to the slot
     * the first attempt ({@code firstLastValidHeight}) could have landed in.
     */
    record SearchChain(Operation op, long firstLastValidHeight) implements SubmitOutcome {}

    /** Needs a new transaction: packed with others, recorded, then sent. */
    record PackAndSend(Operation op, boolean resubmission) implements SubmitOutcome {}

    /** Can never be sent (its memo fits no transaction) or is out of attempts and proven absent. */
    record DeadLetter(Operation op, String error) implements Final {
        @Override
        public Settlement settlement() {
            return new Settlement.DeadLetter(op, error);
        }
    }

    /** Of a kind this relay has no handler for: left pending for a relay that has one (a rolling upgrade). */
    record LeaveForAnother(Operation op, String reason, Instant until) implements Final {
        @Override
        public Settlement settlement() {
            return new Settlement.Reschedule(op, until, reason, false);
        }
    }

    /** A claim lost or a transaction that cannot be rebuilt: back without a verdict, due at {@code until}. */
    record GiveBack(Operation op, Instant until) implements Final {
        @Override
        public Settlement settlement() {
            return Settlement.Reschedule.later(op, until);
        }
    }
}
