package dev.chainsync.chatpack.whatsapp;

import static dev.chainsync.chatpack.Fixtures.contents;
import static dev.chainsync.chatpack.Fixtures.input;
import static dev.chainsync.chatpack.Fixtures.readAll;
import static dev.chainsync.chatpack.Fixtures.senders;
import static dev.chainsync.chatpack.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.Platform;
import dev.chainsync.chatpack.ReadOptions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WhatsAppReaderTest {

    private static List<Message> read(String resource) {
        return readAll(Platform.WHATSAPP, input(resource));
    }

    private static List<Message> readText(String content) {
        return readAll(Platform.WHATSAPP, text("chat.txt", content));
    }

    @Test
    void iosUs12hourExport() {
        List<Message> all = read("whatsapp/ios_us_12h.txt");
        assertThat(senders(all))
                .containsExactly("Alice", "Alice", "Bob", "Bob", "+1 (555) 010-0199", "+1 (555) 010-0199", "Alice");
        assertThat(contents(all))
                .containsExactly(
                        "Welcome Bob!",
                        "I added the route to the shared folder\nand left the map in the car\n\nsee you Saturday",
                        "[Photo]",
                        "Thanks! Left early, got removed from the other group lol",
                        "[Photo]",
                        "Morning all",
                        "Noon check-in");
        // 10:01:12 PM with a narrow no-break space before PM; month-first because of 1/13/24.
        assertThat(all.getFirst().timestamp()).isEqualTo(Instant.parse("2024-01-09T22:01:12Z"));
        assertThat(all.getLast().timestamp()).isEqualTo(Instant.parse("2024-01-13T12:00:59Z"));
    }

    @Test
    void iosNoticesAreRecognisedByTheirMarkNotTheirWords() {
        List<Message> all = read("whatsapp/ios_us_12h.txt");
        // "Alice added Bob", "created group", "This message was deleted." carry U+200E and are dropped...
        assertThat(contents(all))
                .noneMatch(c -> c.contains("created group") || c.contains("end-to-end") || c.contains("was deleted"));
        // ...while real messages saying "added", "left", "removed" stay.
        assertThat(contents(all))
                .anyMatch(c -> c.startsWith("I added the route"))
                .anyMatch(c -> c.contains("Left early, got removed"));
    }

    @Test
    void androidDayFirstInferredFromALaterLine() {
        List<Message> all = read("whatsapp/android_24h_dayfirst.txt");
        // 03/02/2024 is ambiguous; 17/02/2024 on the last line settles day-first for the whole file.
        assertThat(all.getFirst().timestamp()).isEqualTo(Instant.parse("2024-02-03T09:15:00Z"));
        assertThat(all.getLast().timestamp()).isEqualTo(Instant.parse("2024-02-17T18:30:00Z"));
    }

    @Test
    void androidSystemLinesHaveNoSenderAndAreDropped() {
        List<Message> all = read("whatsapp/android_24h_dayfirst.txt");
        assertThat(senders(all)).containsOnly("Olga", "Pierre");
        assertThat(contents(all))
                .containsExactly(
                        "Bonjour! First book: \"Les Misérables\"",
                        "[Media]",
                        "[Photo] My copy, slightly used",
                        "Pierre left the book at my place: added it to the shelf",
                        "Meeting moved to the 17th");
        // "Pierre left" is a notice (no "Name:"), never appended to the previous message.
        assertThat(contents(all)).noneMatch(c -> c.endsWith("Pierre left"));
    }

    @Test
    void androidNoticeQuotingAColonIsStillANotice() {
        List<Message> all = read("whatsapp/android_24h_dayfirst.txt");
        assertThat(contents(all)).noneMatch(c -> c.contains("Book Club"));
    }

    @Test
    void android12hourUsExport() {
        List<Message> all = read("whatsapp/android_us_12h.txt");
        assertThat(senders(all)).containsExactly("Sam", "Kim", "Kim", "Sam");
        assertThat(contents(all))
                .containsExactly("Are we still on for 12:30?", "Yes", "Running 5 min late", "[Voice message]");
        assertThat(all.get(2).timestamp()).isEqualTo(Instant.parse("2024-01-15T12:05:00Z"));
        assertThat(all.get(3).timestamp()).isEqualTo(Instant.parse("2024-01-16T00:45:00Z"));
    }

    @Test
    void dayFirstSlashDatesAreNotMisreadAsMonthFirst() {
        List<Message> all = readText("[15/01/2024, 10:30:00] Ann: hi\n[16/01/2024, 09:00:00] Ben: yo\n");
        assertThat(all.getFirst().timestamp()).isEqualTo(Instant.parse("2024-01-15T10:30:00Z"));
    }

    @Test
    void ambiguousDatesResolvedByChronologicalOrder() {
        // Month-first would go 1 Feb -> 1 Mar -> 2 Feb (backwards); day-first goes 2 Jan -> 3 Jan -> 2 Feb.
        List<Message> all = readText("""
                02/01/2024, 10:00 - Ann: one
                03/01/2024, 10:00 - Ann: two
                02/02/2024, 10:00 - Ann: three
                """);
        assertThat(all)
                .extracting(Message::timestamp)
                .containsExactly(
                        Instant.parse("2024-01-02T10:00:00Z"),
                        Instant.parse("2024-01-03T10:00:00Z"),
                        Instant.parse("2024-02-02T10:00:00Z"));
    }

    @Test
    void fullyAmbiguousTwelveHourFileDefaultsToMonthFirst() {
        List<Message> all = readText("1/2/24, 9:00 AM - Ann: hi\n");
        assertThat(all.getFirst().timestamp()).isEqualTo(Instant.parse("2024-01-02T09:00:00Z"));
    }

    @Test
    void dottedSecondsAndYearFirstAndOneDigitDates() {
        assertThat(readText("[15.01.24, 12.00.00] Ann: noon\n").getFirst().timestamp())
                .isEqualTo(Instant.parse("2024-01-15T12:00:00Z"));
        assertThat(readText("2019-01-02, 10:30 - Ann: iso\n").getFirst().timestamp())
                .isEqualTo(Instant.parse("2019-01-02T10:30:00Z"));
        assertThat(readText("1.1.2019, 10:30 - Ann: short\n").getFirst().timestamp())
                .isEqualTo(Instant.parse("2019-01-01T10:30:00Z"));
    }

    @Test
    void noMediaDropsMediaMessagesKeepsCaptions() {
        List<Message> all = readAll(
                Platform.WHATSAPP, new ReadOptions(false, false, null), input("whatsapp/android_24h_dayfirst.txt"));
        assertThat(contents(all)).doesNotContain("[Media]").contains("My copy, slightly used");
    }

    @Test
    void mixedDateOrdersAreAnUnknownFormat() {
        assertThatThrownBy(() -> readText("13/01/2024, 10:00 - Ann: a\n01/13/2024, 10:00 - Ann: b\n"))
                .isInstanceOf(ChatpackException.class)
                .hasMessage("chat.txt: line 2: unknown date format: '01/13/2024, 10:00 - Ann: b' is not a valid "
                        + "day-first date (line 1 shows the file is day-first)");
    }

    @Test
    void unrecognisedFirstLineNamesFileAndLine() {
        assertThatThrownBy(() -> readText("\n2024/15/01 10:30 Ann: hi\n"))
                .isInstanceOf(ChatpackException.class)
                .hasMessageStartingWith("chat.txt: line 2: not a WhatsApp message line (unknown date format");
    }

    @Test
    void jsonIsNotWhatsApp() {
        assertThatThrownBy(() -> read("telegram/single_chat.json"))
                .isInstanceOf(ChatpackException.class)
                .hasMessageContaining("single_chat.json: line 1: not a WhatsApp message line");
    }

    @Test
    void impossibleDateIsReported() {
        assertThatThrownBy(() -> readText("31/01/2024, 10:00 - Ann: a\n30/02/2024, 10:00 - Ann: b\n"))
                .isInstanceOf(ChatpackException.class)
                .hasMessageStartingWith("chat.txt: line 2: unknown date format: '30/02/2024, 10:00 - Ann: b' is not "
                        + "a valid day-first date");
    }

    @Test
    void aLineInTheAndroidLayoutInsideAnIosExportIsMessageText() {
        List<Message> all = readAll(Platform.WHATSAPP, text("chat.txt", """
                [15/01/2024, 10:30:45] Alice: Schedule for tomorrow:
                16/01/2024, 09:00 - standup
                see you
                [15/01/2024, 10:31:02] Bob: ok
                """));
        assertThat(contents(all)).containsExactly("Schedule for tomorrow:\n16/01/2024, 09:00 - standup\nsee you", "ok");
    }

    @Test
    void aLineInTheIosLayoutInsideAnAndroidExportIsMessageText() {
        List<Message> all = readAll(Platform.WHATSAPP, text("chat.txt", """
                15/01/2024, 10:30 - Alice: Plan:
                [16/01/2024, 09:00] standup
                ok
                15/01/2024, 10:31 - Bob: fine
                """));
        assertThat(contents(all)).containsExactly("Plan:\n[16/01/2024, 09:00] standup\nok", "fine");
    }
}
