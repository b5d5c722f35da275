package dev.chainsync.chain;

/** A chain call failed; {@link #kind()} tells the caller whether and how to retry. */
public class ChainException extends RuntimeException {

    /** Why a call failed. */
    public enum Kind {
        /** Node unreachable, outage, RPC error: retry later, the call had no known effect. */
        UNAVAILABLE,
        /** The transaction's blockhash is unknown or past its last valid height: rebuild with a fresh one. */
        BLOCKHASH_EXPIRED,
        /** The transaction is malformed or its signature does not verify: retrying the same bytes is useless. */
        INVALID_TRANSACTION
    }

    private final Kind kind;

    public ChainException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ChainException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** True when the same call may succeed later. */
    public boolean retryable() {
        return kind == Kind.UNAVAILABLE;
    }
}
