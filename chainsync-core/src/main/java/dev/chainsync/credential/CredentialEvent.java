package dev.chainsync.credential;

import java.time.Instant;

/** One entry of a credential's append-only history; {@code detail} is a JSON object. */
public record CredentialEvent(long id, String type, String detail, Instant occurredAt) {}
