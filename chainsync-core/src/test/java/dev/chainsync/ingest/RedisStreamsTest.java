package dev.chainsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.Consumer;
import io.lettuce.core.XClaimArgs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RedisStreamsTest {
    final IngestTesting.Redis redis = new IngestTesting.Redis();
    final String stream = IngestTesting.unique("streams") + "_s";
    final String group = stream + "_group";
    final RedisStreams streams = new RedisStreams(IngestTesting.redisUrl());

    @AfterEach
    void tearDown() {
        streams.close();
        redis.forget(stream);
        redis.close();
    }

    @Test
    void deliveryCountsAreFoundHoweverManyOtherConsumersEntriesLieBetween() {
        streams.ensureGroup(stream, group);
        for (int i = 0; i < 120; i++) {
            redis.push(stream, "{\"n\":" + i + "}");
        }
        StreamEntry first = streams.next(List.of(stream), group, "a", 1, null).getFirst();
        streams.next(List.of(stream), group, "b", 100, null);
        StreamEntry last = streams.next(List.of(stream), group, "a", 1, null).getFirst();
        // The last one came back three more times (claimed by crashed consumers, then by a).
        for (String consumer : List.of("x", "y", "a")) {
            redis.cmd.xclaim(stream, Consumer.from(group, consumer), XClaimArgs.Builder.minIdleTime(0), last.id());
        }

        Map<String, Long> counts = streams.deliveries(stream, group, "a", List.of(first.id(), last.id()));

        assertThat(counts).containsEntry(first.id(), 1L).containsEntry(last.id(), 4L);
    }
}
