package dev.chainsync.ingest;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.models.stream.PendingMessage;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
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

    private List<StreamEntry> read(
            List<String> streams, String group, String consumer, int count, Duration block, String from) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8)
                .add("GROUP")
                .add(group)
                .add(consumer)
                .add("COUNT")
                .add(count);
        if (block != null) {
            args.add("BLOCK").add(block.toMillis());
        }
        args.add("STREAMS");
        streams.forEach(args::add);
        streams.forEach(s -> args.add(from));
        // RESP2 answers [[stream, entries], ...]; RESP3 a map, which arrives flat: [stream, entries, ...];
        // a blocking read that timed out answers nil (a null element, or no list at all).
        List<Object> reply = list(raw(CommandType.XREADGROUP, args));
        List<StreamEntry> out = new ArrayList<>();
        for (int i = 0; i < reply.size(); i++) {
            Object o = reply.get(i);
            if (o instanceof List<?>) {
                List<Object> pair = list(o);
                out.addAll(RawEntries.entries(RawEntries.text(pair.get(0)), list(pair.get(1))));
            } else if (o != null && i + 1 < reply.size()) {
                out.addAll(RawEntries.entries(RawEntries.text(o), list(reply.get(++i))));
            }
        }
        return out;
    }

    /**
     * Sends a stream-reading command and returns its reply as nested lists with every bulk string
     * as its bytes. Lettuce's typed stream replies decode each field into a map with a lenient
     * UTF-8 decoder, which hides a field given twice (the map keeps one value) and turns bytes that
     * are not UTF-8 into U+FFFD; {@link RawEntries} reports both instead.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private List<Object> raw(CommandType type, CommandArgs<String, String> args) {
        // The output decodes with the byte-array codec; the arguments are encoded by args' own codec.
        CommandOutput<String, String, List<Object>> output =
                (CommandOutput) new NestedMultiOutput<>(ByteArrayCodec.INSTANCE);
        return redis.dispatch(type, output, args);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o == null ? List.of() : (List<Object>) o;
    }

    /**
     * Takes over entries of any consumer of the group idle for longer than {@code minIdle},
     * following XAUTOCLAIM's cursor; returns the claimed entries and the next cursor.
     */
    record Claimed(List<StreamEntry> entries, String cursor) {}

    Claimed autoclaim(String stream, String group, String consumer, Duration minIdle, String cursor, int count) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8)
                .addKey(stream)
                .add(group)
                .add(consumer)
                .add(minIdle.toMillis())
                .add(cursor)
                .add("COUNT")
                .add(count);
        List<Object> reply = raw(CommandType.XAUTOCLAIM, args);
        return new Claimed(RawEntries.entries(stream, list(reply.get(1))), RawEntries.text(reply.get(0)));
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

    @Override
    public void close() {
        try {
            connection.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
