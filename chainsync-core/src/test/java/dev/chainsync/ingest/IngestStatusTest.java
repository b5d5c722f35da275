package dev.chainsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestStatusTest {
    @Test
    void statusListsEveryStreamAndGroupTheDatabaseHoldsProgressFor() {
        try (IngestTesting.OneStream t = new IngestTesting.OneStream("status")) {
            String payload = "{\"event_name\":\"Deposited\",\"network\":\"base\",\"event_data\":["
                    + EntryParserTest.deposit(EntryParserTest.TERM, "1", "") + "]}";
            StreamEntry elsewhere = new StreamEntry("other_stream", "5-1", Map.of("payload", payload), 1);
            new BatchWriter(t.jdbc)
                    .write(List.of(EntryParser.parse(elsewhere)), "other_group", Instant.parse("2026-12-07T00:00:00Z"));
            IngestConfig cfg = t.config(Duration.ofSeconds(30));
            try (Ingest ingest = new Ingest(t.jdbc, cfg, Clock.systemUTC(), new SimpleMeterRegistry())) {
                List<Ingest.StreamStatus> streams = ingest.status().streams();
                assertThat(streams)
                        .extracting(Ingest.StreamStatus::stream, Ingest.StreamStatus::consumerGroup)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple(t.stream, cfg.consumerGroup()),
                                org.assertj.core.groups.Tuple.tuple("other_stream", "other_group"));
                Ingest.StreamStatus other = streams.get(1);
                assertThat(other.committedEntries()).isEqualTo(1);
                assertThat(other.newEvents()).isEqualTo(1);
                assertThat(other.lastCommittedEntryId()).isEqualTo("5-1");
            }
        }
    }
}
