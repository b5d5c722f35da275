package dev.chainsync.chatpack;

import java.util.Locale;
import java.util.Optional;

/** The shapes chatpack writes. */
public enum OutputFormat {
    /** Delimited text with a header row; the most token-efficient. */
    CSV("csv"),
    /** One compact JSON object per line. */
    JSONL("jsonl"),
    /** One pretty-printed JSON array. */
    JSON("json");

    private final String extension;

    OutputFormat(String extension) {
        this.extension = extension;
    }

    /** File extension without the dot; the default output name follows it. */
    public String extension() {
        return extension;
    }

    /** Parses a format name ignoring case; {@code ndjson} is accepted as JSONL, as the original's web version does. */
    public static Optional<OutputFormat> byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "csv" -> Optional.of(CSV);
            case "jsonl", "ndjson" -> Optional.of(JSONL);
            case "json" -> Optional.of(JSON);
            default -> Optional.empty();
        };
    }
}
