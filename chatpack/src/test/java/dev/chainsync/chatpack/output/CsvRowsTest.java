package dev.chainsync.chatpack.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chatpack.ChatPack;
import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.MessageWriter;
import dev.chainsync.chatpack.OutputFormat;
import dev.chainsync.chatpack.OutputOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Rows encoded ahead ({@link CsvRows}) and written by {@link CsvRowWriter} must equal the Message path's CSV. */
class CsvRowsTest {

    private static final String[] SENDERS = {"Alice", "Bob", "Zoë", "semi;colon", "quote \"q\"", "two\nlines"};
    private static final String[] PIECES = {
        "hello", " ", ";", "\"", "\n", "\r", "§", "?", "é", "日本", "😀", "\uD83D", "plain words", ",", ""
    };
    private static final List<OutputOptions> OPTIONS = List.of(
            OutputOptions.DEFAULTS,
            new OutputOptions(OutputFormat.CSV, ';', true, true, true, true),
            new OutputOptions(OutputFormat.CSV, ' ', false, true, false, true),
            new OutputOptions(OutputFormat.CSV, '§', true, false, true, false),
            new OutputOptions(OutputFormat.CSV, '?', false, false, false, false));

    /** Deterministic messages with every character the CSV dialect treats specially, runs of one sender. */
    private static List<Message> messages(long seed, int n) {
        Random r = new Random(seed);
        List<Message> out = new ArrayList<>();
        String sender = SENDERS[0];
        for (int i = 0; i < n; i++) {
            if (r.nextInt(3) == 0) {
                sender = SENDERS[r.nextInt(SENDERS.length)];
            }
            StringBuilder content = new StringBuilder();
            for (int k = r.nextInt(5); k >= 0; k--) {
                content.append(PIECES[r.nextInt(PIECES.length)]);
            }
            Instant time = r.nextInt(10) == 0
                    ? null
                    : r.nextInt(20) == 0
                            ? Instant.ofEpochSecond(400_000_000_000L) // year 14645
                            : Instant.ofEpochSecond(1_700_000_000L + r.nextInt(1_000_000));
            String id = r.nextBoolean() ? Integer.toString(i) : r.nextInt(5) == 0 ? "x;\"y\"" : null;
            String reply = r.nextInt(4) == 0 ? Integer.toString(r.nextInt(i + 1)) : null;
            Instant edited = r.nextInt(6) == 0 ? Instant.ofEpochSecond(1_700_000_000L - r.nextInt(1000)) : null;
            out.add(new Message(null, sender, content.toString(), time, id, reply, edited));
        }
        return out;
    }

    /** What Conversion writes on the Message path: the merge gatherer, then the CSV writer. */
    private static byte[] viaMessages(OutputOptions options, boolean merge, List<Message> messages) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageWriter w = Writers.open(options, out);
        List<Message> rows =
                merge ? messages.stream().gather(ChatPack.mergeConsecutive()).toList() : messages;
        for (Message m : rows) {
            w.write(m);
        }
        w.finish();
        return out.toByteArray();
    }

    /**
     * The row path, in batches of {@code batch} so runs cross batch ends; contents without a lone surrogate go in
     * as UTF-8 bytes (as the Telegram scanner hands them over) at an offset inside a larger array.
     */
    private static byte[] viaRows(
            OutputOptions options, boolean merge, List<Message> messages, int batch, long[] rowsOut)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CsvRowWriter w = new CsvRowWriter(options, out, merge);
        CsvRows rows = new CsvRows(options, 1);
        for (Message m : messages) {
            if (isWellFormed(m.content())) {
                byte[] utf8 = ("xx" + m.content() + "yy").getBytes(StandardCharsets.UTF_8);
                rows.addUtf8(m.withContent("ignored"), utf8, 2, utf8.length - 4);
            } else {
                rows.add(m);
            }
            if (rows.size() == batch) {
                w.write(rows);
                rows = new CsvRows(options, batch);
            }
        }
        w.write(rows);
        w.finish();
        assertThat(w.bytesWritten()).isEqualTo(out.size());
        rowsOut[0] = w.rowsWritten();
        return out.toByteArray();
    }

    private static boolean isWellFormed(String s) {
        return StandardCharsets.UTF_8.newEncoder().canEncode(s);
    }

    @Test
    void rowsGiveTheMessagePathsBytesForEveryOptionAndMergeSetting() throws IOException {
        List<Message> messages = messages(5, 3_000);
        assertThat(messages.stream().filter(m -> !isWellFormed(m.content()))).isNotEmpty();
        for (OutputOptions options : OPTIONS) {
            for (boolean merge : new boolean[] {true, false}) {
                byte[] expected = viaMessages(options, merge, messages);
                long expectedRows = merge
                        ? messages.stream().gather(ChatPack.mergeConsecutive()).count()
                        : messages.size();
                for (int batch : new int[] {1, 7, 5_000}) {
                    long[] rows = new long[1];
                    byte[] actual = viaRows(options, merge, messages, batch, rows);
                    assertThat(new String(actual, StandardCharsets.UTF_8))
                            .as("%s merge=%s batch=%d", options, merge, batch)
                            .isEqualTo(new String(expected, StandardCharsets.UTF_8));
                    assertThat(actual).isEqualTo(expected);
                    assertThat(rows[0]).isEqualTo(expectedRows);
                }
            }
        }
    }

    @Test
    void noRowsStillWriteTheHeader() throws IOException {
        OutputOptions options = new OutputOptions(OutputFormat.CSV, ';', true, true, true, true);
        assertThat(viaRows(options, true, List.of(), 3, new long[1])).isEqualTo(viaMessages(options, true, List.of()));
    }

    @Test
    void aMessageWithAChatIsRefused() {
        CsvRows rows = new CsvRows(OutputOptions.DEFAULTS, 1);
        assertThatThrownBy(() -> rows.add(new Message("Chat", "A", "b", null, null, null, null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(rows.isEmpty()).isTrue();
    }

    @Test
    void clearEmptiesTheBatch() {
        CsvRows rows = new CsvRows(OutputOptions.DEFAULTS, 1);
        rows.add(Message.of("A", "b"));
        rows.add(Message.of("B", "c"));
        assertThat(rows.size()).isEqualTo(2);
        rows.clear();
        assertThat(rows.isEmpty()).isTrue();
    }
}
