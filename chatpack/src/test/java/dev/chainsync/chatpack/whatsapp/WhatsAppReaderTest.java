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
                .containsExactly(
                        "Alice", "Alice", "Bob", "Bob", "+1 (555) 010-0199", "+1 (555) 010-0199", "Alice", "Bob");
        assertThat(contents(all))
                .containsExactly(
                        "Welcome Bob!",
                        "I added the route to the shared folder\nand left the map in the car\n\nsee you Saturday",
                        "[Photo]",
                        "Thanks! Left early, got removed from the other group lol",
                        "[Photo]",
                        "Morning all",
                        "Noon check-in",
                        "This message was deleted.");
        // 10:01:12 PM with a narrow no-break space before PM; month-first because of 1/13/24.
        assertThat(all.getFirst().timestamp()).isEqualTo(Instant.parse("2024-01-09T22:01:12Z"));
        assertThat(all.get(all.size() - 2).timestamp()).isEqualTo(Instant.parse("2024-01-13T12:00:59Z"));
    }

    @Test
    void iosNoticesAreRecognisedByTheirMarkAndTheChatsNameNotTheirWords() {
        List<Message> all = read("whatsapp/ios_us_12h.txt");
        // "Alice added Bob", "created group" carry U+200E and the group's name (the first line's) and are dropped...
        assertThat(contents(all)).noneMatch(c -> c.contains("created group") || c.contains("end-to-end"));
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
    void aPastedLineInTheOtherDateOrderIsTextOfThePreviousMessage() {
        List<Message> all = readText("""
                13/01/2024, 10:00 - Ann: forwarding this:
                12/31/2023, 23:59 - Bob: happy new year
                14/01/2024, 09:00 - Bob: thanks
                """);
        assertThat(contents(all))
                .containsExactly("forwarding this:\n12/31/2023, 23:59 - Bob: happy new year", "thanks");
        assertThat(all.getLast().timestamp()).isEqualTo(Instant.parse("2024-01-14T09:00:00Z"));
    }

    @Test
    void aPastedLineBeforeAnyDecidingLineDoesNotTurnTheOrder() {
        // The pasted month-first line comes first; the chat's own two day-first lines outvote it.
        List<Message> all = readText("""
                01/01/2024, 10:00 - Ann: look:
                12/31/2023, 23:59 - Bob: happy new year
                13/01/2024, 10:00 - Ann: a
                14/01/2024, 10:00 - Bob: b
                """);
        assertThat(contents(all)).containsExactly("look:\n12/31/2023, 23:59 - Bob: happy new year", "a", "b");
        assertThat(all.getFirst().timestamp()).isEqualTo(Instant.parse("2024-01-01T10:00:00Z"));
    }

    @Test
    void aFirstLineInTheOtherOrderHasNoMessageToJoinAndIsAnError() {
        assertThatThrownBy(() -> readText("""
                        12/31/2023, 23:59 - Bob: a
                        13/01/2024, 10:00 - Ann: b
                        14/01/2024, 10:00 - Ann: c
                        """))
                .isInstanceOf(ChatpackException.class)
                .hasMessage("chat.txt: line 1: unknown date format: '12/31/2023, 23:59 - Bob: a' is not a valid "
                        + "day-first date (line 2 shows the file is day-first)");
    }

    @Test
    void pre2017LayoutsWithAColonAfterTheTime() {
        List<Message> us = readText("7/8/12, 3:20:08 PM: ROOT: text\n7/9/12, 9:01:00 AM: Ann: more\nsecond line\n");
        assertThat(senders(us)).containsExactly("ROOT", "Ann");
        assertThat(contents(us)).containsExactly("text", "more\nsecond line");
        assertThat(us.getFirst().timestamp()).isEqualTo(Instant.parse("2012-07-08T15:20:08Z"));
        List<Message> eu = readText("08/10/13 14:07:41: ROOT: text\n25/10/13 08:00:00: Ann: hi\n");
        assertThat(contents(eu)).containsExactly("text", "hi");
        assertThat(eu.getFirst().timestamp()).isEqualTo(Instant.parse("2013-10-08T14:07:41Z"));
    }

    @Test
    void aDotAfterTheTime() {
        List<Message> all = readText("2022/12/14, 13:34. - John Doe: text\n2022/12/14, 13:35. - Jane: ok\n");
        assertThat(senders(all)).containsExactly("John Doe", "Jane");
        assertThat(all.getFirst().timestamp()).isEqualTo(Instant.parse("2022-12-14T13:34:00Z"));
    }

    @Test
    void iosMediaMarkersInOtherLanguagesArePlaceholders() {
        List<Message> all = readText("""
                \u200E[13-01-2024, 18:55:38] Anna: \u200Eafbeelding weggelaten
                [13-01-2024, 18:56:00] Bert: \u200EBild weggelassen
                [13-01-2024, 18:57:00] Anna: \u200Evideo omitido
                [13-01-2024, 18:58:00] Bert: \u200Eизображение отсутствует
                """);
        assertThat(contents(all)).containsExactly("[Photo]", "[Photo]", "[Video]", "[Photo]");
    }

    @Test
    void androidMediaMarkerInOtherLanguages() {
        List<Message> all = readText(
                "13/01/2024, 18:55 - Anna: <Media weggelaten>\n13/01/2024, 18:56 - Bert: <Multimedia omitido>\n");
        assertThat(contents(all)).containsExactly("[Media]", "[Media]");
    }

    @Test
    void iosMarkedLinesFromAPersonAreKeptOnlyTheChatsOwnNoticesAreDropped() {
        List<Message> all = readText("""
                [13/01/2024, 18:00:00] Hikers: \u200EMessages and calls are end-to-end encrypted.
                [13/01/2024, 18:00:01] Hikers: \u200EAnna added Bert
                [13/01/2024, 18:55:38] Anna: \u200Eimage
                [13/01/2024, 18:56:00] Bert: \u200EThis message was deleted.
                [13/01/2024, 18:57:00] Anna: hi
                """);
        assertThat(senders(all)).containsExactly("Anna", "Bert", "Anna");
        assertThat(contents(all)).containsExactly("image", "This message was deleted.", "hi");
    }

    @Test
    void serviceKeepsNoticesOfBothLayouts() {
        ReadOptions service = new ReadOptions(true, true, null);
        List<Message> android = readAll(Platform.WHATSAPP, service, text("a.txt", """
                15/01/2024, 10:30 - Alice added Bob
                15/01/2024, 10:31 - Bob: hi
                """));
        assertThat(senders(android)).containsExactly("", "Bob");
        assertThat(contents(android)).containsExactly("[Service] Alice added Bob", "hi");
        List<Message> ios = readAll(Platform.WHATSAPP, service, text("i.txt", """
                [15/01/2024, 10:30:00] Hikers: \u200EAlice added Bob
                [15/01/2024, 10:31:00] Bob: hi
                """));
        assertThat(senders(ios)).containsExactly("Hikers", "Bob");
        assertThat(contents(ios)).containsExactly("[Service] Alice added Bob", "hi");
    }

    @Test
    void anEmptyFileIsAnEmptyChat() {
        assertThat(readText("")).isEmpty();
        assertThat(readText("\n\n")).isEmpty();
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
