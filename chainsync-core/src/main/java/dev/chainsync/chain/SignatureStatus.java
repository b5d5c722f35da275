package dev.chainsync.chain;

/** Where a landed transaction stands: its slot, its commitment, and its error if it failed on chain. */
public record SignatureStatus(String signature, long slot, Commitment commitment, String error) {
    /** True when the transaction landed but its execution failed. */
    public boolean failed() {
        return error != null;
    }
}
