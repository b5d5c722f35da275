package dev.chainsync.ingest;

import java.util.Map;

/**
 * One Redis Streams entry as read: its stream, id, fields and how many times the group has
 * delivered it (1 for a first delivery).
 */
record StreamEntry(String stream, String id, Map<String, String> fields, long deliveries) {
    static final String PAYLOAD_FIELD = "payload";

    StreamEntry {
        fields = Map.copyOf(fields);
    }

    String payload() {
        return fields.get(PAYLOAD_FIELD);
    }

    /** The id's millisecond part: when Redis appended the entry. */
    long millis() {
        return Long.parseLong(id.substring(0, id.indexOf('-')));
    }

    long sequence() {
        return Long.parseLong(id.substring(id.indexOf('-') + 1));
    }

    StreamEntry withDeliveries(long n) {
        return new StreamEntry(stream, id, fields, n);
    }
}
