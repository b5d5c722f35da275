package dev.chainsync.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.chain.ChainException;
import dev.chainsync.db.DataAccessException;
import dev.chainsync.ingest.EvmCheckpoints.Checkpoint;
import dev.chainsync.ingest.EvmLogClient.Header;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native EVM source, driven pass by pass by a {@code PollingWorker}: reads the Intuition logs
 * after the checkpoint with {@code eth_getLogs} (no transaction or connection held meanwhile),
 * decodes them into the events the rindexer parser makes, and commits them with the checkpoint
 * through the same writer as the Redis source, in one transaction. A node whose next block does not
 * descend from the checkpoint (or that sends {@code removed} logs) has reorganised: the fork point
 * is found among the recorded block hashes, the network is rolled back from there exactly as a
 * {@code __rindexer_reorg} notification does, and the new branch is read from it.
 */
final class EvmWorker {
    private static final Logger log = LoggerFactory.getLogger(EvmWorker.class);
    /** Recorded blocks compared with the node per request while a fork point is searched. */
    static final int FORK_SEARCH_BATCH = 64;

    private final Ingest.Shared shared;
    private final EvmSourceConfig config;
    private final EvmLogClient client;
    private final Clock clock;
    private final List<String> topics = LogDecoder.topics();
    private EvmRanges.Span span;
    /** Blocks the last {@code eth_getLogs} asked for. */
    private long asked;

    private Long chainId;
    private long readNanos;

    EvmWorker(Ingest.Shared shared, EvmSourceConfig config, EvmLogClient client, Clock clock) {
        this.shared = shared;
        this.config = config;
        this.client = client;
        this.clock = clock;
        this.span = EvmRanges.Span.start(config.maxBlockRange());
    }

    /** The blocks the next {@code eth_getLogs} asks for (adapts to the node). */
    int span() {
        return span.blocks();
    }

    /** What one read of the chain found. */
    private sealed interface Found {}

    private record Nothing() implements Found {}

    /** The node's view changed while it was read (a reorg under way): read again. */
    private record Unsettled(String why) implements Found {}

    private record Reorged(String why) implements Found {}

    private record Range(long from, long to, String toHash, long finalized, JsonNode logs, Map<Long, Long> timestamps)
            implements Found {}

    /** One pass; returns how many blocks it settled (0 lets the worker pause). */
    int pass() {
        if (!shared.databaseAvailable()) {
            return 0;
        }
        Checkpoint cp;
        try {
            cp = EvmCheckpoints.load(shared.jdbc(), config.network(), config.startBlock());
        } catch (DataAccessException e) {
            return databaseFailed(e);
        }
        Found found;
        long readStart = System.nanoTime();
        try {
            found = read(cp);
            readNanos = System.nanoTime() - readStart;
            shared.redisOk();
        } catch (EvmLogClient.RangeTooLarge e) {
            shared.redisOk();
            if (span.minimal()) {
                shared.sourceFailed("evm", e);
                return 0; // one block is all a request can ask for: wait for the node to accept it
            }
            span = span.refused(asked);
            log.info("ingest evm: node refused {} blocks of logs ({}); asking for {}", asked, e.getMessage(), span());
            return 1;
        } catch (ChainException e) {
            shared.sourceFailed("evm", e);
            return 0;
        }
        try {
            return switch (found) {
                case Nothing n -> 0;
                case Unsettled u -> {
                    log.info("ingest evm: {}; reading again", u.why());
                    yield 0;
                }
                case Reorged r -> rollBack(cp, r.why());
                case Range r -> commit(cp, r);
            };
        } catch (ChainException e) {
            shared.sourceFailed("evm", e);
            return 0;
        } catch (DataAccessException e) {
            return databaseFailed(e);
        }
    }

    // ------------------------------------------------------------------ reading (no transaction open)

