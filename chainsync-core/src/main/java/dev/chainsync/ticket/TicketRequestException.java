package dev.chainsync.ticket;

/**
 * A ticket request was refused before anything was written. {@link #kind()} says how the API
 * answers (400, 404, 409); {@code field} names the culprit of an invalid request.
 */
public final class TicketRequestException extends RuntimeException {
    /** Why it was refused. */
    public enum Kind {
        INVALID,
        NOT_FOUND,
        CONFLICT
    }

    private final Kind kind;
    private final String field;

    TicketRequestException(Kind kind, String field, String message) {
        super(message);
        this.kind = kind;
        this.field = field;
    }

    static TicketRequestException invalid(String field, String message) {
        return new TicketRequestException(Kind.INVALID, field, message);
    }

    static TicketRequestException notFound(String message) {
        return new TicketRequestException(Kind.NOT_FOUND, null, message);
    }

    static TicketRequestException conflict(String message) {
        return new TicketRequestException(Kind.CONFLICT, null, message);
    }

    public Kind kind() {
        return kind;
    }

    public String field() {
        return field;
    }
}
