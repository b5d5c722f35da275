package dev.chainsync.chatpack.telegram;

import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.MessageSource;
import dev.chainsync.chatpack.Platform;
import dev.chainsync.chatpack.ReadOptions;
import dev.chainsync.chatpack.bench.SyntheticExports;
import dev.chainsync.chatpack.io.Progress;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.chainsync.chatpack.Fixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParallelTelegramSourceTest {

    /** Several blocks' worth, so seams, block hand-off and the last block are all exercised. */
    private static final long SIZE = 3L * ParallelTelegramSource.BLOCK_BYTES + 12_345;

    @TempDir
    static Path dir;
    static Path export;

    @BeforeAll
    static void generate() throws IOException {
        export = new SyntheticExports(7).generate(Platform.TELEGRAM, dir, SIZE).files().getFirst();
    }

    private static List<Message> drain(MessageSource source) throws IOException {
        List<Message> out = new ArrayList<>();
        try (source) {
            Message m;
            while ((m = source.next()) != null) {
                out.add(m);
            }
        }
        return out;
    }

    private static MessageSource parallel(Path file, ReadOptions options) {
        return new ParallelTelegramSource(ChatInput.of(file), options, new ChatSelection(options.chat()),
                new Progress(-1, 1), 2);
    }

    private static MessageSource sequential(Path file, ReadOptions options) throws IOException {
        return new TelegramSource(ChatInput.of(file), options, new ChatSelection(options.chat()),
                new Progress(-1, 1));
    }

    @Test
    void parallelBlocksYieldExactlyTheSequentialMessages() throws IOException {
        List<Message> expected = drain(sequential(export, ReadOptions.DEFAULTS));
        List<Message> actual = drain(parallel(export, ReadOptions.DEFAULTS));
        assertThat(expected).hasSizeGreaterThan(10_000);
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void optionsApplyInsideBlocksToo() throws IOException {
        ReadOptions options = new ReadOptions(false, true, null);
        assertThat(drain(parallel(export, options))).isEqualTo(drain(sequential(export, options)));
    }

    @Test
    void minifiedInputFallsBackToSequentialReading() throws IOException {
        Path minified = dir.resolve("min.json");
        Files.writeString(minified, Files.readString(resource("telegram/single_chat.json")).replaceAll("\\n\\s*", ""));
        assertThat(drain(parallel(minified, ReadOptions.DEFAULTS)))
                .isEqualTo(drain(sequential(resource("telegram/single_chat.json"), ReadOptions.DEFAULTS)));
    }

    @Test
    void fullAccountExportFallsBackToSequentialReading() throws IOException {
        Path full = resource("telegram/full_account.json");
        assertThat(drain(parallel(full, ReadOptions.DEFAULTS))).isEqualTo(drain(sequential(full, ReadOptions.DEFAULTS)));
    }

    @Test
    void corruptionInALaterBlockIsReportedAtTheSequentialPosition() throws IOException {
        byte[] bytes = Files.readAllBytes(export);
        int at = indexOf(bytes, "\"from\": \"".getBytes(StandardCharsets.US_ASCII), bytes.length * 2 / 3);
        bytes[at] = '?';
        Path broken = dir.resolve("broken.json");
        Files.write(broken, bytes);

        ChatpackException sequentialError = null;
        try {
            drain(sequential(broken, ReadOptions.DEFAULTS));
        } catch (ChatpackException e) {
            sequentialError = e;
        }
        assertThat(sequentialError).isNotNull();
        String expected = sequentialError.getMessage();
        assertThatThrownBy(() -> drain(parallel(broken, ReadOptions.DEFAULTS)))
                .isInstanceOf(ChatpackException.class)
                .hasMessage(expected)
                .hasMessageContaining("invalid JSON");
    }

    @Test
    void wrongChatYieldsNothing() throws IOException {
        ReadOptions other = new ReadOptions(true, false, "Somebody else");
        assertThat(drain(parallel(export, other))).isEmpty();
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
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
