package dev.chainsync.chatpack.telegram;

import static dev.chainsync.chatpack.Fixtures.drain;
import static dev.chainsync.chatpack.Fixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.ChatPack;
import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.MessageSource;
import dev.chainsync.chatpack.MessageWriter;
import dev.chainsync.chatpack.OutputFormat;
import dev.chainsync.chatpack.OutputOptions;
import dev.chainsync.chatpack.Platform;
import dev.chainsync.chatpack.ReadOptions;
import dev.chainsync.chatpack.bench.SyntheticExports;
import dev.chainsync.chatpack.io.Progress;
import dev.chainsync.chatpack.output.CsvRowWriter;
import dev.chainsync.chatpack.output.CsvRows;
import dev.chainsync.chatpack.output.Writers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParallelTelegramSourceTest {

    /** Several blocks' worth, so seams, block hand-off and the last block are all exercised. */
    private static final long SIZE = 3L * ParallelTelegramSource.BLOCK_BYTES + 12_345;

    @TempDir
    static Path dir;

    static Path export;

    @BeforeAll
    static void generate() throws IOException {
        export = new SyntheticExports(7)
                .generate(Platform.TELEGRAM, dir, SIZE)
                .files()
                .getFirst();
    }

    private static MessageSource parallel(Path file, ReadOptions options) {
        return new ParallelTelegramSource(
                ChatInput.of(file), options, new ChatSelection(options.chat()), new Progress(-1, 1), 2);
    }

    private static MessageSource sequential(Path file, ReadOptions options) throws IOException {
        return new TelegramSource(ChatInput.of(file), options, new ChatSelection(options.chat()), new Progress(-1, 1));
    }

    @Test
    void parallelBlocksYieldExactlyTheSequentialMessages() throws IOException {
        List<Message> expected = drain(sequential(export, ReadOptions.DEFAULTS));
        List<Message> actual = drain(parallel(export, ReadOptions.DEFAULTS));
        assertThat(expected).hasSizeGreaterThan(10_000);
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void parallelBlocksCountWhatTheySkipAsTheSequentialReaderDoes() throws IOException {
        MessageSource seq = sequential(export, ReadOptions.DEFAULTS);
        drain(seq);
        MessageSource par = parallel(export, ReadOptions.DEFAULTS);
        drain(par);
        assertThat(seq.skipped().notices()).as("service messages left out").isPositive();
        assertThat(par.skipped()).isEqualTo(seq.skipped());

        // The CSV rows the workers encode count the same.
        try (MessageSource rows = parallel(export, ReadOptions.DEFAULTS)) {
            OutputOptions csv = OutputOptions.DEFAULTS;
            for (CsvRows r = rows.nextCsvRows(csv); !r.isEmpty(); r = rows.nextCsvRows(csv)) {
                // Only the counts matter here.
            }
            assertThat(rows.skipped()).isEqualTo(seq.skipped());
        }
    }

    /** A large export cut short is reported as truncated by the block reader too, never read as a shorter chat. */
    @Test
    void aFileCutAfterAMessageIsTruncatedForTheBlockReaderToo() throws IOException {
        byte[] bytes = Files.readAllBytes(export);
        // Cut the download just after a message's closing brace, in the middle of the file.
        byte[] seam = "},\n  {\n".getBytes(StandardCharsets.US_ASCII);
        int at = bytes.length / 2;
        while (!java.util.Arrays.equals(bytes, at, at + seam.length, seam, 0, seam.length)) {
            at++;
        }
        Path cut = dir.resolve("cut.json");
        Files.write(cut, java.util.Arrays.copyOf(bytes, at + 1));

        // The sequential reader says so ...
        assertThatThrownBy(() -> drain(sequential(cut, ReadOptions.DEFAULTS)))
                .isInstanceOf(ChatpackException.class)
                .hasMessageContaining("truncated");
        // ... and so does the block reader (used for every file of 16 MB or more). The whole file still
        // reads in blocks: parallelBlocksYieldExactlyTheSequentialMessages.
        assertThatThrownBy(() -> drain(parallel(cut, ReadOptions.DEFAULTS)))
                .isInstanceOf(ChatpackException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void optionsApplyInsideBlocksToo() throws IOException {
        ReadOptions options = new ReadOptions(false, true, null);
        assertThat(drain(parallel(export, options))).isEqualTo(drain(sequential(export, options)));
    }

    @Test
    void minifiedInputFallsBackToSequentialReading() throws IOException {
        Path minified = dir.resolve("min.json");
        Files.writeString(
                minified,
                Files.readString(resource("telegram/single_chat.json")).replaceAll("\\n\\s*", ""));
        assertThat(drain(parallel(minified, ReadOptions.DEFAULTS)))
                .isEqualTo(drain(sequential(resource("telegram/single_chat.json"), ReadOptions.DEFAULTS)));
    }

    @Test
    void fullAccountExportFallsBackToSequentialReading() throws IOException {
        Path full = resource("telegram/full_account.json");
        assertThat(drain(parallel(full, ReadOptions.DEFAULTS)))
                .isEqualTo(drain(sequential(full, ReadOptions.DEFAULTS)));
    }

    @Test
    void corruptionInALaterBlockIsReportedAtTheSequentialPosition() throws IOException {
        byte[] bytes = Files.readAllBytes(export);
        int at = indexOf(bytes, "\"from\": \"".getBytes(StandardCharsets.US_ASCII), bytes.length * 2 / 3);
        bytes[at] = '?';
        Path broken = dir.resolve("broken.json");
        Files.write(broken, bytes);

        ChatpackException sequentialError = null;
        try {
            drain(sequential(broken, ReadOptions.DEFAULTS));
        } catch (ChatpackException e) {
            sequentialError = e;
        }
        assertThat(sequentialError).isNotNull();
        String expected = sequentialError.getMessage();
        assertThatThrownBy(() -> drain(parallel(broken, ReadOptions.DEFAULTS)))
                .isInstanceOf(ChatpackException.class)
                .hasMessage(expected)
                .hasMessageContaining("invalid JSON");
    }

    @Test
    void wrongChatYieldsNothing() throws IOException {
        ReadOptions other = new ReadOptions(true, false, "Somebody else");
        assertThat(drain(parallel(export, other))).isEmpty();
    }

    /** The Message path's CSV: every message, merged as Conversion merges, through the CSV writer. */
    private static String csvFromMessages(MessageSource source, OutputOptions output) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageWriter w = Writers.open(output, out);
        for (Message m :
                drain(source).stream().gather(ChatPack.mergeConsecutive()).toList()) {
            w.write(m);
        }
        w.finish();
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The row path: the workers encode CSV rows, this thread merges and copies them. */
    private static String csvFromRows(MessageSource source, OutputOptions output) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CsvRowWriter w = new CsvRowWriter(output, out, true);
        try (source) {
            CsvRows rows = source.nextCsvRows(output);
            assertThat(rows).as("rows from a block-parsed file").isNotNull();
            while (!rows.isEmpty()) {
                w.write(rows);
                rows = source.nextCsvRows(output);
            }
        }
        w.finish();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static final List<OutputOptions> OUTPUTS = List.of(
            OutputOptions.DEFAULTS,
            new OutputOptions(OutputFormat.CSV, ' ', true, true, true, true),
            new OutputOptions(OutputFormat.CSV, '§', false, true, false, false));
    private static final List<ReadOptions> READS = List.of(ReadOptions.DEFAULTS, new ReadOptions(false, true, null));

    @Test
    void rowsEncodedByTheWorkersEqualTheMessagePathsCsv() throws IOException {
        // The synthetic export for volume; the fixture for escapes, quotes, entity arrays, media, service lines.
        for (Path file : List.of(export, resource("telegram/single_chat.json"))) {
            for (ReadOptions read : READS) {
                for (OutputOptions output : OUTPUTS) {
                    String expected = csvFromMessages(sequential(file, read), output);
                    assertThat(expected.lines().count()).isGreaterThan(5);
                    assertThat(csvFromRows(parallel(file, read), output))
                            .as("%s %s %s", file.getFileName(), read, output)
                            .isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void aBlockTheScannerGivesUpIsEncodedFromJacksonsMessages() throws IOException {
        // An escaped field name is valid JSON the byte scanner leaves to Jackson.
        String text =
                Files.readString(resource("telegram/single_chat.json")).replace("\"from_id\"", "\"from\\u005fid\"");
        Path escaped = dir.resolve("escaped-name.json");
        Files.writeString(escaped, text);
        byte[] block = ("[" + text.substring(text.indexOf("  {"), text.lastIndexOf("]")) + "]")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new BlockScanner(new MessageParser("x", ReadOptions.DEFAULTS))
                        .scan(block, 0, block.length, new CsvRows(OutputOptions.DEFAULTS, 1)))
                .isSameAs(BlockScanner.ABANDON);

        for (OutputOptions output : OUTPUTS) {
            assertThat(csvFromRows(parallel(escaped, ReadOptions.DEFAULTS), output))
                    .isEqualTo(csvFromMessages(sequential(escaped, ReadOptions.DEFAULTS), output));
        }
    }

    @Test
    void corruptionIsReportedAtTheSequentialPositionWhenEncodingRowsToo() throws IOException {
        byte[] bytes = Files.readAllBytes(export);
        int at = indexOf(bytes, "\"text\": \"".getBytes(StandardCharsets.US_ASCII), bytes.length / 2);
        bytes[at + 9] = 0x01;
        Path broken = dir.resolve("broken-text.json");
        Files.write(broken, bytes);
        ChatpackException sequentialError = null;
        try {
            drain(sequential(broken, ReadOptions.DEFAULTS));
        } catch (ChatpackException e) {
            sequentialError = e;
        }
        assertThat(sequentialError).isNotNull();
        assertThatThrownBy(() -> csvFromRows(parallel(broken, ReadOptions.DEFAULTS), OutputOptions.DEFAULTS))
                .isInstanceOf(ChatpackException.class)
                .hasMessage(sequentialError.getMessage());
    }

    @Test
    void aSourceReadAsMessagesDoesNotSwitchToRows() throws IOException {
        try (MessageSource source = parallel(export, ReadOptions.DEFAULTS)) {
            assertThat(source.next()).isNotNull();
            assertThat(source.nextCsvRows(OutputOptions.DEFAULTS)).isNull();
            assertThat(source.next()).isNotNull();
        }
        try (MessageSource source = parallel(export, ReadOptions.DEFAULTS)) {
            assertThat(source.nextCsvRows(OutputOptions.DEFAULTS).isEmpty()).isFalse();
            assertThatThrownBy(source::next).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aSequentiallyReadFileGivesNoRows() throws IOException {
        Path minified = dir.resolve("min2.json");
        Files.writeString(
                minified,
                Files.readString(resource("telegram/single_chat.json")).replaceAll("\\n\\s*", ""));
        try (MessageSource source = parallel(minified, ReadOptions.DEFAULTS)) {
            assertThat(source.nextCsvRows(OutputOptions.DEFAULTS)).isNull();
            assertThat(source.next()).isNotNull();
        }
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("not found");
    }
}
