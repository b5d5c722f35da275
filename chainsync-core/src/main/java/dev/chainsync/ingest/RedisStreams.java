package dev.chainsync.ingest;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Redis Streams commands ingest uses, on one connection (a blocking XREADGROUP holds its
 * connection, so each worker has its own). Commands fail fast while Redis is unreachable
 * instead of queueing.
 */
final class RedisStreams implements AutoCloseable {
    /** Commands other than the blocking read give up after this. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;

    RedisStreams(String url) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(COMMAND_TIMEOUT);
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        try {
            this.connection = client.connect();
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
        this.redis = connection.sync();
    }

    RedisCommands<String, String> commands() {
        return redis;
    }

    /** Creates the group at the stream's start (and the stream if missing); an existing group is fine. */
    void ensureGroup(String stream, String group) {
        try {
            redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), group, XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException e) {
            // BUSYGROUP: it exists already.
        }
    }

    /** This consumer's own pending entries (delivered to it, not acknowledged). */
    List<StreamEntry> ownPending(List<String> streams, String group, String consumer, int count) {
        return read(streams, group, consumer, count, null, "0");
    }

    /** Entries never delivered to the group, waiting up to {@code block} for the first. */
    List<StreamEntry> next(List<String> streams, String group, String consumer, int count, Duration block) {
        return read(streams, group, consumer, count, block, ">");
    }

    @SuppressWarnings("unchecked")
    private List<StreamEntry> read(
            List<String> streams, String group, String consumer, int count, Duration block, String from) {
        XReadArgs.StreamOffset<String>[] offsets =
                streams.stream().map(s -> XReadArgs.StreamOffset.from(s, from)).toArray(XReadArgs.StreamOffset[]::new);
        XReadArgs args = XReadArgs.Builder.count(count);
        if (block != null) {
            args.block(block);
        }
        List<StreamMessage<String, String>> messages = redis.xreadgroup(Consumer.from(group, consumer), args, offsets);
        return toEntries(messages);
    }

    /**
     * Takes over entries of any consumer of the group idle for longer than {@code minIdle},
     * following XAUTOCLAIM's cursor; returns the claimed entries and the next cursor.
     */
    record Claimed(List<StreamEntry> entries, String cursor) {}

    Claimed autoclaim(String stream, String group, String consumer, Duration minIdle, String cursor, int count) {
        ClaimedMessages<String, String> claimed = redis.xautoclaim(
                stream,
                new XAutoClaimArgs<String>()
                        .consumer(Consumer.from(group, consumer))
                        .minIdleTime(minIdle)
                        .startId(cursor)
                        .count(count));
        return new Claimed(toEntries(claimed.getMessages()), claimed.getId());
    }

    /** Resets the idle time of entries this consumer holds without counting a delivery (XCLAIM JUSTID). */
    void touch(String stream, String group, String consumer, List<String> ids) {
        if (!ids.isEmpty()) {
            redis.xclaim(
                    stream,
                    Consumer.from(group, consumer),
                    XClaimArgs.Builder.justid().minIdleTime(0),
                    ids.toArray(String[]::new));
        }
    }

    /**
     * How many times the group delivered each of {@code ids} (all in one stream, just delivered
     * to {@code consumer}). Only that consumer's pending entries are listed, page by page, so other
     * consumers' entries between the ids can never push one of them off the page (it would then
     * count as a first delivery, and a poison entry would never reach MAX_RETRIES).
     */
    Map<String, Long> deliveries(String stream, String group, String consumer, List<String> ids) {
        Map<String, Long> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        java.util.Set<String> wanted = new java.util.HashSet<>(ids);
        String min = ids.stream().min(RedisStreams::compareIds).orElseThrow();
        String max = ids.stream().max(RedisStreams::compareIds).orElseThrow();
        Range.Boundary<String> from = Range.Boundary.including(min);
        long page = Math.max(ids.size(), 16);
        while (true) {
            List<PendingMessage> pending = redis.xpending(
                    stream,
                    Consumer.from(group, consumer),
                    Range.from(from, Range.Boundary.including(max)),
                    Limit.from(page));
            for (PendingMessage p : pending) {
                if (wanted.contains(p.getId())) {
                    out.put(p.getId(), p.getRedeliveryCount());
                }
            }
            if (pending.size() < page || out.size() == wanted.size()) {
                return out;
            }
            from = Range.Boundary.excluding(pending.getLast().getId());
        }
    }

    long ack(String stream, String group, List<String> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        Long n = redis.xack(stream, group, ids.toArray(String[]::new));
        return n == null ? 0 : n;
    }

    String add(String stream, Map<String, String> fields) {
        return redis.xadd(stream, fields);
    }

    static int compareIds(String a, String b) {
        long am = Long.parseLong(a.substring(0, a.indexOf('-')));
        long bm = Long.parseLong(b.substring(0, b.indexOf('-')));
        if (am != bm) {
            return Long.compare(am, bm);
        }
        return Long.compare(
                Long.parseLong(a.substring(a.indexOf('-') + 1)), Long.parseLong(b.substring(b.indexOf('-') + 1)));
    }

    private static List<StreamEntry> toEntries(List<StreamMessage<String, String>> messages) {
        List<StreamEntry> out = new ArrayList<>(messages.size());
        for (StreamMessage<String, String> m : messages) {
            // An entry trimmed from the stream while pending comes back without fields.
            Map<String, String> body = m.getBody() == null ? Map.of() : m.getBody();
            out.add(new StreamEntry(m.getStream(), m.getId(), body, 1));
        }
        return out;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
