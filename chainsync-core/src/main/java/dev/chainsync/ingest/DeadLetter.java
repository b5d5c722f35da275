package dev.chainsync.ingest;

import java.time.Instant;
import java.util.Map;

/**
 * An entry ingest gave up on: its stream and id, every field as received (the raw payload),
 * why, and how often it had been delivered; replayed ones say when and as which new entry.
 */
public record DeadLetter(
        long id,
        String stream,
        String consumerGroup,
        String entryId,
        String payload,
        Map<String, String> fields,
        String reason,
        long deliveryCount,
        Instant createdAt,
        Instant replayedAt,
        String replayedEntryId) {}
