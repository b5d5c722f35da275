package dev.chainsync.outbox;

import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.ChainException;
import dev.chainsync.chain.ChainInstruction;
import dev.chainsync.chain.SignatureStatus;
import dev.chainsync.chain.SignedTransaction;
import dev.chainsync.outbox.SubmitOutcome.Adopt;
import dev.chainsync.outbox.SubmitOutcome.DeadLetter;
import dev.chainsync.outbox.SubmitOutcome.LeaveForAnother;
import dev.chainsync.outbox.SubmitOutcome.PackAndSend;
import dev.chainsync.outbox.SubmitOutcome.Resend;
import dev.chainsync.outbox.SubmitOutcome.SearchChain;
import dev.chainsync.outbox.SubmitOutcome.WaitNearExpiry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The submit pass's decisions, without I/O: what the chain and the database said goes in, outcomes
 * come out. The relay does the reading, the chain calls and the writing around it.
 *
 * <p>Uses the chain port only for its pure sizing rules (how many bytes a transaction takes), and
 * each kind's pure mapping from an operation to its chain instructions.
 */
final class SubmitPlanner {
    /** A transaction built at height h may land one block after its last valid height in the devnet's model. */
    static final long LANDING_MARGIN_BLOCKS = 1;

    private final ChainClient sizing;
    private final Set<String> handledKinds;
    private final Backoff backoff;
    private final Duration pollInterval;
    private final Duration retryCap;
    private final String relay;
    private final Function<Operation, List<ChainInstruction>> instructions;

    /** A planner for memo-only kinds. */
    SubmitPlanner(
            ChainClient sizing,
            Set<String> handledKinds,
            Backoff backoff,
            Duration pollInterval,
            Duration retryCap,
            String relay) {
        this(
                sizing,
                handledKinds,
                backoff,
                pollInterval,
                retryCap,
                relay,
                op -> List.of(new ChainInstruction.Memo(op.memo())));
    }

    SubmitPlanner(
            ChainClient sizing,
            Set<String> handledKinds,
            Backoff backoff,
            Duration pollInterval,
            Duration retryCap,
            String relay,
            Function<Operation, List<ChainInstruction>> instructions) {
        this.instructions = instructions;
        this.sizing = sizing;
        this.handledKinds = Set.copyOf(handledKinds);
        this.backoff = backoff;
        this.pollInterval = pollInterval;
        this.retryCap = retryCap;
        this.relay = relay;
    }

    /** One transaction to send and the claimed operations whose memos it carries. */
    record Send(List<Operation> ops, SignedTransaction tx, Set<Long> resubmissions) {}

    /**
     * The first decision for each claimed operation, from its recorded attempts (oldest first), the
     * chain's statuses of their signatures and the block height read before those statuses.
     */
    List<SubmitOutcome> triage(
            List<Operation> claimed,
            Map<Long, List<Attempt>> history,
            Map<String, SignatureStatus> statuses,
            long height,
            Instant now) {
        List<SubmitOutcome> out = new ArrayList<>(claimed.size());
        for (Operation op : claimed) {
            out.add(triage(op, history.getOrDefault(op.id(), List.of()), statuses, height, now));
        }
        return out;
    }

    private SubmitOutcome triage(
            Operation op, List<Attempt> attempts, Map<String, SignatureStatus> statuses, long height, Instant now) {
        for (Attempt a : attempts) {
            SignatureStatus s = statuses.get(a.signature());
            if (s != null && !s.failed()) {
                return new Adopt(op, a.signature());
            }
        }
        if (attempts.isEmpty()) {
            return pack(op, false, now);
        }
        Attempt latest = attempts.getLast();
        if (!statuses.containsKey(latest.signature())) {
            if (height + LANDING_MARGIN_BLOCKS <= latest.lastValidHeight()) {
                return new Resend(op, latest);
            }
            if (height <= latest.lastValidHeight() + LANDING_MARGIN_BLOCKS) {
                return new WaitNearExpiry(op, now.plus(pollInterval));
            }
        }
        return new SearchChain(op, attempts.getFirst().lastValidHeight());
    }

    /**
     * After the memo search: an operation whose memo is on chain adopts that transaction; one out of
     * attempts, now proven absent, is dead-lettered (nothing it was ever sent in can land any more);
     * the rest get a new transaction. {@code found} maps memos to a landed signature.
     */
    SubmitOutcome afterSearch(SearchChain searched, Map<String, String> found, Instant now) {
        Operation op = searched.op();
        String signature = found.get(op.memo());
        if (signature != null) {
            return new Adopt(op, signature);
        }
        if (op.attemptCount() >= op.maxAttempts()) {
            return new DeadLetter(
                    op, "no attempt landed after " + op.attemptCount() + " failures; last: " + op.lastError());
        }
        return pack(op, true, now);
    }

