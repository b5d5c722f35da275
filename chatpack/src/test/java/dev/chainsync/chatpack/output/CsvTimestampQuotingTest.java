package dev.chainsync.chatpack.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.MessageWriter;
import dev.chainsync.chatpack.OutputFormat;
import dev.chainsync.chatpack.OutputOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A timestamp cell is quoted when the delimiter could occur in it, so every row splits into its columns. */
class CsvTimestampQuotingTest {

    private static final Instant T = Instant.parse("2024-01-15T10:30:00Z");

    @Test
    void aTimestampCellHoldingTheDelimiterIsQuoted() throws IOException {
        OutputOptions space = new OutputOptions(OutputFormat.CSV, ' ', false, true, false, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageWriter w = Writers.open(space, out);
        w.write(new Message(null, "Alice", "hi", T, null, null, T));
        w.finish();
        // Each row must split into 4 fields; unquoted, "2024-01-15 10:30:00" is two.
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo(
                        "Timestamp Sender Content Edited\n\"2024-01-15 10:30:00\" Alice hi \"2024-01-15 10:30:00\"\n");
    }
}
