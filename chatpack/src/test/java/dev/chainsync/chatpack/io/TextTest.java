package dev.chainsync.chatpack.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The page's isBlank and strip mean what the JDK's do, for every kind of space the JDK and JavaScript disagree on. */
class TextTest {

    private static final List<String> SAMPLES = List.of(
            "",
            " ",
            "   \n ",
            "\t\r\n\u000B\f",
            "\u001C\u001D\u001E\u001F",
            "\u2003\u3000\u2028\u2029",
            "\u00A0",
            " \u00A0 x \u00A0 ",
            "\u2007x\u202F",
            "\uFEFFx\uFEFF",
            "  hello world  ",
            "\u3000日本\u3000",
            "😀 ",
            " x",
            "x");

    @Test
    void isBlankAndStripAreTheJdks() {
        for (String s : SAMPLES) {
            assertThat(Text.isBlank(s))
                    .as("isBlank %s", s.codePoints().boxed().toList())
                    .isEqualTo(s.isBlank());
            assertThat(Text.strip(s))
                    .as("strip %s", s.codePoints().boxed().toList())
                    .isEqualTo(s.strip());
            assertThat(Text.stripLeading(s))
                    .as("stripLeading %s", s.codePoints().boxed().toList())
                    .isEqualTo(s.stripLeading());
        }
    }

    @Test
    void aTextOfOtherWhitespaceThanSpacesIsBlank() {
        // TeaVM's String.isBlank says false here, so the page wrote a message the CLI drops.
        assertThat(Text.isBlank("   \n ")).isTrue();
        assertThat(Text.isBlank(" \u00A0 ")).isFalse();
    }
}
