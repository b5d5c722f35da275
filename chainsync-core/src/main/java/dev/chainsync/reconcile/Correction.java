package dev.chainsync.reconcile;

import dev.chainsync.outbox.NewOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the policy decides for one discrepancy: a value, computed in pure code before anything is applied. */
sealed interface Correction {
    Discrepancy discrepancy();

    /** The chain wins: make the database agree. */
    record Heal(Discrepancy discrepancy) implements Correction {}

    /** The database wins: the operation that re-writes the chain. */
    record Rewrite(Discrepancy discrepancy, NewOperation operation) implements Correction {}

    /** A person decides. */
    record Review(Discrepancy discrepancy) implements Correction {}

    /** Nothing can be corrected automatically (the source cannot re-deliver, the chain cannot un-write): report it. */
    record Report(Discrepancy discrepancy) implements Correction {}

    /** The plan of a run: one correction per discrepancy, by the type's source of truth. */
    static List<Correction> plan(ReconciledType<?, ?> type, List<Discrepancy> found) {
        List<Correction> out = new ArrayList<>(found.size());
        for (Discrepancy d : found) {
            out.add(decide(type.sourceOfTruth(), d, type.canHeal(d), type.rewriteChain(d)));
        }
        return out;
    }

    /** The policy for one discrepancy. */
    static Correction decide(SourceOfTruth policy, Discrepancy d, boolean canHeal, Optional<NewOperation> rewrite) {
        return switch (policy) {
            case CHAIN_WINS -> canHeal ? new Heal(d) : new Report(d);
            case DATABASE_WINS ->
                rewrite.<Correction>map(op -> new Rewrite(d, op)).orElseGet(() -> new Report(d));
            case MANUAL_REVIEW -> new Review(d);
        };
    }
}
