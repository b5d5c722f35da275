package dev.chainsync.chatpack.instagram;

import static dev.chainsync.chatpack.Fixtures.contents;
import static dev.chainsync.chatpack.Fixtures.input;
import static dev.chainsync.chatpack.Fixtures.readAll;
import static dev.chainsync.chatpack.Fixtures.senders;
import static dev.chainsync.chatpack.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.ChatpackException;
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

class InstagramReaderTest {

    private static final Instant BASE = Instant.ofEpochMilli(1705314600000L);

    private static List<Message> both() {
        // Given newest part first, as a shell glob of message_*.json would.
        return readAll(Platform.INSTAGRAM, input("instagram/message_1.json"), input("instagram/message_2.json"));
    }

    @Test
    void partsAreMergedOldestFirst() {
        List<Message> all = both();
        assertThat(all).extracting(Message::timestamp).isSorted();
        assertThat(all.getFirst().timestamp()).isEqualTo(BASE);
        assertThat(all.getLast().timestamp()).isEqualTo(BASE.plusSeconds(480));
    }

    @Test
    void partOrderOnTheCommandLineDoesNotMatter() {
        List<Message> reversed =
                readAll(Platform.INSTAGRAM, input("instagram/message_2.json"), input("instagram/message_1.json"));
        assertThat(reversed).isEqualTo(both());
    }

    @Test
    void mojibakeIsRepairedInNamesAndText() {
        List<Message> all = both();
        assertThat(senders(all)).contains("Даша").doesNotContain("Ð\u0094Ð°Ñ\u0088Ð°");
        assertThat(contents(all)).contains("Привет! Как дела?", "Смотри, что нашла");
    }

    @Test
    void genuineLatin1IsKept() {
        assertThat(contents(both()).getFirst()).isEqualTo("café tonight?");
    }

    @Test
    void noticesAndUnsentMessagesAreDropped() {
        List<String> texts = contents(both());
        assertThat(texts)
                .noneMatch(c -> c.startsWith("Reacted ") || c.contains("sent an attachment") || c.equals("oops"));
        // A real message that merely mentions reacting stays.
        assertThat(texts).contains("Looks great, reacted to your message earlier");
    }

    @Test
    void shareBoilerplateAndRepeatedLinksAreDroppedJoinNoticesFollowTheServiceRule() {
        List<Message> all = readAll(Platform.INSTAGRAM, input("real/instagram_group_2024.json"));
        assertThat(contents(all))
                .containsExactly(
                        "Welcome 🎉",
                        "[Attachment]",
                        "[Share: https://www.instagram.com/p/C7abc/]",
                        "[Share: https://www.instagram.com/reel/C7xyz/] Sunset timelapse");
        List<Message> withNotices =
                readAll(Platform.INSTAGRAM, new ReadOptions(true, true, null), input("real/instagram_group_2024.json"));
        assertThat(contents(withNotices))
                .contains("[Service] Liked a message", "[Service] Lena Ortiz added Sam to the group.")
                .hasSize(6);
        // --no-media: shares without words of their own go, and so does the stand-in for a lost attachment.
        assertThat(contents(readAll(
                        Platform.INSTAGRAM,
                        new ReadOptions(false, false, null),
                        input("real/instagram_group_2024.json"))))
                .containsExactly("Welcome 🎉");
    }

    @Test
    void sharesAndPhotosBecomePlaceholders() {
        List<String> texts = contents(both());
        assertThat(texts).contains("[Share: https://www.instagram.com/p/C2abc/] Закат над заливом 🌅", "[Photo]");
        assertThat(texts)
                .containsExactly(
                        "café tonight?",
                        "Привет! Как дела?",
                        "[Share: https://www.instagram.com/p/C2abc/] Закат над заливом 🌅",
                        "Looks great, reacted to your message earlier",
                        "Смотри, что нашла",
                        "[Photo]");
    }

    @Test
    void noMediaDropsPhotoOnlyMessages() {
        List<Message> all = readAll(
                Platform.INSTAGRAM,
                new ReadOptions(false, false, null),
                input("instagram/message_1.json"),
                input("instagram/message_2.json"));
        assertThat(contents(all)).doesNotContain("[Photo]").noneMatch(c -> c.startsWith("[Share"));
    }

    @Test
    void unsortedPartsAreSortedStably(@TempDir Path dir) throws IOException {
        // Not newest-first: forces the index sort. Equal times keep export order reversed (older first).
        Path f = dir.resolve("message_1.json");
        Files.writeString(f, """
                {"participants":[{"name":"A"}],"messages":[
                 {"sender_name":"A","timestamp_ms":3000,"content":"third"},
                 {"sender_name":"B","timestamp_ms":1000,"content":"first"},
                 {"sender_name":"A","timestamp_ms":5000,"content":"last"},
                 {"sender_name":"B","timestamp_ms":2000,"content":"second-b"},
                 {"sender_name":"A","timestamp_ms":2000,"content":"second-a"}]}""");
        assertThat(contents(readAll(Platform.INSTAGRAM, ChatInput.of(f))))
                .containsExactly("first", "second-a", "second-b", "third", "last");
    }

    @Test
    void stdinIsSpooledAndRead() {
        String json = """
                {"participants":[],"messages":[
                 {"sender_name":"A","timestamp_ms":2000,"content":"later"},
                 {"sender_name":"B","timestamp_ms":1000,"content":"earlier"}]}""";
        assertThat(contents(readAll(Platform.INSTAGRAM, text("<stdin>", json)))).containsExactly("earlier", "later");
    }

    @Test
    void telegramFileIsNotInstagram() {
        assertThatThrownBy(() -> readAll(Platform.INSTAGRAM, input("telegram/single_chat.json")))
                .isInstanceOf(ChatpackException.class)
                .hasMessageContaining("single_chat.json: line ")
                .hasMessageContaining("not an Instagram message");
    }

    @Test
    void truncatedPartNamesFileAndPosition() {
        assertThatThrownBy(() -> readAll(
                        Platform.INSTAGRAM,
                        text(
                                "message_3.json",
                                "{\"messages\": [{\"sender_name\": \"A\", \"timestamp_ms\": 1, \"content\": \"x")))
                .isInstanceOf(ChatpackException.class)
                .hasMessageStartingWith("message_3.json: line 1, column ")
                .hasMessageContaining("truncated JSON");
    }
}
