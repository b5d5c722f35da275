package dev.chainsync.credential;

/** A request was rejected before anything was written; {@code field} names the culprit. */
public class InvalidRequestException extends RuntimeException {
    private final String field;

    public InvalidRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
