package dev.chainsync.ingest;

import java.util.List;

/**
 * A parsed entry: the events of its {@code event_data} (possibly none), or a reorg notification.
 * Acknowledged only once all of them are committed.
 */
record ParsedEntry(StreamEntry entry, List<ChainEvent> events, Reorg reorg) {
    ParsedEntry {
        events = List.copyOf(events);
    }

    /** rindexer's {@code __rindexer_reorg} notification: roll back {@code network} from {@code forkBlock}. */
    record Reorg(String network, long forkBlock, Long depth) {}
}
