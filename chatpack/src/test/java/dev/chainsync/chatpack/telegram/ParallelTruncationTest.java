package dev.chainsync.chatpack.telegram;

import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.MessageSource;
import dev.chainsync.chatpack.Platform;
import dev.chainsync.chatpack.ReadOptions;
import dev.chainsync.chatpack.bench.SyntheticExports;
import dev.chainsync.chatpack.io.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A large export cut short is reported as truncated by the block reader too, never read as a shorter chat. */
class ParallelTruncationTest {

    @TempDir
    Path dir;

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

    @Test
    void aFileCutAfterAMessageIsTruncatedForTheParallelReaderToo() throws IOException {
        Path export = new SyntheticExports(7).generate(Platform.TELEGRAM, dir,
                3L * ParallelTelegramSource.BLOCK_BYTES + 12_345).files().getFirst();
        byte[] bytes = Files.readAllBytes(export);
        // Cut the download just after a message's closing brace, in the middle of the file.
        byte[] seam = "},\n  {\n".getBytes(StandardCharsets.US_ASCII);
        int at = bytes.length / 2;
        while (!Arrays.equals(bytes, at, at + seam.length, seam, 0, seam.length)) {
            at++;
        }
        Path cut = dir.resolve("cut.json");
        Files.write(cut, Arrays.copyOf(bytes, at + 1));

        // The sequential reader says so ...
        assertThatThrownBy(() -> drain(new TelegramSource(ChatInput.of(cut), ReadOptions.DEFAULTS,
                new ChatSelection(null), new Progress(-1, 1))))
                .isInstanceOf(ChatpackException.class).hasMessageContaining("truncated");
        // ... and so does the block reader (used for every file of 16 MB or more).
        assertThatThrownBy(() -> drain(new ParallelTelegramSource(ChatInput.of(cut), ReadOptions.DEFAULTS,
                new ChatSelection(null), new Progress(-1, 1), 2)))
                .isInstanceOf(ChatpackException.class).hasMessageContaining("truncated");
        // The whole file still reads in blocks, to the same messages as the sequential reader.
        assertThat(drain(new ParallelTelegramSource(ChatInput.of(export), ReadOptions.DEFAULTS,
                new ChatSelection(null), new Progress(-1, 1), 2)))
                .isEqualTo(drain(new TelegramSource(ChatInput.of(export), ReadOptions.DEFAULTS,
                        new ChatSelection(null), new Progress(-1, 1))));
    }
}
