package dev.chainsync.webhook;

import java.time.Instant;

/**
 * One delivery attempt as logged: what the receiver answered, or why there was no answer.
 *
 * @param responseExcerpt at most the first 1 KB of the response body
 */
public record WebhookAttempt(
        long id,
        String msgId,
        int attempt,
        Instant startedAt,
        boolean succeeded,
        Integer statusCode,
        int latencyMs,
        String responseExcerpt,
        String error) {}
