package dev.chainsync.chatpack.telegram;

import static dev.chainsync.chatpack.Fixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.OutputFormat;
import dev.chainsync.chatpack.OutputOptions;
import dev.chainsync.chatpack.Platform;
import dev.chainsync.chatpack.ReadOptions;
import dev.chainsync.chatpack.bench.SyntheticExports;
import dev.chainsync.chatpack.io.Json;
import dev.chainsync.chatpack.output.CsvRowWriter;
import dev.chainsync.chatpack.output.CsvRows;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The byte scanner must give exactly the messages Jackson's path gives, and must give up on every block
 * Jackson's path rejects (it may give up on more; Jackson then reads those).
 */
class BlockScannerTest {

    private static final List<ReadOptions> OPTIONS =
            List.of(ReadOptions.DEFAULTS, new ReadOptions(true, true, null), new ReadOptions(false, false, null));

    @TempDir
    Path dir;

    /** Jackson's reading of a block, as ParallelTelegramSource does it; null when it fails. */
    private static List<Message> jackson(byte[] block, ReadOptions options) {
        MessageParser parser = new MessageParser("test", options);
        List<Message> out = new ArrayList<>();
        try (JsonParser p = Json.FACTORY.createParser(block)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
                Message m = parser.read(p, null);
                if (m != null) {
                    out.add(m);
                }
            }
            return t == JsonToken.END_ARRAY ? out : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The scanner's reading; null when it gives the block up. */
    private static List<Message> scanner(byte[] block, ReadOptions options) {
        List<Message> out = new ArrayList<>();
        try {
            new BlockScanner(new MessageParser("test", options)).scan(block, 0, block.length, out);
            return out;
        } catch (RuntimeException e) {
            assertThat(e).isSameAs(BlockScanner.ABANDON);
            return null;
        }
    }

    private static final List<OutputOptions> OUTPUTS =
            List.of(OutputOptions.DEFAULTS, new OutputOptions(OutputFormat.CSV, ' ', true, true, true, true));

    /** The scanner's reading as CSV rows (texts copied as bytes), written unmerged; null when it gives up. */
    private static String scannerRows(byte[] block, ReadOptions options, OutputOptions output) throws IOException {
        CsvRows rows = new CsvRows(output, 1);
        try {
            new BlockScanner(new MessageParser("test", options)).scan(block, 0, block.length, rows);
        } catch (RuntimeException e) {
            assertThat(e).isSameAs(BlockScanner.ABANDON);
            return null;
        }
        return csv(rows, output);
    }

    /** Messages as CSV rows encoded from their Strings, written unmerged. */
    private static String messageRows(List<Message> messages, OutputOptions output) throws IOException {
        CsvRows rows = new CsvRows(output, 1);
        messages.forEach(rows::add);
        return csv(rows, output);
    }

    private static String csv(CsvRows rows, OutputOptions output) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CsvRowWriter w = new CsvRowWriter(output, out, false);
        w.write(rows);
        w.finish();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void assertSame(byte[] block) throws IOException {
        assertSame(block, false);
    }

    /**
     * The scanner reads the block as Jackson does; with {@code mayAbandon} it may instead give the block up
     * (its caller then uses Jackson's reading), but never read it differently.
     */
    private static void assertSame(byte[] block, boolean mayAbandon) throws IOException {
        for (ReadOptions options : OPTIONS) {
            List<Message> expected = jackson(block, options);
            assertThat(expected).as("Jackson reads the block").isNotNull();
            List<Message> scanned = scanner(block, options);
            if (mayAbandon && scanned == null) {
                continue;
            }
            assertThat(scanned).isEqualTo(expected);
            for (OutputOptions output : OUTPUTS) {
                assertThat(scannerRows(block, options, output)).isEqualTo(messageRows(expected, output));
            }
        }
    }

    private static byte[] block(String... messages) {
        return ("[" + String.join(",", messages) + "]").getBytes(StandardCharsets.UTF_8);
    }

    /** The bytes of the messages array of an export. */
    private static byte[] messagesArray(Path export) throws IOException {
        byte[] bytes = Files.readAllBytes(export);
        try (JsonParser p = Json.FACTORY.createParser(bytes)) {
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME && p.currentName().equals("messages")) {
                    p.nextToken();
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    int end = (int) p.currentLocation().getByteOffset();
                    return Arrays.copyOfRange(bytes, start, end);
                }
            }
        }
        throw new IllegalStateException("no messages array");
    }

    @Test
    void fixtureMessagesReadTheSame() throws IOException {
        byte[] block = messagesArray(resource("telegram/single_chat.json"));
        assertSame(block);
        assertThat(scanner(block, ReadOptions.DEFAULTS)).hasSizeGreaterThan(10);
    }

    @Test
    void syntheticExportReadsTheSame() throws IOException {
        Path export = new SyntheticExports(11)
                .generate(Platform.TELEGRAM, dir, 3 << 20)
                .files()
                .getFirst();
        byte[] block = messagesArray(export);
        assertSame(block);
        assertThat(scanner(block, ReadOptions.DEFAULTS)).hasSizeGreaterThan(1000);
    }

    @Test
    void unusualButValidMessagesReadTheSame() throws IOException {
        String[] messages = {
            "{\"id\":1,\"type\":\"message\",\"date_unixtime\":\"1700000000\",\"from\":\"A\",\"text\":\"minified {with} [braces] \\\"quoted\\\"\"}",
            "{\"id\": -2, \"type\": \"message\", \"date\": \"2024-01-15T10:30:00\", \"from\": \"B\\u00e9\", \"text\": \"esc \\n \\t \\/ \\\\ \\b \\f \\r \\u00e9 \\ud83d\\ude00 lone \\ud800 end\"}",
            "{\"id\": 3.5e2, \"type\": \"message\", \"date_unixtime\": 1700000001, \"from\": null, \"text\": [\"a \", {\"type\": \"link\", \"text\": \"site\", \"href\": \"https://x.example\"}, {\"type\": \"bold\", \"text\": \"b\"}, 7, true, null, [1, [2]], {\"type\": \"text_link\", \"text\": \"\", \"href\": \"https://y.example\"}, {\"href\": \"h\"}, {}]}",
            "{\"id\": \"4\", \"type\": \"service\", \"date_unixtime\": \"1700000002\", \"actor\": \"C\", \"action\": \"pin_message\", \"text\": \"\", \"text_entities\": []}",
            "{\"id\": 5, \"type\": \"message\", \"date_unixtime\": \"1700000003\", \"from\": \"D\", \"media_type\": \"sticker\", \"sticker_emoji\": \"\\ud83d\\ude00\", \"file\": \"stickers/s.webp\", \"text\": \"\"}",
            "{\"id\": 6, \"type\": \"message\", \"date_unixtime\": \"1700000004\", \"from\": \"E\", \"forwarded_from\": \"Bot\", \"photo\": \"photos/p.jpg\", \"text\": \"caption\", \"edited\": \"2024-01-01T00:00:00\", \"edited_unixtime\": \"1700000100\", \"reply_to_message_id\": 5}",
            "{\"id\": 7, \"type\": \"message\", \"date_unixtime\": \"1700000005\", \"from\": \"F\", \"poll\": {\"question\": \"Q?\", \"closed\": false, \"answers\": [{\"text\": \"a\", \"voters\": 1}]}, \"text\": \"\"}",
            "{\"id\": 8, \"type\": \"message\", \"date_unixtime\": \"1700000006\", \"from\": \"G\", \"file\": \"(File not included)\", \"file_name\": \"x.pdf\", \"text\": \"\", \"contact_information\": {\"first_name\": \"Z\"}, \"location_information\": {\"latitude\": 1.5, \"longitude\": -2E-3}, \"place_name\": \"P\", \"game_title\": \"G\", \"invoice_information\": {}}",
            "{\"id\": 9, \"type\": 5, \"date_unixtime\": \"17x\", \"from\": \"H\", \"text\": 12, \"custom\": {\"nested\": [[[{\"deep\": \"\\u00ff\"}]]], \"\\u0061\": 0}, \"\u00fcml\u00e4ut\": \"\u043f\u0440\u0438\u0432\u0435\u0442 \u2764\ufe0f \ud83c\udf89\"}",
            "{\"id\": 10, \"type\": \"message\", \"date_unixtime\": \"-5\", \"edited_unixtime\": 2.0, \"from\": \"I\", \"from_id\": \"user1\", \"text\": \"x\", \"text_entities\": [{\"type\": \"plain\", \"text\": \"x\", \"extra\": [1, {\"a\": null}]}]}",
            "{\"id\": 11, \"type\": \"message\", \"date\": \"2024-01-15T10:30:00\", \"date_unixtime\": \"\", \"from\": \"J\", \"text\": \"dup\", \"text\": \"second wins\", \"poll\": 3}",
            "{\"id\": 12, \"type\": \"message\", \"date_unixtime\": \"1700000007\", \"from\": \"\", \"text\": []}",
            "{\"id\": 13, \"type\": \"message\", \"date_unixtime\": \"1700000008\", \"from\": \"K\", \"forwarded_from\": null, \"text\": \"\"}",
            "{\"id\": true, \"type\": \"message\", \"date_unixtime\": \"1700000009\", \"from\": 42, \"text\": \"\\u0022\\u005c\"}",
            " \t\r\n{ \"id\" : 14 , \"type\" : \"message\" , \"date_unixtime\" : \"1700000010\" , \"from\" : \"L\" , \"text\" : \"spaced\" } \n",
        };
        // Message 2 has only "date" after message 1's date_unixtime: the scanner, which skips "date" once
        // unix times appear, gives such a block to Jackson rather than lose the time.
        assertSame(block(messages), true);
        assertThat(scanner(block(messages), ReadOptions.DEFAULTS)).isNull();
        for (String m : messages) {
            assertSame(block(m));
        }
        // Dates from "date" alone, once no message has carried date_unixtime.
        assertSame(
                block(
                        "{\"id\": 1, \"type\": \"message\", \"date\": \"2024-01-15T10:30:00\", \"from\": \"A\", \"text\": \"a\"}",
                        "{\"id\": 2, \"type\": \"message\", \"date\": \"2024-01-15T10:31:00\", \"from\": \"A\", \"text\": \"b\"}"));
    }

    @Test
    void blocksJacksonRejectsAreGivenUp() {
        String ok =
                "{\"id\": 1, \"type\": \"message\", \"date_unixtime\": \"1700000000\", \"from\": \"A\", \"text\": \"hi\"}";
        String[] broken = {
            "[" + ok + ",]",
            "[" + ok.replace("\"hi\"", "\"hi\",") + "]",
            "[" + ok.replace("\"hi\"", "01") + "]",
            "[" + ok.replace("\"hi\"", "1.") + "]",
            "[" + ok.replace("\"hi\"", "-") + "]",
            "[" + ok.replace("\"hi\"", "1e") + "]",
            "[" + ok.replace("\"hi\"", "tru") + "]",
            "[" + ok.replace("\"hi\"", "nulll") + "]",
            "[" + ok.replace("\"hi\"", "NaN") + "]",
            "[" + ok.replace("\"hi\"", "'hi'") + "]",
            "[" + ok.replace("\"hi\"", "\"a\tb\"") + "]",
            "[" + ok.replace("\"hi\"", "\"bad \\x escape\"") + "]",
            "[" + ok.replace("\"hi\"", "\"bad \\u12g4 escape\"") + "]",
            "[" + ok.replace("\"hi\"", "\"unterminated") + "]",
            "[" + ok.replace("\"text\"", "text") + "]",
            "[" + ok.replace(", \"from\"", " \"from\"") + "]",
            "[" + ok.replace("\"hi\"", "\"hi\" /* comment */") + "]",
            "[" + ok.replace("\"hi\"", "[1 2]") + "]",
            "[" + ok.replace("\"hi\"", "{\"a\" 1}") + "]",
            "[" + ok + "",
            "[" + ok.replace("}", "") + "]",
            "[{}]",
            "[" + ok.replace("\"from\": \"A\", ", "\"text_entities\": [\"plain\"], ") + "]",
            "[" + ok.replace("\"1700000000\"", "12345678901234567890123") + "]",
            // An entity text that starts as a copy of the text but is not one is still checked.
            "[" + ok.replace("\"hi\"", "\"hi\", \"text_entities\": [{\"type\": \"plain\", \"text\": \"hi\tx\"}]") + "]",
            "[" + ok.replace("\"hi\"", "\"hi\", \"text_entities\": [{\"type\": \"plain\", \"text\": \"hi") + "]",
            "[" + ok.replace("\"hi\"", "\"hi\", \"text_entities\": [{\"type\": \"plain\", \"text\": \"hi\"\"}]") + "]",
        };
        for (String text : broken) {
            byte[] block = text.getBytes(StandardCharsets.UTF_8);
            assertThat(jackson(block, ReadOptions.DEFAULTS))
                    .as("Jackson rejects %s", text)
                    .isNull();
            assertThat(scanner(block, ReadOptions.DEFAULTS))
                    .as("scanner gives up %s", text)
                    .isNull();
        }
        byte[] okBlock = block(ok);
        for (byte[] bad : new byte[][] {{(byte) 0xC3}, {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0x80}}) {
            byte[] block = Arrays.copyOf(okBlock, okBlock.length + bad.length);
            int at = indexOf(okBlock, "hi".getBytes(StandardCharsets.US_ASCII));
            System.arraycopy(okBlock, at, block, at + bad.length, okBlock.length - at);
            System.arraycopy(bad, 0, block, at, bad.length);
            assertThat(jackson(block, ReadOptions.DEFAULTS))
                    .as("Jackson rejects bad UTF-8")
                    .isNull();
            assertThat(scanner(block, ReadOptions.DEFAULTS))
                    .as("scanner gives up bad UTF-8")
                    .isNull();
        }
    }

    @Test
    void whateverTheScannerAcceptsJacksonReadsTheSame() throws IOException {
        byte[] fixture = messagesArray(resource("telegram/single_chat.json"));
        Random random = new Random(5);
        byte[] alphabet = "{}[]\",:\\ntfu0123456789.eE+- \n\t".getBytes(StandardCharsets.US_ASCII);
        int accepted = 0;
        for (int round = 0; round < 3000; round++) {
            byte[] block = fixture.clone();
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(block.length);
                block[at] =
                        random.nextInt(4) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
            }
            List<Message> scanned = scanner(block, ReadOptions.DEFAULTS);
            String rows = scannerRows(block, ReadOptions.DEFAULTS, OutputOptions.DEFAULTS);
            assertThat(rows == null)
                    .as("round %d: rows and messages accept alike", round)
                    .isEqualTo(scanned == null);
            if (scanned != null) {
                accepted++;
                List<Message> expected = jackson(block, ReadOptions.DEFAULTS);
                assertThat(expected).as("round %d", round).isEqualTo(scanned);
                assertThat(rows).as("round %d", round).isEqualTo(messageRows(expected, OutputOptions.DEFAULTS));
            }
        }
        assertThat(accepted).isGreaterThan(100);
    }

    @Test
    void nameCacheKeepsTwoNamesThatShareASlot() {
        // These two hash to the same slot of the 256; alternating senders must not evict each other.
        byte[] a = "Dmitry Ivanov".getBytes(StandardCharsets.UTF_8);
        byte[] b = "Karim Haddad".getBytes(StandardCharsets.UTF_8);
        BlockScanner.NameCache cache = new BlockScanner.NameCache();
        String first = cache.get(a, 0, a.length, false);
        String second = cache.get(b, 0, b.length, false);
        assertThat(first).isEqualTo("Dmitry Ivanov");
        assertThat(second).isEqualTo("Karim Haddad");
        for (int i = 0; i < 3; i++) {
            assertThat(cache.get(a, 0, a.length, false)).isSameAs(first);
            assertThat(cache.get(b, 0, b.length, false)).isSameAs(second);
        }
    }

    @Test
    void headerReadsAsJacksonReadsIt() throws IOException {
        String[] roots = {
            Files.readString(resource("telegram/single_chat.json")),
            "{\"name\": \"Caf\u00e9 \\\"Q\\\" \\u00e9\", \"type\": \"personal_chat\", \"id\": 42, \"messages\": [\n  {\n}]}",
            " { \"id\" : \"x\" , \"extra\": {\"a\": [1, 2, {\"b\": null}]}, \"name\": null, \"messages\" : [] }",
            "{\"name\": 5, \"type\": true, \"id\": -1.5e3, \"messages\": []}",
            "{\"name\": \"A\", \"name\": \"B\", \"type\": [\"x\"], \"messages\": [",
        };
        for (String root : roots) {
            byte[] bytes = root.getBytes(StandardCharsets.UTF_8);
            BlockScanner.Header expected = ParallelTelegramSource.jacksonHeader(new ByteArrayInputStream(bytes));
            assertThat(expected).as("Jackson reads %s", root).isNotNull();
            assertThat(new BlockScanner(new MessageParser("test", ReadOptions.DEFAULTS)).header(bytes, bytes.length))
                    .isEqualTo(expected);
        }
        String[] givenUp = {
            Files.readString(resource("telegram/full_account.json")),
            "[]",
            "{\"messages\": {}}",
            "{\"name\": \"a\"}",
            "{\"chats\": {\"list\": []}, \"messages\": []}",
            "{\"n\\u0061me\": \"x\", \"messages\": []}",
            "{\"name\": \"a\",, \"messages\": []}",
            "{\"name\": \"a\" \"messages\": []}",
            "\uFEFF{\"messages\": []}",
            "{\"name\": \"unterminated",
        };
        for (String root : givenUp) {
            byte[] bytes = root.getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> new BlockScanner(new MessageParser("test", ReadOptions.DEFAULTS))
                            .header(bytes, bytes.length))
                    .as(root)
                    .isSameAs(BlockScanner.ABANDON);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
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
