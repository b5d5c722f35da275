package dev.chainsync.ledger;

/** A ledger request was refused; nothing was written. */
public class LedgerException extends RuntimeException {

    /** Why. */
    public enum Reason {
        NOT_FOUND,
        INSUFFICIENT_FUNDS,
        INVALID_AMOUNT,
        UNKNOWN_CURRENCY,
        SAME_ACCOUNT,
        INVALID_REQUEST
    }

    private final Reason reason;
    private final String field;

    public LedgerException(Reason reason, String field, String message) {
        super(message);
        this.reason = reason;
        this.field = field;
    }

    public Reason reason() {
        return reason;
    }

    /** The request field at fault, or null. */
    public String field() {
        return field;
    }
}
