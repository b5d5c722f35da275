package dev.chainsync.chain;

/**
 * A chain call failed; {@link #kind()} tells the caller whether and how to retry, {@link #reach()}
 * whether the request may have had an effect anyway.
 */
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

    /**
     * How far the failed request got. A caller that counts failures against a budget (the relay's
     * attempts) counts only {@link #ANSWERED}: the other two say nothing about the request itself.
     */
    public enum Reach {
        /** Refused before it left this process (a circuit breaker open): certainly no effect. */
        NOT_SENT,
        /** Cut off while under way (interrupted at shutdown): it may or may not have taken effect. */
        UNKNOWN,
        /** The node (or the transport to it) answered with the failure. */
        ANSWERED
    }

    private final Kind kind;
    private final Reach reach;

    public ChainException(Kind kind, String message) {
        this(kind, Reach.ANSWERED, message, null);
    }

    public ChainException(Kind kind, String message, Throwable cause) {
        this(kind, Reach.ANSWERED, message, cause);
    }

    public ChainException(Kind kind, Reach reach, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.reach = java.util.Objects.requireNonNull(reach, "reach");
    }

    public Kind kind() {
        return kind;
    }

    public Reach reach() {
        return reach;
    }

    /** True when the same call may succeed later. */
    public boolean retryable() {
        return kind == Kind.UNAVAILABLE;
    }
}