    /**
     * An operation that needs a new transaction, unless no transaction can carry it or this relay
     * cannot report on it: either would fail the whole pack it joined, so neither may join one.
     */
    private SubmitOutcome pack(Operation op, boolean resubmission, Instant now) {
        if (!handledKinds.contains(op.kind())) {
            // Perhaps a newer instance knows the kind (a rolling upgrade): leave it to one.
            return new LeaveForAnother(
                    op, "no handler for operation kind " + op.kind() + " in relay " + relay, now.plus(retryCap));
        }
        String error = unsendable(op);
        return error == null ? new PackAndSend(op, resubmission) : new DeadLetter(op, error);
    }

    /** Why no transaction of this chain can carry {@code op}, or null when one can. */
    private String unsendable(Operation op) {
        List<ChainInstruction> own;
        try {
            own = instructions.apply(op);
        } catch (IllegalArgumentException e) {
            return "operation cannot be turned into chain instructions: " + e.getMessage();
        }
        if (!own.contains(new ChainInstruction.Memo(op.memo()))) {
            // Without its memo on chain the relay could not prove the operation landed before re-sending it.
            return "the chain instructions of operation kind " + op.kind() + " lack the operation's memo";
        }
        boolean memoOnly = own.size() == 1;
        int alone;
        try {
            alone = sizing.transactionBytes(own);
        } catch (IllegalArgumentException | ChainException e) {
            return (memoOnly ? "memo" : "operation") + " cannot be sent: " + e.getMessage();
        }
        return alone <= sizing.maxTransactionBytes()
                ? null
                : (memoOnly ? "memo" : "operation") + " needs a " + alone
                        + "-byte transaction; the chain takes at most " + sizing.maxTransactionBytes();
    }

    /** Whether {@code op} is carried by its memo alone, and so may share a transaction with others. */
    boolean packable(Operation op) {
        return instructions.apply(op).equals(List.of(new ChainInstruction.Memo(op.memo())));
    }

    /** The instructions of a pack's transaction: each operation's, in pack order. */
    List<ChainInstruction> instructions(List<Operation> pack) {
        List<ChainInstruction> out = new ArrayList<>();
        pack.forEach(op -> out.addAll(instructions.apply(op)));
        return out;
    }

    /**
     * Splits operations into runs whose memos fit one transaction of this chain, in id order so that
     * the recorded attempts alone determine every transaction's bytes. An operation with more than
     * its memo (a ticket mint, transfer or burn) travels alone: its transaction's fate is its own.
     */
    List<List<Operation>> packs(List<Operation> ops) {
        List<Operation> sorted =
                ops.stream().sorted(Comparator.comparingLong(Operation::id)).toList();
        int limit = sizing.maxTransactionBytes();
        List<List<Operation>> packs = new ArrayList<>();
        List<Operation> current = new ArrayList<>();
        List<String> memos = new ArrayList<>();
        for (Operation op : sorted) {
            if (!packable(op)) {
                packs.add(List.of(op));
                continue;
            }
            memos.add(op.memo());
            if (!current.isEmpty()
                    && (current.size() >= sizing.maxMemosPerTransaction()
                            || sizing.memoTransactionBytes(memos) > limit)) {
                packs.add(current);
                current = new ArrayList<>();
                memos = new ArrayList<>(List.of(op.memo()));
            }
            current.add(op);
        }
        if (!current.isEmpty()) {
            packs.add(current);
        }
        return packs;
    }

    /**
     * What became of the sends: every operation of a transaction shares its fate, each with its own
     * backoff and attempt count. {@code errors} holds the sends that failed; {@code done} is when
     * sending ended.
     */
    List<Settlement> afterSend(List<Send> sends, Map<Send, ChainException> errors, Instant done) {
        List<Settlement> out = new ArrayList<>();
        for (Send s : sends) {
            ChainException e = errors.get(s);
            for (Operation op : s.ops()) {
                out.add(
                        e == null
                                ? new Settlement.Submit(
                                        op,
                                        s.tx().signature(),
                                        s.resubmissions().contains(op.id()))
                                : afterFailedSend(op, e, done));
            }
        }
        return out;
    }

    private Settlement afterFailedSend(Operation op, ChainException e, Instant done) {
        String error = "submit failed (" + e.kind() + "): " + e.getMessage();
        if (e.reach() != ChainException.Reach.ANSWERED) {
            // Never sent (breaker open) or cut off by shutdown: no verdict on the operation.
            return new Settlement.Reschedule(op, done.plus(pollInterval), error, false);
        }
        Instant retryAt = done.plus(backoff.delay(op.attemptCount() + 1));
        if (op.attemptCount() + 1 >= op.maxAttempts()) {
            // Out of attempts, but this transaction may still land (a send that timed out, or a
            // sibling operation's relay re-sending it): bury it only once a later pass has seen the
            // transaction expire and the memo absent from the chain. The last attempt counts once.
            return new Settlement.Reschedule(op, retryAt, error, op.attemptCount() < op.maxAttempts());
        }
        return new Settlement.Reschedule(op, retryAt, error, true);
    }
}
