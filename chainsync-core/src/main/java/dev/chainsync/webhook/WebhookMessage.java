package dev.chainsync.webhook;

import java.time.Instant;
import java.util.Locale;

/**
 * One event for one endpoint: what is delivered, retried and listed.
 *
 * @param seq the internal row id, used for keyset pagination
 * @param msgId the {@code webhook-id} header, identical on every attempt
 * @param payload the event's data as JSON text; null in listings
 */
public record WebhookMessage(
        long seq,
        String msgId,
        long endpointId,
        String eventId,
        String eventType,
        Status status,
        int attempts,
        Instant nextAttemptAt,
        Integer lastStatusCode,
        String lastError,
        Instant deliveredAt,
        Instant createdAt,
        Instant updatedAt,
        String payload) {

    /** Where a message is in its life. */
    public enum Status {
        PENDING,
        DELIVERED,
        DEAD_LETTERED;

        public String dbName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Status fromDb(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }
}
