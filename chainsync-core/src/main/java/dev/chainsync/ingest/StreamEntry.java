package dev.chainsync.ingest;

import java.util.List;
import java.util.Map;

/**
 * One Redis Streams entry as read: its stream, id, fields and how many times the group has
 * delivered it (1 for a first delivery). {@code defects} lists what the field map cannot show:
 * a field name given more than once, a name or value that is not valid UTF-8 (see {@link
 * RedisStreams}); an entry with any is unparseable.
 */
record StreamEntry(String stream, String id, Map<String, String> fields, long deliveries, List<String> defects) {
    static final String PAYLOAD_FIELD = "payload";
    /**
     * Set on a replayed dead letter: the id the entry was first appended with. Reorg handling
     * orders events and notifications by when they were published, and a replay is the same
     * publication read late, not a new one (a replayed notification must not roll back the new
     * branch that arrived while it lay in the dead letters).
     */
    static final String ORIGINAL_ID_FIELD = "chainsync_original_id";

    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("\\d{1,19}-\\d{1,19}");

    StreamEntry {
        fields = Map.copyOf(fields);
        defects = List.copyOf(defects);
    }

    StreamEntry(String stream, String id, Map<String, String> fields, long deliveries) {
        this(stream, id, fields, deliveries, List.of());
    }

    String payload() {
        return fields.get(PAYLOAD_FIELD);
    }

    /** The id's millisecond part: when Redis appended the entry. */
    long millis() {
        return millis(id);
    }

    long sequence() {
        return sequence(id);
    }

    /**
     * The id this entry was first published with: its own, or for a replay the original's. Only
     * an earlier, well-formed id is taken, so a field cannot move an entry later than itself.
     */
    String publishedId() {
        String original = fields.get(ORIGINAL_ID_FIELD);
        if (original == null || !ID.matcher(original).matches()) {
            return id;
        }
        long ms;
        long seq;
        try {
            ms = millis(original);
            seq = sequence(original);
        } catch (NumberFormatException e) {
            return id; // 19 digits can still overflow a long
        }
        return ms < millis() || (ms == millis() && seq < sequence()) ? original : id;
    }

    /** The millisecond part of {@link #publishedId()}. */
    long publishedMillis() {
        return millis(publishedId());
    }

    long publishedSequence() {
        return sequence(publishedId());
    }

    private static long millis(String id) {
        return Long.parseLong(id.substring(0, id.indexOf('-')));
    }

    private static long sequence(String id) {
        return Long.parseLong(id.substring(id.indexOf('-') + 1));
    }

    StreamEntry withDeliveries(long n) {
        return new StreamEntry(stream, id, fields, n, defects);
    }
}
