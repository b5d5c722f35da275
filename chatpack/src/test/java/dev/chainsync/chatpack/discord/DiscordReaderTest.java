package dev.chainsync.chatpack.discord;

import static dev.chainsync.chatpack.Fixtures.contents;
import static dev.chainsync.chatpack.Fixtures.convert;
import static dev.chainsync.chatpack.Fixtures.input;
import static dev.chainsync.chatpack.Fixtures.readAll;
import static dev.chainsync.chatpack.Fixtures.senders;
import static dev.chainsync.chatpack.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.ConvertOptions;
import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.OutputFormat;
import dev.chainsync.chatpack.Platform;
import dev.chainsync.chatpack.ReadOptions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscordReaderTest {

    private static List<Message> json() {
        return readAll(Platform.DISCORD, input("discord/export.json"));
    }

    @Test
    void systemMessagesAreSkipped() {
        assertThat(contents(json())).doesNotContain("Joined the server.", "Pinned a message.", "Started a thread.");
        assertThat(json()).hasSize(6);
    }

    @Test
    void serviceKeepsSystemMessages() {
        List<Message> all = readAll(Platform.DISCORD, new ReadOptions(true, true, null), input("discord/export.json"));
        assertThat(all).hasSizeGreaterThan(6);
        assertThat(contents(all)).anyMatch(c -> c.startsWith("[Service: ") && c.endsWith("Joined the server."));
    }

    @Test
    void nicknameWinsOverNameAndEmptyNicknameFallsBack() {
        assertThat(senders(json())).containsExactly("Ana", "rajesh", "rajesh", "kai", "Ana", "rajesh");
    }

    @Test
    void bracesInsideTextDoNotConfuseTheParser() {
        assertThat(json().getFirst().content()).isEqualTo("fn main() { println!(\"{}\", x); } // braces {{ }}");
    }

    @Test
    void attachmentsStickersAndEmbedsBecomePlaceholders() {
        List<String> texts = contents(json());
        assertThat(texts).contains("[Attachment: screenshot.png]", "[Sticker: Wave]", "[Embed: The Rust Book]");
    }

    @Test
    void forwardedContentIsUsedAndMarked() {
        assertThat(contents(json())).contains("[Forwarded] Release 1.75 is out");
        // A forward's reference is not a reply.
        assertThat(json().get(4).replyTo()).isNull();
    }

    @Test
    void idsRepliesAndTimesAreExact() {
        List<Message> all = json();
        assertThat(all.getFirst().id()).isEqualTo("1195024419021373441");
        assertThat(all.get(1).replyTo()).isEqualTo("1195024419021373441");
        assertThat(all.get(1).timestamp()).isEqualTo(Instant.parse("2024-01-10T07:06:30Z"));
        assertThat(all.getFirst().edited()).isEqualTo(Instant.parse("2024-01-10T08:06:00Z"));
    }

    @Test
    void snowflakesAreStringsInJsonOutput() {
        String out = convert(
                Platform.DISCORD,
                ConvertOptions.builder()
                        .format(OutputFormat.JSONL)
                        .ids(true)
                        .replies(true)
                        .merge(false)
                        .build(),
                input("discord/export.json"));
        // 1195024419021373441 > 2^53: as a JSON number it would be read back as ...373440 by JavaScript.
        assertThat(out)
                .contains("\"id\":\"1195024419021373441\"")
                .contains("\"reply_to\":\"1195024419021373441\"")
                .doesNotContain("\"id\":1195");
    }

    @Test
    void noMediaDropsAttachmentOnlyMessages() {
        List<Message> all =
                readAll(Platform.DISCORD, new ReadOptions(false, false, null), input("discord/export.json"));
        assertThat(contents(all))
                .noneMatch(c -> c.startsWith("[Attachment") || c.startsWith("[Sticker") || c.startsWith("[Embed"));
    }

    @Test
    void plainTextExport() {
        List<Message> all = readAll(Platform.DISCORD, input("discord/export.txt"));
        assertThat(senders(all)).containsExactly("ana_dev", "rajesh", "rajesh", "ana_dev");
        assertThat(contents(all))
                .containsExactly(
                        "fn main() { println!(\"hi\"); }",
                        "needs a semicolon\n\nand a newline",
                        "[Attachment: screenshot.png]",
                        "[see above] thanks");
        assertThat(all.getFirst().timestamp()).isEqualTo(Instant.parse("2024-01-10T08:05:00Z"));
        assertThat(all.getLast().timestamp()).isEqualTo(Instant.parse("2024-01-10T13:15:00Z"));
    }

    @Test
    void csvExport() {
        List<Message> all = readAll(Platform.DISCORD, input("discord/export.csv"));
        assertThat(senders(all)).containsExactly("ana_dev", "rajesh");
        assertThat(contents(all))
                .containsExactly("hello, \"world\"", "[Attachment: a.png] [Attachment: b.txt] two\nlines");
        assertThat(all.get(1).timestamp()).isEqualTo(Instant.parse("2024-01-10T08:06:00Z"));
    }

    @Test
    void oldDefaultAndEuropeanTextDatesParse() {
        String txt = """
                ==============================================================
                Guild: G
                Channel: c
                ==============================================================

                [15-Jan-24 10:30 PM] ann
                hello

                [16.01.2024 07:05] ben
                morning

                """;
        List<Message> all = readAll(Platform.DISCORD, text("old.txt", txt));
        assertThat(all)
                .extracting(Message::timestamp)
                .containsExactly(Instant.parse("2024-01-15T22:30:00Z"), Instant.parse("2024-01-16T07:05:00Z"));
    }

    @Test
    void unknownTextDateFormatNamesFileAndLine() {
        String txt = """
                ==============================================================
                Guild: G
                Channel: c
                ==============================================================

                [2024年1月15日 10:30] ann
                hello
                """;
        assertThatThrownBy(() -> readAll(Platform.DISCORD, text("cn.txt", txt)))
                .isInstanceOf(ChatpackException.class)
                .hasMessage("cn.txt: line 6: unknown date format '2024年1月15日 10:30'");
    }

    @Test
    void the2019CsvLayoutWithSemicolons() {
        List<Message> all = readAll(Platform.DISCORD, input("real/discord_dce_2019.csv"));
        assertThat(senders(all)).containsExactly("pixel#4821", "Nox#0007", "Nox#0007", "pixel#4821");
        assertThat(contents(all))
                .containsExactly(
                        "anyone up for a raid tonight?",
                        "sure; after 9",
                        "[Attachment: loadout.png]",
                        "ok \"Nox\", see you\nat the usual place");
        assertThat(all.getFirst().timestamp()).isEqualTo(Instant.parse("2019-12-05T00:31:00Z"));
    }

    @Test
    void textExportWithoutItsGuildBlockOrEmpty() {
        List<Message> all = readAll(
                Platform.DISCORD,
                text("d.txt", "\uFEFF[1/15/2024 10:30 AM] alice\nHello world\n[1/15/2024 14:31] bob\nHi there\n"));
        assertThat(senders(all)).containsExactly("alice", "bob");
        assertThat(contents(all)).containsExactly("Hello world", "Hi there");
        assertThat(all.getLast().timestamp()).isEqualTo(Instant.parse("2024-01-15T14:31:00Z"));
        assertThat(readAll(Platform.DISCORD, text("empty.txt", ""))).isEmpty();
        assertThat(readAll(Platform.DISCORD, text("blank.txt", "\n\n"))).isEmpty();
    }

    @Test
    void aTwentyFourHourTimeWithAMonthFirstDate() {
        assertThat(DiscordDates.parse("1/15/2024 14:30")).isEqualTo(Instant.parse("2024-01-15T14:30:00Z"));
        // Day-first stays the reading of a 24-hour slash date both orders allow.
        assertThat(DiscordDates.parse("2/1/2024 14:30")).isEqualTo(Instant.parse("2024-01-02T14:30:00Z"));
    }

    @Test
    void aNonNumericIdIsNoIdAsInTheOriginal() {
        String json = """
                {"messages":[{"id":"abc","type":"Default","timestamp":"2024-01-01T00:00:00+00:00",
                "content":"hi","author":{"name":"ann"},"reference":{"messageId":"x1"}}]}
                """;
        Message m = readAll(Platform.DISCORD, text("d.json", json)).getFirst();
        assertThat(m.id()).isNull();
        assertThat(m.replyTo()).isNull();
        assertThat(convert(Platform.DISCORD, ConvertOptions.builder().ids(true).build(), text("d.json", json)))
                .isEqualTo("ID;Sender;Content\n;ann;hi\n");
    }

    @Test
    void unknownCsvDateFormatNamesFileAndLine() {
        String csv = "AuthorID,Author,Date,Content,Attachments,Reactions\n\"1\",\"a\",\"yesterday\",\"x\",\"\",\"\"\n";
        assertThatThrownBy(() -> readAll(Platform.DISCORD, text("d.csv", csv)))
                .isInstanceOf(ChatpackException.class)
                .hasMessage("d.csv: line 2: unknown date format 'yesterday'");
    }

    @Test
    void otherPlatformsFilesAreRejected() {
        assertThatThrownBy(() -> readAll(Platform.DISCORD, input("telegram/single_chat.json")))
                .isInstanceOf(ChatpackException.class)
                .hasMessageContaining("not a Discord message");
        assertThatThrownBy(() -> readAll(Platform.DISCORD, input("whatsapp/android_us_12h.txt")))
                .isInstanceOf(ChatpackException.class)
                .hasMessageContaining("android_us_12h.txt: line 1: not a DiscordChatExporter export");
    }

    @Test
    void truncatedJsonNamesPosition() {
        assertThatThrownBy(
                        () -> readAll(
                                Platform.DISCORD,
                                text(
                                        "d.json",
                                        "{\"messages\":[{\"id\":\"1\",\"type\":\"Default\",\"timestamp\":\"2024-01-01T00:00:00+00:00\",\"content\":\"a {")))
                .isInstanceOf(ChatpackException.class)
                .hasMessageStartingWith("d.json: line 1, column ")
                .hasMessageContaining("truncated JSON");
    }

    @Test
    void aLineOfEqualsSignsInsideAMessageIsContentNotTheFooter() {
        String txt = """
                ==============================================================
                Guild: Test
                Channel: general
                ==============================================================

                [1/15/2024 10:30 AM] alice
                Results:
                ====================
                all green

                [1/15/2024 10:31 AM] bob
                great
                ==========

                ==============================================================
                Exported 1,002 message(s)
                ==============================================================
                """;
        List<Message> all = readAll(Platform.DISCORD, text("export.txt", txt));
        assertThat(senders(all)).containsExactly("alice", "bob");
        assertThat(all.getFirst().content()).isEqualTo("Results:\n====================\nall green");
        assertThat(all.getLast().content()).isEqualTo("great\n==========");
    }
}
