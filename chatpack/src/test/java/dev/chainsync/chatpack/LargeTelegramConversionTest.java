package dev.chainsync.chatpack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.chatpack.bench.SyntheticExports;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Telegram export large enough to be read in blocks on worker threads, converted to CSV the way the CLI does:
 * the workers encode rows. Output and counts must be those of the Message path (MainTest checks its errors).
 */
class LargeTelegramConversionTest {

    @TempDir
    static Path dir;

    static Path export;

    @BeforeAll
    static void generate() throws IOException {
        export = new SyntheticExports(3)
                .generate(Platform.TELEGRAM, dir.resolve("big"), 20L << 20)
                .files()
                .getFirst();
    }

    /** The Message path by hand: read, merge, write; returns the bytes and counts the rows in {@code rows[0]}. */
    private static byte[] viaMessages(ConvertOptions options, long[] rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageWriter w = ChatPack.writer(options.output(), out);
        try (Stream<Message> s = ChatPack.read(Platform.TELEGRAM, List.of(ChatInput.of(export)), options.read())) {
            for (Message m : (options.merge() ? s.gather(ChatPack.mergeConsecutive()) : s).toList()) {
                w.write(m);
                rows[0]++;
            }
        }
        w.finish();
        return out.toByteArray();
    }

    @Test
    void conversionWritesTheMessagePathsBytesAndCounts() throws IOException {
        for (ConvertOptions options : List.of(
                ConvertOptions.DEFAULTS,
                ConvertOptions.builder()
                        .delimiter(',')
                        .ids(true)
                        .timestamps(true)
                        .replies(true)
                        .edited(true)
                        .merge(false)
                        .build())) {
            long messages;
            try (Stream<Message> s = ChatPack.read(Platform.TELEGRAM, List.of(ChatInput.of(export)), options.read())) {
                messages = s.count();
            }
            long[] rows = new long[1];
            byte[] expected = viaMessages(options, rows);
            Path out = dir.resolve("out.csv");
            ConversionResult r = new Conversion(Platform.TELEGRAM, List.of(ChatInput.of(export)), options).writeTo(out);
            assertThat(Files.readAllBytes(out)).isEqualTo(expected);
            assertThat(r.messagesRead()).isEqualTo(messages).isGreaterThan(40_000);
            assertThat(r.messagesKept()).isEqualTo(messages);
            assertThat(r.messagesWritten()).isEqualTo(rows[0]);
            assertThat(r.bytesWritten()).isEqualTo(expected.length);
        }
    }
}
