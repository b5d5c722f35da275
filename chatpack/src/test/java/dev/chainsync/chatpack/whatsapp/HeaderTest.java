package dev.chainsync.chatpack.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HeaderTest {

    /** Every date and time shape the reference lists, iOS and Android, with the fields each must yield. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "[1/15/24, 10:30 AM] Ann: hi           | 1  | 15 | 24   | 10 | 30 | 0  | true",
                "[15.01.24, 10:30] Ann: hi             | 15 | 1  | 24   | 10 | 30 | 0  | true",
                "[15/01/2024, 10:30:45] Ann: hi        | 15 | 1  | 2024 | 10 | 30 | 45 | true",
                "1.1.2019, 10:30 - Ann: hi             | 1  | 1  | 2019 | 10 | 30 | 0  | false",
                "2019-01-01, 10:30 - Ann: hi           | 2019 | 1 | 1   | 10 | 30 | 0  | false",
                "[15.01.24, 12.00.00] Ann: hi          | 15 | 1  | 24   | 12 | 0  | 0  | true",
                "1/15/24, 10:30 PM - Ann: hi           | 1  | 15 | 24   | 22 | 30 | 0  | false",
                "26.10.2025, 20:40 - Ann: hi           | 26 | 10 | 2025 | 20 | 40 | 0  | false",
                "12/31/23, 12:05 AM - Ann: hi          | 12 | 31 | 23   | 0  | 5  | 0  | false",
                "15/01/2024 10:30 - Ann: hi            | 15 | 1  | 2024 | 10 | 30 | 0  | false",
            })
    void parsesEveryListedShape(String line, int a, int b, int c, int hour, int minute, int second, boolean ios) {
        Header h = new Header();
        assertThat(h.parse(line.strip())).isTrue();
        assertThat(h.first).isEqualTo(a);
        assertThat(h.second).isEqualTo(b);
        assertThat(h.third).isEqualTo(c);
        assertThat(h.hour24()).isEqualTo(hour);
        assertThat(h.minute).isEqualTo(minute);
        assertThat(h.secondOfMinute).isEqualTo(second);
        assertThat(h.ios).isEqualTo(ios);
        assertThat(line.strip().substring(h.rest)).isEqualTo("Ann: hi");
    }

    @ParameterizedTest(name = "space U+{0}")
    @ValueSource(strings = {"0020", "202F", "00A0", "2009"})
    void anyUnicodeSpaceBeforeMeridiem(String hex) {
        char space = (char) Integer.parseInt(hex, 16);
        Header h = new Header();
        assertThat(h.parse("[1/15/24, 9:05:00" + space + "PM] Ann: hi")).isTrue();
        assertThat(h.hour24()).isEqualTo(21);
        assertThat(h.parse("1/15/24, 9:05" + space + "a.m. - Ann: hi")).isTrue();
        assertThat(h.hour24()).isEqualTo(9);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\u200E[1/15/24, 10:30 AM] Ann: \u200Eimage omitted",
                "\u200F15/01/2024, 10:30 - Ann: x",
                "\uFEFF15/01/2024, 10:30 - Ann: x"
            })
    void directionalMarksAndBomBeforeTheHeader(String line) {
        assertThat(new Header().parse(line)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "hello there",
                "see you at 10:30 - ok",
                "[note] 10:30 - x",
                "1/15/24 - Ann: hi",
                "15/01/2024, 25:30 - Ann: hi",
                "15/01/2024, 10:3 - Ann: hi",
                "123/01/2024, 10:30 - Ann: hi",
                "[1/15/24, 10:30 AM Ann: hi",
                "1/15/24, 10:30 Amy - x",
                "2019-01-011, 10:30 - Ann: hi"
            })
    void rejectsLinesThatAreNotHeaders(String line) {
        assertThat(new Header().parse(line)).isFalse();
    }
}
