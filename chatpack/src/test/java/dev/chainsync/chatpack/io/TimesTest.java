package dev.chainsync.chatpack.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class TimesTest {

    @Test
    void civilFromDaysAgreesWithJavaTimeAndInvertsDaysFromCivil() {
        long first = LocalDate.of(-100, 1, 1).toEpochDay();
        long last = LocalDate.of(10_100, 12, 31).toEpochDay();
        for (long days = first; days <= last; days += 37) {
            LocalDate expected = LocalDate.ofEpochDay(days);
            long packed = Times.civilFromDays(days);
            int year = (int) Math.floorDiv(packed, 10_000L);
            int month = (int) Math.floorMod(packed, 10_000L) / 100;
            int day = (int) Math.floorMod(packed, 100L);
            assertThat(LocalDate.of(year, month, day)).as("day %d", days).isEqualTo(expected);
            assertThat(Times.daysFromCivil(year, month, day)).isEqualTo(days);
        }
        assertThat(Times.civilFromDays(0)).isEqualTo(1970_01_01L);
        assertThat(Times.civilFromDays(LocalDate.of(2024, 2, 29).toEpochDay())).isEqualTo(2024_02_29L);
    }
}
