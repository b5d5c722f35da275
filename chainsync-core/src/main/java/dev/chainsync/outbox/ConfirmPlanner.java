package dev.chainsync.outbox;

import dev.chainsync.chain.Commitment;
import dev.chainsync.chain.SignatureStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The confirmation pass's decisions, without I/O: statuses and height in, settlements out. */
final class ConfirmPlanner {
    private final Commitment target;
    private final Backoff backoff;
    private final Duration recheckInterval;

    ConfirmPlanner(Commitment target, Backoff backoff, Duration recheckInterval) {
        this.target = target;
        this.backoff = backoff;
        this.recheckInterval = recheckInterval;
    }

    /**
     * One settlement per claimed operation. {@code heightBeforeStatuses} must be read before the
     * statuses: if it is already past an attempt's last valid height and the chain still does not
     * know the signature, that transaction can never land.
     */
    List<Settlement> plan(
            List<Operation> claimed, Map<String, SignatureStatus> statuses, long heightBeforeStatuses, Instant now) {
        List<Settlement> out = new ArrayList<>(claimed.size());
        for (Operation op : claimed) {
            out.add(plan(op, statuses.get(op.signature()), heightBeforeStatuses, now));
        }
        return out;
    }

    private Settlement plan(Operation op, SignatureStatus s, long height, Instant now) {
        if (s != null && s.failed()) {
            return failure(op, "transaction " + op.signature() + " failed on chain: " + s.error(), now);
        }
        if (s != null && s.commitment().atLeast(target)) {
            return new Settlement.Confirm(op, s);
        }
        if (s == null
                && op.lastValidHeight() != null
                && height > op.lastValidHeight() + SubmitPlanner.LANDING_MARGIN_BLOCKS) {
            return failure(
                    op,
                    "transaction " + op.signature() + " expired: blockhash valid to height " + op.lastValidHeight()
                            + ", chain at " + height + ", not landed",
                    now);
        }
        return new Settlement.Recheck(op, now.plus(recheckInterval));
    }

    private Settlement failure(Operation op, String error, Instant now) {
        if (op.attemptCount() + 1 >= op.maxAttempts()) {
            return new Settlement.DeadLetter(op, error);
        }
        // The next submit pass checks the chain for every earlier attempt before building a new one.
        return new Settlement.Reschedule(op, now.plus(backoff.delay(op.attemptCount() + 1)), error, true);
    }
}
