package dev.chainsync.ingest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The events this process's batches have inserted but not committed yet. A batch inserts its
 * events before it takes the writer lock (see {@link BatchWriter#insertEvents}); one that
 * shares an event with an earlier, uncommitted batch would wait inside PostgreSQL on that
 * batch's row until it commits, with all of its other inserts still to do. Instead it inserts
 * everything else first and the shared events last (where PostgreSQL may still make it wait for
 * the earlier batch). A batch that has written nothing yet may also wait here, in Java, for the
 * earlier batches ({@link Claim#awaitEarlier}); one holding rows must not. Only for speed: PostgreSQL's primary keys still decide which batch counts an
 * event, including against other instances.
 */
final class InFlight {
    private record Key(String transactionHash, long logIndex) {}

    private final Map<Key, Claim> owners = new HashMap<>();

    /** One batch's events: the ones it owns, the ones an earlier batch owns, and when it is over. */
    static final class Claim {
        private final Set<Key> mine = new HashSet<>();
        private final Set<Key> deferred = new HashSet<>();
        private final Set<CompletableFuture<Void>> earlier = new LinkedHashSet<>();
        private final CompletableFuture<Void> over = new CompletableFuture<>();

        boolean deferred(ChainEvent e) {
            return deferred.contains(
                    new Key(e.meta().transactionHash(), e.meta().logIndex()));
        }

        boolean anyDeferred() {
            return !deferred.isEmpty();
        }

        /** Waits until every earlier batch owning one of this batch's events has committed or rolled back. */
        void awaitEarlier() {
            for (CompletableFuture<Void> f : earlier) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Interrupted(e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        }
    }

    /** The worker was interrupted (forced shutdown) while waiting: the batch was not committed, through no fault of its own. */
    static final class Interrupted extends RuntimeException {
        Interrupted(InterruptedException cause) {
            super("interrupted while waiting for an earlier batch", cause);
        }
    }

    /** Claims the batch's events; those an uncommitted earlier batch owns are deferred. */
    Claim claim(List<ParsedEntry> entries) {
        return extend(new Claim(), entries);
    }

    /**
     * Adds entries a batch took in under the writer lock (group commit), so that later batches
     * defer to it for their events too.
     */
    synchronized Claim extend(Claim c, List<ParsedEntry> entries) {
        for (ParsedEntry p : entries) {
            for (ChainEvent e : p.events()) {
                Key k = new Key(e.meta().transactionHash(), e.meta().logIndex());
                Claim owner = owners.get(k);
                if (owner == null) {
                    owners.put(k, c);
                    c.mine.add(k);
                } else if (owner != c) {
                    c.deferred.add(k);
                    c.earlier.add(owner.over);
                }
            }
        }
        return c;
    }

    /** The batch is over (committed or rolled back): later batches may insert its events. */
    synchronized void release(Claim c) {
        for (Key k : c.mine) {
            owners.remove(k);
        }
        c.over.complete(null);
    }

    /** Events that this claim defers, split from the rest, keeping each entry's own order. */
    static List<List<ParsedEntry>> split(List<ParsedEntry> entries, Claim c) {
        List<ParsedEntry> now = new ArrayList<>(entries.size());
        List<ParsedEntry> later = new ArrayList<>();
        for (ParsedEntry p : entries) {
            List<ChainEvent> a = new ArrayList<>(p.events().size());
            List<ChainEvent> b = new ArrayList<>();
            for (ChainEvent e : p.events()) {
                (c.deferred(e) ? b : a).add(e);
            }
            now.add(b.isEmpty() ? p : new ParsedEntry(p.entry(), a, p.reorg()));
            if (!b.isEmpty()) {
                later.add(new ParsedEntry(p.entry(), b, null));
            }
        }
        return List.of(now, later);
    }
}
