package dev.chainsync.chatpack;

import java.time.LocalDate;

/**
 * Which messages survive filtering. Dates are inclusive and read as UTC days; when either is set, messages
 * without a timestamp are dropped.
 *
 * @param after  keep messages on or after this day, or null
 * @param before keep messages on or before this day, or null
 * @param from   keep only this sender (exact name, ASCII case-insensitive), or null
 */
public record FilterOptions(LocalDate after, LocalDate before, String from) {

    /** Keeps everything. */
    public static final FilterOptions NONE = new FilterOptions(null, null, null);

    public FilterOptions {
        if (after != null && before != null && after.isAfter(before)) {
            throw new IllegalArgumentException("--after " + after + " is later than --before " + before);
        }
        if (from != null && from.isEmpty()) {
            throw new IllegalArgumentException("--from needs a sender name");
        }
    }

    /** Whether this filter can drop anything. */
    public boolean isActive() {
        return after != null || before != null || from != null;
    }
}
