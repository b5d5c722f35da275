package dev.chainsync.chatpack.tokens;

import static dev.chainsync.chatpack.Fixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The page's inline count ({@link Tokens#count(byte[])}, what TeaVM compiles) against jtokkit counting the whole
 * text at once, and against the CLI's background {@link TokenCounter}, over every fixture: several scripts,
 * emoji, astral letters, long whitespace runs. BrowserPageTest then checks the compiled page gives the CLI's
 * figures.
 */
class TokensTest {

    private static final Encoding JTOKKIT =
            Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    static Stream<Path> corpus() throws IOException {
        try (Stream<Path> files = Files.walk(
                resource("tokens/multilingual_whatsapp.txt").getParent().getParent())) {
            List<Path> all = new ArrayList<>(files.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().endsWith(".class"))
                    .sorted()
                    .toList());
            assertThat(all).hasSizeGreaterThan(15);
            return all.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void theInlineCountIsJtokkitsCountOfTheWholeText(Path fixture) throws IOException {
        byte[] bytes = Files.readAllBytes(fixture);
        long whole = JTOKKIT.countTokensOrdinary(new String(bytes, StandardCharsets.UTF_8));

        assertThat(Tokens.count(bytes)).isEqualTo(whole);
        try (TokenCounter streaming = new TokenCounter()) {
            // 7 bytes at a time: multi-byte characters split across calls everywhere.
            for (int off = 0; off < bytes.length; off += 7) {
                streaming.accept(bytes, off, Math.min(7, bytes.length - off));
            }
            assertThat(streaming.finish()).isEqualTo(whole);
        }
    }

    @Test
    void aTextOfManyChunksCountsAsTheWholeText() throws IOException {
        String one = Files.readString(resource("tokens/multilingual_whatsapp.txt"));
        String many = one.repeat(Chunker.CHUNK_CHARS * 3 / one.length());
        byte[] bytes = many.getBytes(StandardCharsets.UTF_8);
        List<Double> progress = new ArrayList<>();

        long counted = Tokens.count(bytes, progress::add);

        assertThat(counted).isEqualTo(JTOKKIT.countTokensOrdinary(many));
        assertThat(progress).hasSizeGreaterThan(3).isSorted().last().isEqualTo(1.0);
    }

    @Test
    void scriptsEmojiAndWhitespaceRunsHaveJtokkitsCounts() {
        for (String s : List.of(
                "Привіт усім",
                "大家好！我们明天见",
                "👨‍👩‍👧‍👦🇳🇱👍🏽",
                " ".repeat(1000),
                "a" + " ".repeat(999) + "b",
                "\t\n \n\n\u3000\u00a0x",
                "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛",
                "\uD83D",
                "")) {
            assertThat(Tokens.count(s.getBytes(StandardCharsets.UTF_8)))
                    .as("%s", s)
                    .isEqualTo(JTOKKIT.countTokensOrdinary(
                            new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)));
        }
        assertThat(Tokens.count(" ".repeat(1000))).isEqualTo(JTOKKIT.countTokensOrdinary(" ".repeat(1000)));
    }
}
