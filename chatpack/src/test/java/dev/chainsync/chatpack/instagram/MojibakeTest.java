package dev.chainsync.chatpack.instagram;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MojibakeTest {

    /** What Instagram writes for a UTF-8 string: each byte as a code point. */
    private static String asInstagramWrites(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Test
    void repairsCyrillicAndEmoji() {
        assertThat(Mojibake.repair(asInstagramWrites("Привет 👋"))).isEqualTo("Привет 👋");
        assertThat(Mojibake.repair("\u00d0\u009f\u00d1\u0080\u00d0\u00b8\u00d0\u00b2\u00d0\u00b5\u00d1\u0082"))
                .isEqualTo("Привет");
    }

    @Test
    void asciiIsUntouched() {
        String s = "plain text";
        assertThat(Mojibake.repair(s)).isSameAs(s);
    }

    @Test
    void textWithACharAboveFfIsLeftAlone() {
        // Already-correct text (or CP1252-style "ÐŸ", where Ÿ is U+0178) must not be "repaired".
        assertThat(Mojibake.repair("Привет")).isEqualTo("Привет");
        assertThat(Mojibake.repair("ÐŸÑ€Ð¸Ð²ÐµÑ‚")).isEqualTo("ÐŸÑ€Ð¸Ð²ÐµÑ‚");
    }

    @Test
    void genuineLatin1ThatIsNotUtf8IsLeftAlone() {
        assertThat(Mojibake.repair("café")).isEqualTo("café");
        assertThat(Mojibake.repair("naïve façade")).isEqualTo("naïve façade");
    }

    @Test
    void nullStaysNull() {
        assertThat(Mojibake.repair(null)).isNull();
    }
}
