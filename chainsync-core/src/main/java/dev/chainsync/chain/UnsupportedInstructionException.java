package dev.chainsync.chain;

/**
 * A chain adapter cannot carry this instruction (yet): retrying the same request is useless, so it
 * is an {@link Kind#INVALID_TRANSACTION}.
 */
public final class UnsupportedInstructionException extends ChainException {
    public UnsupportedInstructionException(String chain, ChainInstruction instruction) {
        super(
                Kind.INVALID_TRANSACTION,
                "chain " + chain + " does not support "
                        + (instruction == null
                                ? "this call"
                                : instruction.getClass().getSimpleName()));
    }

    /** A read the chain adapter does not offer ({@code what}, e.g. token ownership). */
    public UnsupportedInstructionException(String chain, String what) {
        super(Kind.INVALID_TRANSACTION, "chain " + chain + " does not support " + what);
    }
}