    private Found read(Checkpoint cp) {
        if (chainId == null) {
            chainId = client.chainId();
        }
        long head = client.blockNumber();
        long finalized = client.finalized();
        EvmRanges.Plan plan = EvmRanges.next(cp.blockNumber(), head, finalized, span.blocks());
        if (plan instanceof EvmRanges.AtHead) {
            if (cp.blockHash() == null) {
                return new Nothing();
            }
            Header tip = client.headers(List.of(cp.blockNumber())).getFirst();
            return tip != null && tip.hash().equals(cp.blockHash())
                    ? new Nothing()
                    : new Reorged("block " + cp.blockNumber() + " is no longer " + cp.blockHash());
        }
        EvmRanges.Read r = (EvmRanges.Read) plan;
        asked = r.to() - r.from() + 1;
        JsonNode logs = client.logs(r.from(), r.to(), config.contracts(), topics);
        span = span.answered(asked, logs.size());
        TreeSet<Long> wanted = new TreeSet<>(List.of(r.from(), r.to()));
        if (r.everyHeader()) {
            for (long b = r.from(); b <= r.to(); b++) {
                wanted.add(b);
            }
        }
        for (JsonNode l : logs) {
            if (l.path("removed").asBoolean(false)) {
                return new Reorged("the node sent a removed log of block "
                        + l.path("blockNumber").asText());
            }
            JsonNode ts = l.get("blockTimestamp");
            if (ts == null || ts.isNull()) {
                wanted.add(LogDecoder.quantity(l, "blockNumber"));
            }
        }
        Map<Long, Header> headers = new HashMap<>();
        List<Long> numbers = new ArrayList<>(wanted);
        List<Header> fetched = client.headers(numbers);
        for (int i = 0; i < numbers.size(); i++) {
            if (fetched.get(i) == null) {
                return new Unsettled("the node has no block " + numbers.get(i) + " yet");
            }
            headers.put(numbers.get(i), fetched.get(i));
        }
        Header first = headers.get(r.from());
        if (cp.blockHash() != null && !first.parentHash().equals(cp.blockHash())) {
            return new Reorged("block " + r.from() + " descends from " + first.parentHash() + ", not from block "
                    + cp.blockNumber() + " " + cp.blockHash());
        }
        if (r.everyHeader()) {
            for (long b = r.from() + 1; b <= r.to(); b++) {
                if (!headers.get(b).parentHash().equals(headers.get(b - 1).hash())) {
                    return new Unsettled("blocks " + (b - 1) + " and " + b + " were read from different branches");
                }
            }
        }
        Map<Long, Long> timestamps = new HashMap<>();
        for (JsonNode l : logs) {
            long b = LogDecoder.quantity(l, "blockNumber");
            Header h = headers.get(b);
            if (h != null && !h.hash().equals(l.path("blockHash").asText().toLowerCase(Locale.ROOT))) {
                return new Unsettled("a log of block " + b + " is from another branch than its header");
            }
            if (h != null && h.timestamp() != null) {
                timestamps.put(b, h.timestamp());
            }
        }
        return new Range(r.from(), r.to(), headers.get(r.to()).hash(), finalized, logs, timestamps);
    }

    // ------------------------------------------------------------------ committing

    /** The next entry id after the checkpoint's: the clock's millisecond, never going back. */
    private long[] nextId(Checkpoint cp) {
        long ms = Math.max(clock.millis(), cp.entryMs());
        return new long[] {ms, ms == cp.entryMs() ? cp.entrySeq() + 1 : 0};
    }

    private StreamEntry entry(long ms, long seq, Map<String, String> fields) {
        return new StreamEntry(config.stream(), ms + "-" + seq, fields, 1);
    }

    /** Decoded blocks of a range, and the logs that could not be decoded. */
    private record Decoded(
            List<ParsedEntry> entries, List<DeadLetters.Burial> buried, Map<Long, String> hashes, long ms, long seq) {}

    private Decoded decode(Checkpoint cp, Range r) {
        long[] id = nextId(cp);
        long ms = id[0];
        long seq = id[1];
        TreeMap<Long, List<JsonNode>> byBlock = new TreeMap<>();
        for (JsonNode l : r.logs()) {
            byBlock.computeIfAbsent(LogDecoder.quantity(l, "blockNumber"), b -> new ArrayList<>())
                    .add(l);
        }
        List<ParsedEntry> entries = new ArrayList<>();
        List<DeadLetters.Burial> buried = new ArrayList<>();
        Map<Long, String> hashes = new LinkedHashMap<>();
        for (var block : byBlock.entrySet()) {
            List<ChainEvent> events = new ArrayList<>(block.getValue().size());
            for (JsonNode l : block.getValue()) {
                try {
                    events.add(LogDecoder.decode(
                            l, config.network(), chainId, r.timestamps().get(block.getKey())));
                } catch (LogDecoder.Undecodable e) {
                    buried.add(new DeadLetters.Burial(
                            entry(ms, seq++, Map.of(StreamEntry.PAYLOAD_FIELD, l.toString())),
                            "undecodable log: " + e.getMessage()));
                }
            }
            hashes.put(
                    block.getKey(),
                    block.getValue().getFirst().path("blockHash").asText().toLowerCase(Locale.ROOT));
            if (!events.isEmpty()) {
                entries.add(new ParsedEntry(entry(ms, seq++, Map.of()), events, null));
            }
        }
        hashes.put(r.to(), r.toHash());
        return new Decoded(entries, buried, hashes, ms, seq == 0 ? 0 : seq - 1);
    }

