package dev.chainsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamEntryTest {
    private static StreamEntry replayed(String originalId) {
        return new StreamEntry(
                "s",
                "1700000000500-3",
                Map.of(StreamEntry.PAYLOAD_FIELD, "{}", StreamEntry.ORIGINAL_ID_FIELD, originalId),
                1);
    }

    @Test
    void aReplayIsOrderedByItsFirstPublication() {
        StreamEntry e = replayed("1700000000100-7");
        assertThat(e.publishedId()).isEqualTo("1700000000100-7");
        assertThat(e.publishedMillis()).isEqualTo(1700000000100L);
        assertThat(e.publishedSequence()).isEqualTo(7);
        assertThat(e.millis()).as("its own id still places it in the stream").isEqualTo(1700000000500L);
    }

    @Test
    void anOriginalIdThatIsLaterMalformedOrTooLargeIsIgnored() {
        for (String bad : new String[] {
            "1700000000900-0", "1700000000500-3", "x-1", "12", "9999999999999999999-0", "1-9999999999999999999"
        }) {
            assertThat(replayed(bad).publishedId()).as(bad).isEqualTo("1700000000500-3");
        }
        assertThat(new StreamEntry("s", "5-0", Map.of(), 1).publishedId()).isEqualTo("5-0");
    }
}
