package dev.chainsync.chatpack;

import static dev.chainsync.chatpack.Fixtures.convert;
import static dev.chainsync.chatpack.Fixtures.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatPackTest {

    private static Message at(String sender, String content, String time) {
        return new Message(null, sender, content, time == null ? null : Instant.parse(time), null, null, null);
    }

    @Test
    void mergeJoinsRunsOfOneSenderKeepingFirstMetadata() {
        Message a1 = new Message(null, "Alice", "Hey", Instant.parse("2024-01-01T10:00:00Z"), "1", null, null);
        Message a2 = new Message(null, "Alice", "How are you?", Instant.parse("2024-01-01T10:01:00Z"), "2", "9", null);
        Message b = new Message(null, "Bob", "Fine", Instant.parse("2024-01-01T10:02:00Z"), "3", null, null);
        Message a3 = new Message(null, "Alice", "Good", Instant.parse("2024-01-01T10:03:00Z"), "4", null, null);
        List<Message> merged =
                Stream.of(a1, a2, b, a3).gather(ChatPack.mergeConsecutive()).toList();
        assertThat(merged)
                .containsExactly(
                        new Message(null, "Alice", "Hey\nHow are you?", a1.timestamp(), "1", null, null), b, a3);
    }

    @Test
    void mergeIsExactOnSenderName() {
        List<Message> merged = Stream.of(Message.of("alice", "a"), Message.of("Alice", "b"))
                .gather(ChatPack.mergeConsecutive())
                .toList();
        assertThat(merged).hasSize(2);
    }

    @Test
    void dateFiltersAreInclusiveUtcDaysAndDropUndatedMessages() {
        FilterOptions f = new FilterOptions(LocalDate.parse("2024-01-15"), LocalDate.parse("2024-01-16"), null);
        List<Message> in = List.of(
                at("A", "too early", "2024-01-14T23:59:59Z"),
                at("A", "first second", "2024-01-15T00:00:00Z"),
                at("A", "last second", "2024-01-16T23:59:59Z"),
                at("A", "too late", "2024-01-17T00:00:00Z"),
                at("A", "undated", null));
        assertThat(in.stream().filter(ChatPack.filter(f)).map(Message::content))
                .containsExactly("first second", "last second");
    }

    @Test
    void fromIsAsciiCaseInsensitiveOnly() {
        FilterOptions f = new FilterOptions(null, null, "ivan petrov");
        assertThat(ChatPack.filter(f).test(Message.of("Ivan PETROV", "x"))).isTrue();
        assertThat(ChatPack.filter(f).test(Message.of("Ivan Petrova", "x"))).isFalse();
        FilterOptions cyr = new FilterOptions(null, null, "иван");
        assertThat(ChatPack.filter(cyr).test(Message.of("иван", "x"))).isTrue();
        assertThat(ChatPack.filter(cyr).test(Message.of("Иван", "x"))).isFalse();
    }

    @Test
    void mergeRunsAfterFiltering() {
        // Bob sits between Alice's messages; filtering him out first makes Alice's two messages one run.
        ConvertOptions options = ConvertOptions.builder().from("Alice").build();
        String csv = convert(Platform.WHATSAPP, options, Fixtures.text("c.txt", """
                [15/01/2024, 10:00:00] Alice: one
                [15/01/2024, 10:01:00] Bob: interrupt
                [15/01/2024, 10:02:00] Alice: two
                """));
        assertThat(csv).isEqualTo("Sender;Content\nAlice;\"one\ntwo\"\n");
    }

    @Test
    void invalidOptionsFailFast() {
        assertThatThrownBy(() -> ConvertOptions.builder()
                        .after(LocalDate.parse("2024-02-01"))
                        .before(LocalDate.parse("2024-01-01"))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("later than");
        assertThatThrownBy(() -> ConvertOptions.builder().delimiter('"').build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConvertOptions.builder().chat(" ").build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamApiComposesReadFilterMergeWrite() {
        try (Stream<Message> messages =
                ChatPack.read(Platform.TELEGRAM, List.of(input("telegram/single_chat.json")), ReadOptions.DEFAULTS)) {
            List<Message> out = messages.filter(ChatPack.filter(new FilterOptions(null, null, "Bob Stone")))
                    .gather(ChatPack.mergeConsecutive())
                    .toList();
            assertThat(out)
                    .singleElement()
                    .extracting(Message::content)
                    .isEqualTo("I'm in; \"Ridge loop\" again?\n[Photo]\n[Photo] View from the top");
        }
    }

    @Test
    void convertToFileIsAtomicAndLeavesNothingOnFailure(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out.csv");
        Files.writeString(out, "previous content");
        ChatInput broken =
                Fixtures.text("broken.json", "{\"messages\":[{\"id\":1,\"type\":\"message\",\"date_unixtime\":\"1\"");
        assertThatThrownBy(() -> ChatPack.convert(Platform.TELEGRAM, List.of(broken), ConvertOptions.DEFAULTS, out))
                .isInstanceOf(ChatpackException.class);
        assertThat(Files.readString(out)).isEqualTo("previous content");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(out);
        }
        ConversionResult r = ChatPack.convert(
                Platform.TELEGRAM, List.of(input("telegram/single_chat.json")), ConvertOptions.DEFAULTS, out);
        assertThat(Files.readString(out)).startsWith("Sender;Content\nAlice Martin;");
        assertThat(r.bytesWritten()).isEqualTo(Files.size(out));
        assertThat(r.messagesRead()).isEqualTo(11);
        assertThat(r.messagesWritten()).isLessThan(r.messagesKept());
    }
}
