package dev.chainsync.chatpack.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.chatpack.Platform;
import dev.chainsync.chatpack.bench.SyntheticExports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCounterTest {

    @TempDir
    static Path dir;
    /** Over a million chars, so the counter cuts it into several chunks. */
    static String pretty;

    @BeforeAll
    static void generate() throws IOException {
        Path file = new SyntheticExports(3)
                .generate(Platform.TELEGRAM, dir, 2_600_000)
                .files()
                .getFirst();
        pretty = Files.readString(file);
        assertThat(pretty.length()).isGreaterThan(2_000_000);
    }

    private static long chunked(String text, int chunkBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try (TokenCounter c = new TokenCounter()) {
            for (int off = 0; off < bytes.length; off += chunkBytes) {
                c.accept(bytes, off, Math.min(chunkBytes, bytes.length - off));
            }
            return c.finish();
        }
    }

    @Test
    void knownCounts() {
        // cl100k_base: "hello world" is two tokens, the empty string none.
        assertThat(TokenCounter.count("hello world")).isEqualTo(2);
        assertThat(TokenCounter.count("")).isZero();
    }

    @Test
    void chunkedCountEqualsWholeCountOnPrettyJson() {
        // 7919 bytes: a prime, so chunks split multi-byte characters and lines at every possible offset.
        assertThat(chunked(pretty, 7919)).isEqualTo(TokenCounter.count(pretty));
    }

    @Test
    void chunkedCountEqualsWholeCountOnMinifiedJson() {
        String minified = pretty.replaceAll("\\n\\s*", "");
        assertThat(chunked(minified, 65_536)).isEqualTo(TokenCounter.count(minified));
    }

    @Test
    void cutsOnlyBetweenAWordCharAndPunctuation() {
        assertThat(TokenCounter.safeCut("abc def\"ghi", false)).isEqualTo(7);
        assertThat(TokenCounter.safeCut("   \n\n  ", false)).isEqualTo(-1);
        assertThat(TokenCounter.safeCut("ab😀", true)).isEqualTo(2);
    }

    @Test
    void specialTokenTextIsCountedAsOrdinaryText() {
        assertThat(TokenCounter.count("<|endoftext|>")).isGreaterThan(1);
    }
}