    private int commit(Checkpoint cp, Range r) {
        Decoded d = decode(cp, r);
        Checkpoint next = new Checkpoint(
                r.to(),
                r.toHash(),
                d.entries().isEmpty() && d.buried().isEmpty() ? cp.entryMs() : d.ms(),
                lastSeq(cp, d));
        String group = shared.config().progressGroup();
        Instant now = clock.instant();
        long t0 = System.nanoTime();
        BatchWriter.Outcome o;
        try {
            o = shared.jdbc().inTransaction(c -> {
                BatchWriter.lockWriter(c);
                if (!EvmCheckpoints.lockUnchanged(c, config.network(), cp)) {
                    return null;
                }
                BatchWriter.Outcome out = BatchWriter.writeLocked(c, d.entries(), group, now);
                DeadLetters.insert(c, d.buried(), group, now);
                finishRange(c, next, d.hashes(), r.finalized(), now);
                return out;
            });
        } catch (DataAccessException e) {
            if (StreamWorker.isInfrastructure(e)) {
                throw e;
            }
            log.warn(
                    "ingest evm: blocks {}-{} failed on their data ({}); block by block",
                    r.from(),
                    r.to(),
                    e.getMessage());
            return isolate(cp, next, r, d);
        }
        if (o == null) {
            log.info("ingest evm: the checkpoint moved meanwhile (another instance?); reading again");
            return 0;
        }
        settled(o, d.buried(), System.nanoTime() - t0);
        log.debug(
                "ingest evm: blocks {}-{}: {} logs read in {} ms, committed in {} ms",
                r.from(),
                r.to(),
                r.logs().size(),
                readNanos / 1_000_000,
                (System.nanoTime() - t0) / 1_000_000);
        return (int) Math.min(Integer.MAX_VALUE, r.to() - r.from() + 1);
    }

    private static long lastSeq(Checkpoint cp, Decoded d) {
        return d.entries().isEmpty() && d.buried().isEmpty() ? cp.entrySeq() : d.seq();
    }

    private void finishRange(Connection c, Checkpoint next, Map<Long, String> hashes, long finalized, Instant now)
            throws SQLException {
        EvmCheckpoints.save(c, config.network(), next, now);
        EvmCheckpoints.recordBlocks(c, config.network(), hashes, finalized);
    }

    /**
     * After a data error: each block's events alone, so one poison block cannot hold the source
     * back; a block failing alone 1 + MAX_RETRIES times is dead-lettered with its logs. Blocks
     * committed here and read again later change nothing (events are keyed by transaction and
     * log index); the checkpoint moves only when every block is settled.
     */
    private int isolate(Checkpoint cp, Checkpoint next, Range r, Decoded d) {
        int attempts = shared.config().maxRetries() + 1;
        String group = shared.config().progressGroup();
        List<DeadLetters.Burial> buried = new ArrayList<>(d.buried());
        for (ParsedEntry p : d.entries()) {
            String reason = null;
            for (int i = 0; i < attempts && (i == 0 || reason != null); i++) {
                reason = tryAlone(p, group);
            }
            if (reason != null) {
                List<String> logs = p.events().stream()
                        .map(e -> e.meta().transactionHash() + "/" + e.meta().logIndex())
                        .toList();
                buried.add(new DeadLetters.Burial(
                        new StreamEntry(
                                p.entry().stream(),
                                p.entry().id(),
                                Map.of(StreamEntry.PAYLOAD_FIELD, logs.toString()),
                                1),
                        "failed " + attempts + " times on its own (MAX_RETRIES=" + (attempts - 1) + "): " + reason));
            }
        }
        Instant now = clock.instant();
        Boolean ok = shared.jdbc().inTransaction(c -> {
            BatchWriter.lockWriter(c);
            if (!EvmCheckpoints.lockUnchanged(c, config.network(), cp)) {
                return false;
            }
            DeadLetters.insert(c, buried, group, now);
            finishRange(c, next, d.hashes(), r.finalized(), now);
            return true;
        });
        if (ok) {
            shared.committed(
                    new BatchWriter.Outcome(0, 0, EventStore.NewEvents.empty(), 0, 0),
                    buried.subList(d.buried().size(), buried.size()),
                    0);
        }
        return ok ? 1 : 0;
    }

