package dev.chainsync.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One instruction of a transaction chainsync builds, as data: the relay asks an operation's handler
 * for its instructions and the chain port turns them into signed bytes.
 *
 * <p>Every chain carries {@link Memo}. The ticket instructions move an NFT (a mint of supply 1 and
 * 0 decimals): the platform's signing key is the mint's authority and permanent delegate, so
 * {@link TransferTicket} and {@link BurnTicket} need no owner signature. A chain that cannot carry
 * an instruction refuses it with {@link UnsupportedInstructionException}.
 */
public sealed interface ChainInstruction {

    /** A memo instruction (Solana's Memo program, the devnet's memo); the relay's proof of an operation. */
    record Memo(String text) implements ChainInstruction {
        public Memo {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * Creates the mint of ticket {@code ticketId} and mints its one token to {@code owner}. The mint's
     * address is {@link TicketMints#keypair}{@code (signer, ticketId)}: the chain derives that key pair
     * to co-sign the creation, and refuses any other {@code mint}. {@code metadata} ties the token to
     * its database record (event, seat, record hash), at most {@link #MAX_METADATA_BYTES} UTF-8 bytes.
     */
    record MintTicket(String ticketId, String mint, String owner, String metadata) implements ChainInstruction {
        /** Largest metadata string a mint carries. */
        public static final int MAX_METADATA_BYTES = 200;

        public MintTicket {
            Objects.requireNonNull(ticketId, "ticketId");
            Objects.requireNonNull(mint, "mint");
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(metadata, "metadata");
        }
    }

    /**
     * Moves the ticket token of {@code mint} from {@code from} to {@code to}. Fails on chain (the
     * transaction lands with an error) unless {@code from} holds it when it executes: of two
     * transfers racing from the same owner, only the first can succeed.
     */
    record TransferTicket(String mint, String from, String to) implements ChainInstruction {
        public TransferTicket {
            Objects.requireNonNull(mint, "mint");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }
    }

    /** Burns the ticket token of {@code mint} held by {@code owner} (fails on chain unless it holds it). */
    record BurnTicket(String mint, String owner) implements ChainInstruction {
        public BurnTicket {
            Objects.requireNonNull(mint, "mint");
            Objects.requireNonNull(owner, "owner");
        }
    }

    /** The memo texts of {@code instructions}, in order. */
    static List<String> memos(List<ChainInstruction> instructions) {
        List<String> memos = new ArrayList<>();
        for (ChainInstruction i : instructions) {
            if (i instanceof Memo m) {
                memos.add(m.text());
            }
        }
        return memos;
    }

    /** Whether every instruction is a memo (a transaction the memo-only path can build). */
    static boolean memoOnly(List<ChainInstruction> instructions) {
        return instructions.stream().allMatch(i -> i instanceof Memo);
    }

    /**
     * The memos of a memo-only list, for chains that carry nothing else.
     *
     * @throws UnsupportedInstructionException naming {@code chain} if another instruction is present
     */
    static List<String> onlyMemos(List<ChainInstruction> instructions, String chain) {
        for (ChainInstruction i : instructions) {
            if (!(i instanceof Memo)) {
                throw new UnsupportedInstructionException(chain, i);
            }
        }
        return memos(instructions);
    }
}
