package dev.chainsync.webhook;

import java.time.Instant;
import java.util.List;

/**
 * A subscriber's endpoint as stored, never with its secret.
 *
 * @param eventTypes exact types, {@code prefix.*} or {@code *}
 * @param failingSince start of the current unbroken run of failed attempts, or null
 */
public record WebhookEndpoint(
        long id,
        String url,
        String description,
        List<String> eventTypes,
        boolean enabled,
        String disabledReason,
        Instant disabledAt,
        Instant failingSince,
        Instant createdAt,
        Instant updatedAt) {
    public WebhookEndpoint {
        eventTypes = List.copyOf(eventTypes);
    }
}
