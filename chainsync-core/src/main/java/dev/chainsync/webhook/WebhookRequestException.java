package dev.chainsync.webhook;

/** A webhook request was rejected before anything was written; {@code field} names the culprit. */
public class WebhookRequestException extends RuntimeException {
    private final String field;

    public WebhookRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
