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
import java.util.List;
import org.junit.jupiter.api.Test;

class WritersTest {

    private static final Instant T = Instant.parse("2024-01-15T10:30:00Z");
    private static final Instant E = Instant.parse("2024-01-15T10:31:05Z");
    private static final Message FULL = new Message(null, "Alice", "Hello", T, "42", "41", E);
    private static final Message BARE = Message.of("Bob", "Hi");

    private static String write(OutputOptions options, List<Message> messages) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageWriter w = Writers.open(options, out);
        for (Message m : messages) {
            w.write(m);
        }
        w.finish();
        assertThat(w.bytesWritten()).isEqualTo(out.size());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static OutputOptions all(OutputFormat format) {
        return new OutputOptions(format, ';', true, true, true, true);
    }

    @Test
    void csvDefaultIsSenderAndContent() throws IOException {
        assertThat(write(OutputOptions.DEFAULTS, List.of(FULL, BARE)))
                .isEqualTo("Sender;Content\nAlice;Hello\nBob;Hi\n");
    }

    @Test
    void csvColumnOrderMatchesTheOriginal() throws IOException {
        assertThat(write(all(OutputFormat.CSV), List.of(FULL, BARE))).isEqualTo("""
                ID;Timestamp;Sender;Content;ReplyTo;Edited
                42;2024-01-15 10:30:00;Alice;Hello;41;2024-01-15 10:31:05
                ;;Bob;Hi;;
                """);
    }

    @Test
    void csvQuotesOnlyWhenNeeded() throws IOException {
        List<Message> ms = List.of(
                Message.of("A", "semi;colon"),
                Message.of("B", "say \"hi\""),
                Message.of("C", "two\nlines"),
                Message.of("D", "cr\rhere"),
                Message.of("E", "comma, fine"),
                Message.of("F", ""));
        assertThat(write(OutputOptions.DEFAULTS, ms))
                .isEqualTo(
                        "Sender;Content\n"
                                + "A;\"semi;colon\"\nB;\"say \"\"hi\"\"\"\nC;\"two\nlines\"\nD;\"cr\rhere\"\nE;comma, fine\nF;\n");
    }

    @Test
    void customDelimiterChangesQuotingToo() throws IOException {
        OutputOptions tab = new OutputOptions(OutputFormat.CSV, '\t', false, false, false, false);
        assertThat(write(tab, List.of(Message.of("A", "semi;colon"), Message.of("B", "tab\there"))))
                .isEqualTo("Sender\tContent\nA\tsemi;colon\nB\t\"tab\there\"\n");
    }

    @Test
    void headerIsWrittenEvenWithoutMessages() throws IOException {
        assertThat(write(all(OutputFormat.CSV), List.of())).isEqualTo("ID;Timestamp;Sender;Content;ReplyTo;Edited\n");
        assertThat(write(all(OutputFormat.JSON), List.of())).isEqualTo("[]\n");
        assertThat(write(all(OutputFormat.JSONL), List.of())).isEmpty();
    }

    @Test
    void chatColumnLeadsWhenMessagesCarryAChat() throws IOException {
        Message m = new Message("Hikers", "Alice", "Hi", null, null, null, null);
        assertThat(write(OutputOptions.DEFAULTS, List.of(m))).isEqualTo("Chat;Sender;Content\nHikers;Alice;Hi\n");
        assertThat(write(new OutputOptions(OutputFormat.JSONL, ';', false, false, false, false), List.of(m)))
                .isEqualTo("{\"chat\":\"Hikers\",\"sender\":\"Alice\",\"content\":\"Hi\"}\n");
    }

    @Test
    void jsonlFieldOrderAndOptionalFields() throws IOException {
        assertThat(write(all(OutputFormat.JSONL), List.of(FULL, BARE)))
                .isEqualTo(
                        "{\"sender\":\"Alice\",\"content\":\"Hello\",\"timestamp\":\"2024-01-15T10:30:00Z\",\"id\":\"42\","
                                + "\"reply_to\":\"41\",\"edited\":\"2024-01-15T10:31:05Z\"}\n"
                                + "{\"sender\":\"Bob\",\"content\":\"Hi\"}\n");
        assertThat(write(new OutputOptions(OutputFormat.JSONL, ';', false, false, false, false), List.of(FULL)))
                .isEqualTo("{\"sender\":\"Alice\",\"content\":\"Hello\"}\n");
    }

    @Test
    void jsonIsAPrettyArrayLikeSerde() throws IOException {
        assertThat(write(new OutputOptions(OutputFormat.JSON, ';', false, true, false, false), List.of(FULL, BARE)))
                .isEqualTo("""
                        [
                          {
                            "sender": "Alice",
                            "content": "Hello",
                            "timestamp": "2024-01-15T10:30:00Z"
                          },
                          {
                            "sender": "Bob",
                            "content": "Hi"
                          }
                        ]
                        """);
    }

    @Test
    void jsonEscapingAndUtf8() throws IOException {
        Message m = Message.of("Zoë", "quote \" backslash \\ nl \n tab \t bell \u0007 emoji 😀 кириллица");
        String out = write(new OutputOptions(OutputFormat.JSONL, ';', false, false, false, false), List.of(m));
        assertThat(out)
                .isEqualTo("{\"sender\":\"Zoë\",\"content\":\"quote \\\" backslash \\\\ nl \\n tab \\t bell "
                        + "\\u0007 emoji 😀 кириллица\"}\n");
    }

    @Test
    void longTextCrossesTheBufferBoundaryIntact() throws IOException {
        String big = "ж😀a".repeat(50_000);
        String out = write(OutputOptions.DEFAULTS, List.of(Message.of("A", big)));
        assertThat(out).isEqualTo("Sender;Content\nA;" + big + "\n");
    }

    @Test
    void loneSurrogateStillYieldsValidUtf8() throws IOException {
        // A broken surrogate pair cannot be encoded; CSV gets the JDK's '?', JSON the replacement char.
        String csv = write(OutputOptions.DEFAULTS, List.of(Message.of("A", "x\uD800y")));
        assertThat(csv).isEqualTo("Sender;Content\nA;x?y\n");
        String json = write(
                new OutputOptions(OutputFormat.JSONL, ';', false, false, false, false),
                List.of(Message.of("A", "x\uD800y")));
        assertThat(json).isEqualTo("{\"sender\":\"A\",\"content\":\"x\uFFFDy\"}\n");
    }

    @Test
    void timestampsBeforeEpochAndFarFuture() throws IOException {
        Message old = new Message(null, "A", "x", Instant.parse("1969-12-31T23:59:59Z"), null, null, null);
        Message future = new Message(null, "B", "y", Instant.parse("2999-02-28T01:02:03Z"), null, null, null);
        OutputOptions ts = new OutputOptions(OutputFormat.CSV, ';', false, true, false, false);
        assertThat(write(ts, List.of(old, future)))
                .isEqualTo("Timestamp;Sender;Content\n1969-12-31 23:59:59;A;x\n2999-02-28 01:02:03;B;y\n");
    }
}