    private String tryAlone(ParsedEntry p, String group) {
        try {
            BatchWriter.Outcome o =
                    shared.jdbc().inTransaction(c -> BatchWriter.write(c, List.of(p), group, clock.instant()));
            shared.committed(o, List.of(), 0);
            return null;
        } catch (DataAccessException e) {
            if (StreamWorker.isInfrastructure(e)) {
                throw e;
            }
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    /**
     * A dead-lettered log decoded again (a newer version may read it) and committed, or
     * dead-lettered again with the new reason; returns the replay's entry id. It keeps the first
     * entry's id as its publication, so a rollback applied since still removes it.
     */
    String replay(DeadLetter d, Map<String, String> fields) {
        String id = clock.millis() + "-" + d.id();
        StreamEntry e = new StreamEntry(d.stream(), id, fields, 1);
        String group = shared.config().progressGroup();
        Instant now = clock.instant();
        ParsedEntry parsed;
        try {
            JsonNode logJson = dev.chainsync.json.Json.MAPPER.readTree(d.payload() == null ? "" : d.payload());
            if (chainId == null) {
                chainId = client.chainId();
            }
            parsed = new ParsedEntry(e, List.of(LogDecoder.decode(logJson, config.network(), chainId, null)), null);
        } catch (LogDecoder.Undecodable | com.fasterxml.jackson.core.JsonProcessingException ex) {
            shared.jdbc().inTransaction(c -> {
                DeadLetters.insert(
                        c, List.of(new DeadLetters.Burial(e, "undecodable log: " + ex.getMessage())), group, now);
                return null;
            });
            return id;
        }
        BatchWriter.Outcome o = shared.jdbc().inTransaction(c -> BatchWriter.write(c, List.of(parsed), group, now));
        shared.committed(o, List.of(), 0);
        return id;
    }

    // ------------------------------------------------------------------ reorgs

    /**
     * Finds the newest recorded block the node still has (the common ancestor) and, in one
     * transaction, rolls the network back above it as a {@code __rindexer_reorg} notification
     * would, forgets the blocks above it and moves the checkpoint there.
     */
    private int rollBack(Checkpoint cp, String why) {
        Map.Entry<Long, String> ancestor = forkPoint(cp);
        long keep = ancestor == null ? config.startBlock() - 1 : ancestor.getKey();
        String keepHash = ancestor == null ? null : ancestor.getValue();
        if (keep >= cp.blockNumber()) {
            return 1; // the change is above the checkpoint: nothing committed is off the chain
        }
        long[] id = nextId(cp);
        StreamEntry notification = entry(id[0], id[1], Map.of());
        ParsedEntry.Reorg reorg = new ParsedEntry.Reorg(config.network(), keep + 1, cp.blockNumber() - keep);
        Instant now = clock.instant();
        Long deleted = shared.jdbc().inTransaction(c -> {
            BatchWriter.lockWriter(c);
            if (!EvmCheckpoints.lockUnchanged(c, config.network(), cp)) {
                return null;
            }
            long n = Reorgs.apply(c, reorg, notification, now);
            EvmCheckpoints.forgetAbove(c, config.network(), keep);
            EvmCheckpoints.save(c, config.network(), new Checkpoint(keep, keepHash, id[0], id[1]), now);
            return n;
        });
        if (deleted == null) {
            return 0;
        }
        shared.metrics().reorgs.increment();
        log.info(
                "ingest evm: reorg on {} ({}): rolled back from block {} ({} blocks, {} events); reading the new branch",
                config.network(),
                why,
                keep + 1,
                cp.blockNumber() - keep,
                deleted);
        return 1;
    }

    /** The newest recorded block whose hash the node still gives, or null when none is (roll back to the start). */
    private Map.Entry<Long, String> forkPoint(Checkpoint cp) {
        long below = cp.blockNumber();
        while (true) {
            List<Map.Entry<Long, String>> recorded =
                    EvmCheckpoints.recent(shared.jdbc(), config.network(), below, FORK_SEARCH_BATCH);
            if (recorded.isEmpty()) {
                return null;
            }
            List<Header> now =
                    client.headers(recorded.stream().map(Map.Entry::getKey).toList());
            for (int i = 0; i < recorded.size(); i++) {
                if (now.get(i) != null
                        && now.get(i).hash().equals(recorded.get(i).getValue())) {
                    return recorded.get(i);
                }
            }
            below = recorded.getLast().getKey() - 1;
        }
    }

    // ------------------------------------------------------------------ outcomes

    private void settled(BatchWriter.Outcome o, List<DeadLetters.Burial> buried, long nanos) {
        shared.breaker().success();
        shared.postgresOk();
        shared.committed(o, buried, nanos);
    }

    private int databaseFailed(RuntimeException e) {
        boolean opened = shared.breaker().failure();
        shared.postgresFailed(e);
        if (opened) {
            log.error("ingest evm: PostgreSQL failing ({}); circuit breaker open", e.getMessage());
        } else {
            log.warn("ingest evm: range not committed, will be read again: {}", e.getMessage());
        }
        return 0;
    }
}
