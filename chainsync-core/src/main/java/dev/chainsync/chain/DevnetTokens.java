package dev.chainsync.chain;

import dev.chainsync.chain.ChainInstruction.BurnTicket;
import dev.chainsync.chain.ChainInstruction.Memo;
import dev.chainsync.chain.ChainInstruction.MintTicket;
import dev.chainsync.chain.ChainInstruction.TransferTicket;
import dev.chainsync.chain.DevnetLedger.TokenOp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The devnet's ticket tokens: per mint, its authority (the platform key that created it, which is
 * also its permanent delegate) and every successful change in chain order. Token transactions
 * execute in arrival order under this object's lock, which is also their order in the ledger, so a
 * replay rebuilds the same state.
 */
final class DevnetTokens {
    static final String OP_MINT = "mint";
    static final String OP_TRANSFER = "transfer";
    static final String OP_BURN = "burn";

    /** One successful change of a mint; {@code owner} is the holder after it, {@code amount} 1 or 0. */
    record Change(
            String signature, long slot, String signer, TokenOp op, String owner, long amount, List<String> memos) {}

    private static final class MintState {
        final String authority;
        final List<Change> changes = new ArrayList<>();

        MintState(String authority) {
            this.authority = authority;
        }

        Change last() {
            return changes.getLast();
        }
    }

    private final Map<String, MintState> mints = new HashMap<>();

    /** The token changes of {@code instructions}, or empty when they are all memos. */
    static List<TokenOp> ops(List<ChainInstruction> instructions) {
        List<TokenOp> ops = new ArrayList<>();
        for (ChainInstruction i : instructions) {
            switch (i) {
                case Memo m -> {}
                case MintTicket m ->
                    ops.add(new TokenOp(OP_MINT, m.mint(), null, m.owner(), m.ticketId(), m.metadata()));
                case TransferTicket t -> ops.add(new TokenOp(OP_TRANSFER, t.mint(), t.from(), t.to(), null, null));
                case BurnTicket b -> ops.add(new TokenOp(OP_BURN, b.mint(), b.owner(), null, null, null));
            }
        }
        return ops;
    }

    /**
     * Why a transaction by {@code signer} with {@code ops} fails when executed now, or null when it
     * succeeds. {@code cosigners} are the addresses that co-signed it. Executes the ops in order on a
     * scratch view, so a transaction is applied whole or not at all.
     */
    synchronized String check(String signer, List<String> cosigners, List<TokenOp> ops) {
        Map<String, String[]> view = new HashMap<>(); // mint -> {authority, owner, amount}
        for (TokenOp op : ops) {
            String[] state = view.computeIfAbsent(op.mint(), m -> {
                MintState s = mints.get(m);
                return s == null
                        ? null
                        : new String[] {
                            s.authority,
                            s.last().owner(),
                            Long.toString(s.last().amount())
                        };
            });
            switch (op.op()) {
                case OP_MINT -> {
                    if (state != null) {
                        return "TokenError: mint " + op.mint() + " already exists";
                    }
                    if (!cosigners.contains(op.mint())) {
                        return "TokenError: mint " + op.mint() + " did not sign its creation";
                    }
                    view.put(op.mint(), new String[] {signer, op.to(), "1"});
                }
                case OP_TRANSFER, OP_BURN -> {
                    if (state == null) {
                        return "TokenError: unknown mint " + op.mint();
                    }
                    if (!"1".equals(state[2]) || !state[1].equals(op.from())) {
                        return "TokenError: insufficient funds: " + op.from() + " does not hold " + op.mint();
                    }
                    if (!signer.equals(state[0]) && !signer.equals(op.from())) {
                        return "TokenError: owner does not match: " + signer + " is neither the owner nor the delegate";
                    }
                    boolean burn = op.op().equals(OP_BURN);
                    view.put(op.mint(), new String[] {state[0], burn ? op.from() : op.to(), burn ? "0" : "1"});
                }
                default -> {
                    return "TokenError: unknown token op " + op.op();
                }
            }
        }
        return null;
    }

    /** Applies a successful transaction's changes (checked before, or replayed from the ledger). */
    synchronized void apply(DevnetLedger.Entry entry) {
        for (TokenOp op : entry.tokens()) {
            MintState state = mints.get(op.mint());
            if (op.op().equals(OP_MINT)) {
                if (state != null) {
                    continue;
                }
                state = new MintState(entry.signer());
                mints.put(op.mint(), state);
            }
            if (state == null) {
                continue;
            }
            boolean burn = op.op().equals(OP_BURN);
            state.changes.add(new Change(
                    entry.signature(),
                    entry.slot(),
                    entry.signer(),
                    op,
                    burn ? op.from() : op.to(),
                    burn ? 0 : 1,
                    entry.memos()));
        }
    }

    /** The holder of {@code mint} as of block height {@code height} (changes landed by then). */
    synchronized Optional<TokenOwnership> owner(String mint, long height) {
        MintState state = mints.get(mint);
        if (state == null) {
            return Optional.empty();
        }
        for (Change c : state.changes.reversed()) {
            if (c.slot() <= height) {
                return Optional.of(new TokenOwnership(mint, c.owner(), c.amount(), c.slot()));
            }
        }
        return Optional.empty();
    }

    /** Up to {@code limit} changes of {@code mint} landed by {@code height}, newest first, older than {@code before}. */
    synchronized List<Change> changes(String mint, long height, String before, int limit) {
        MintState state = mints.get(mint);
        if (state == null) {
            return List.of();
        }
        List<Change> out = new ArrayList<>();
        boolean open = before == null;
        for (Change c : state.changes.reversed()) {
            if (c.slot() > height) {
                continue;
            }
            if (!open) {
                open = c.signature().equals(before);
                continue;
            }
            if (out.size() >= limit) {
                break;
            }
            out.add(c);
        }
        return out;
    }
}
