package dev.chainsync.chatpack.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chatpack.ChatInput;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The three kinds of input read alike: from the start, at a position, and at the end. */
class SpoolTest {

    private static final byte[] TEXT = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path dir;

    static Stream<ChatInput> inputs() throws IOException {
        Path file = Files.write(Files.createTempFile(dir, "spool", ".txt"), TEXT);
        return Stream.of(
                ChatInput.of(file),
                ChatInput.of("bytes", TEXT.clone()),
                ChatInput.of("stream", new ByteArrayInputStream(TEXT)));
    }

    @ParameterizedTest
    @MethodSource("inputs")
    void everyKindReadsWholeAndAtAnyPosition(ChatInput input) throws IOException {
        try (Spool spool = Spool.of(input, new Progress(-1, 1))) {
            assertThat(spool.size()).isEqualTo(TEXT.length);
            try (InputStream in = spool.open()) {
                assertThat(in.readAllBytes()).isEqualTo(TEXT);
            }
            try (InputStream again = spool.open()) {
                assertThat(again.readAllBytes()).as("read twice").isEqualTo(TEXT);
            }

            ByteBuffer window = ByteBuffer.wrap(new byte[8], 2, 4);
            assertThat(spool.read(window, 10)).isEqualTo(4);
            assertThat(new String(window.array(), 2, 4, StandardCharsets.US_ASCII))
                    .isEqualTo("abcd");
            assertThat(window.remaining()).isZero();

            ByteBuffer tail = ByteBuffer.allocate(8);
            assertThat(spool.read(tail, 14)).as("only what is left").isEqualTo(2);
            assertThat(spool.read(ByteBuffer.allocate(4), TEXT.length))
                    .as("at the end")
                    .isEqualTo(-1);
        }
    }

    @Test
    void anInputIsExactlyOneOfFileStreamAndBytes() {
        assertThatThrownBy(() -> new ChatInput("x", Path.of("a"), null, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChatInput("x", null, null, null)).isInstanceOf(IllegalArgumentException.class);
        ChatInput bytes = ChatInput.of("x", TEXT);
        assertThat(bytes.reopenable()).isTrue();
        assertThat(bytes.size()).isEqualTo(TEXT.length);
    }
}
