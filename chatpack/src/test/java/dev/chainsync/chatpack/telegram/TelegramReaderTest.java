package dev.chainsync.chatpack.telegram;

import static dev.chainsync.chatpack.Fixtures.contents;
import static dev.chainsync.chatpack.Fixtures.convert;
import static dev.chainsync.chatpack.Fixtures.input;
import static dev.chainsync.chatpack.Fixtures.readAll;
import static dev.chainsync.chatpack.Fixtures.resource;
import static dev.chainsync.chatpack.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.ConvertOptions;
import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.Platform;
import dev.chainsync.chatpack.ReadOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelegramReaderTest {

    private static final String SINGLE = "telegram/single_chat.json";
    private static final String FULL = "telegram/full_account.json";

    private static Message byId(List<Message> messages, String id) {
        return messages.stream().filter(m -> id.equals(m.id())).findFirst().orElseThrow();
    }

    @Test
    void plainTextMessageKeepsSenderTimeAndId() {
        Message m = byId(readAll(Platform.TELEGRAM, input(SINGLE)), "102");
        assertThat(m.sender()).isEqualTo("Alice Martin");
        assertThat(m.content()).isEqualTo("Morning! Trail report for Saturday:");
        // date_unixtime is the truth; "date" is local time without a zone.
        assertThat(m.timestamp()).isEqualTo(Instant.parse("2024-01-15T10:30:00Z"));
        assertThat(m.chat()).isNull();
    }

    @Test
    void entityArrayIsFlattenedAndLinkTargetsKept() {
        Message m = byId(readAll(Platform.TELEGRAM, input(SINGLE)), "103");
        assertThat(m.content())
                .isEqualTo("Conditions are on the park site (https://parks.example.org/trails/ridge), "
                        + "and bring spikes \u2014 see https://weather.example.com");
    }

    @Test
    void replyAndEditAreRead() {
        Message m = byId(readAll(Platform.TELEGRAM, input(SINGLE)), "104");
        assertThat(m.replyTo()).isEqualTo("102");
        assertThat(m.edited()).isEqualTo(Instant.ofEpochSecond(1705314960));
        assertThat(m.content()).isEqualTo("I'm in; \"Ridge loop\" again?");
    }

    @Test
    void serviceMessagesAreSkippedByDefault() {
        List<Message> all = readAll(Platform.TELEGRAM, input(SINGLE));
        assertThat(all).extracting(Message::id).doesNotContain("101", "113");
        assertThat(contents(all)).noneMatch(c -> c.contains("create_group"));
    }

    @Test
    void serviceMessagesKeptWhenAsked() {
        List<Message> all = readAll(Platform.TELEGRAM, new ReadOptions(true, true, null), input(SINGLE));
        assertThat(byId(all, "101").content()).isEqualTo("[Service: create_group]");
        assertThat(byId(all, "101").sender()).isEqualTo("Alice Martin");
        assertThat(byId(all, "113").content()).isEqualTo("[Service: pin_message]");
    }

    @Test
    void deletedAccountIsKeptWithPlaceholderName() {
        Message m = byId(readAll(Platform.TELEGRAM, input(SINGLE)), "107");
        assertThat(m.sender()).isEqualTo("Deleted Account");
        assertThat(m.content()).isEqualTo("Can I bring my dog?");
    }

    @Test
    void forwardIsMarked() {
        Message m = byId(readAll(Platform.TELEGRAM, input(SINGLE)), "111");
        assertThat(m.content())
                .isEqualTo("[Forwarded from Mountain Weather Bot] Saturday: snow above 1500 m, wind 40 km/h");
    }

    @Test
    void mediaOnlyMessagesBecomePlaceholders() {
        List<Message> all = readAll(Platform.TELEGRAM, input(SINGLE));
        assertThat(byId(all, "105").content()).isEqualTo("[Photo]");
        assertThat(byId(all, "108").content()).isEqualTo("[Sticker \uD83D\uDE00]");
        assertThat(byId(all, "109").content()).isEqualTo("[Voice message]");
        assertThat(byId(all, "110").content()).isEqualTo("[Poll: Start at 7 or 8?]");
    }

    @Test
    void captionsFollowTheirPlaceholder() {
        List<Message> all = readAll(Platform.TELEGRAM, input(SINGLE));
        assertThat(byId(all, "106").content()).isEqualTo("[Photo] View from the top");
        assertThat(byId(all, "112").content()).isEqualTo("[File: route.gpx] Route {with braces} and [brackets]");
    }

    @Test
    void noMediaDropsMediaOnlyMessagesButKeepsCaptions() {
        List<Message> all = readAll(Platform.TELEGRAM, new ReadOptions(false, false, null), input(SINGLE));
        assertThat(all).extracting(Message::id).doesNotContain("105", "108", "109", "110");
        assertThat(byId(all, "106").content()).isEqualTo("View from the top");
        assertThat(byId(all, "112").content()).isEqualTo("Route {with braces} and [brackets]");
    }

    @Test
    void fullAccountExportReadsEveryChatWithAChatColumn() {
        List<Message> all = readAll(Platform.TELEGRAM, input(FULL));
        assertThat(all)
                .extracting(Message::chat)
                .containsExactly(
                        "Bob Stone", "Bob Stone", "Saved Messages", "Weekend Hikers", "Weekend Hikers", "Old Club");
        assertThat(contents(all)).contains("Lunch?", "remember the spikes", "bye all");
        // Contacts also have a "list" with dates; none of them may turn into messages.
        assertThat(all).extracting(Message::timestamp).doesNotContain(Instant.ofEpochSecond(1682942400));
        String csv = convert(Platform.TELEGRAM, ConvertOptions.DEFAULTS, input(FULL));
        assertThat(csv).startsWith("Chat;Sender;Content\nBob Stone;Bob Stone;Lunch?\n");
        // Merging never crosses chats, even with the same sender on both sides.
        assertThat(csv).contains("Weekend Hikers;Bob Stone;\"Who is driving?\nI can take three\"\n");
    }

    @Test
    void chatOptionPicksOneChatWithoutAChatColumn() {
        List<Message> all = readAll(Platform.TELEGRAM, new ReadOptions(true, false, "weekend hikers"), input(FULL));
        assertThat(contents(all)).containsExactly("Who is driving?", "I can take three");
        assertThat(all).allMatch(m -> m.chat() == null);
        List<Message> byId = readAll(Platform.TELEGRAM, new ReadOptions(true, false, "222"), input(FULL));
        assertThat(contents(byId)).containsExactly("Lunch?", "Sure, 1pm");
    }

    @Test
    void unknownChatIsAnErrorListingTheChats() {
        assertThatThrownBy(() -> readAll(Platform.TELEGRAM, new ReadOptions(true, false, "Nope"), input(FULL)))
                .isInstanceOf(ChatpackException.class)
                .hasMessageContaining("no chat named 'Nope'")
                .hasMessageContaining("'Weekend Hikers'");
    }

    @Test
    void minifiedSingleLineJsonWithBracesInStrings() throws IOException {
        String minified = Files.readString(resource(SINGLE)).replaceAll("\\n\\s*", "");
        assertThat(minified).doesNotContain("\n");
        List<Message> pretty = readAll(Platform.TELEGRAM, input(SINGLE));
        List<Message> flat = readAll(Platform.TELEGRAM, text("min.json", minified));
        assertThat(flat).isEqualTo(pretty);
    }

    @Test
    void dateWithoutUnixTimeIsReadAsUtc() {
        String old = """
                {"name":"Old","type":"personal_chat","id":1,"messages":[
                 {"id":1,"type":"message","date":"2019-05-01T18:20:00","from":"Ann","text":"hi"}]}""";
        Message m = readAll(Platform.TELEGRAM, text("old.json", old)).getFirst();
        assertThat(m.timestamp()).isEqualTo(Instant.parse("2019-05-01T18:20:00Z"));
    }

    @Test
    void truncatedJsonNamesFileAndPosition() throws IOException {
        String whole = Files.readString(resource(SINGLE));
        String cut = whole.substring(0, whole.indexOf("View from the top"));
        assertThatThrownBy(() -> readAll(Platform.TELEGRAM, text("cut.json", cut)))
                .isInstanceOf(ChatpackException.class)
                .hasMessageStartingWith("cut.json: line ")
                .hasMessageContaining("truncated JSON");
    }

    @Test
    void instagramFileIsRejectedAsNotTelegram() {
        assertThatThrownBy(() -> readAll(Platform.TELEGRAM, input("instagram/message_1.json")))
                .isInstanceOf(ChatpackException.class)
                .message()
                .matches(".*/message_1\\.json: line \\d+, column \\d+: not a Telegram message .*");
    }

    @Test
    void whatsAppTextIsRejectedAsNotJson() {
        assertThatThrownBy(() -> readAll(Platform.TELEGRAM, input("whatsapp/android_us_12h.txt")))
                .isInstanceOf(ChatpackException.class)
                .hasMessageContaining("android_us_12h.txt: line 1, column ");
    }

    @Test
    void objectWithoutMessagesIsNotAnExport() {
        assertThatThrownBy(() -> readAll(Platform.TELEGRAM, text("x.json", "{\"a\": [1, 2]}")))
                .isInstanceOf(ChatpackException.class)
                .hasMessage("x.json: not a Telegram export: no \"messages\" or \"chats\" found "
                        + "(is this another platform's file?)");
    }

    @Test
    void severalInputsAreReadInOrder(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        Files.writeString(
                a,
                "{\"messages\":[{\"id\":1,\"type\":\"message\",\"date_unixtime\":\"10\",\"from\":\"A\",\"text\":\"one\"}]}");
        Files.writeString(
                b,
                "{\"messages\":[{\"id\":2,\"type\":\"message\",\"date_unixtime\":\"20\",\"from\":\"B\",\"text\":\"two\"}]}");
        assertThat(contents(readAll(Platform.TELEGRAM, ChatInput.of(a), ChatInput.of(b))))
                .containsExactly("one", "two");
    }

    private static final String MIXED_TIMES = """
            {
             "name": "Mixed",
             "type": "personal_chat",
             "id": 1,
             "messages": [
              {
               "id": 1,
               "type": "message",
               "date": "2024-01-15T10:30:00",
               "date_unixtime": "1705314600",
               "from": "Alice",
               "text": "with both"
              },
              {
               "id": 2,
               "type": "message",
               "date": "2024-01-15T10:31:00",
               "from": "Bob",
               "text": "date only"
              }
             ]
            }
            """;

    @Test
    void aMessageWithOnlyADateKeepsItsTimeAfterMessagesWithUnixTimes() {
        List<Message> all = readAll(Platform.TELEGRAM, text("result.json", MIXED_TIMES));
        assertThat(all).extracting(Message::timestamp).doesNotContainNull();
        assertThat(all.getLast().timestamp()).isAfter(all.getFirst().timestamp());
    }

    @Test
    void aUnixTimeNoInstantCanHoldIsAnErrorWithItsPosition() {
        String bad = MIXED_TIMES.replace("\"1705314600\"", "\"999999999999999999\"");
        assertThatThrownBy(() -> readAll(Platform.TELEGRAM, text("result.json", bad)))
                .isInstanceOf(ChatpackException.class)
                .hasMessageContaining("result.json")
                .hasMessageContaining("date_unixtime")
                .hasMessageContaining("out of range");
    }
}
