package dev.chainsync.chatpack.discord;

import dev.chainsync.chatpack.io.Text;
import dev.chainsync.chatpack.io.Times;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * The dates DiscordChatExporter writes in TXT and CSV: .NET's short "g" pattern in the chosen culture
 * ({@code 1/15/2024 10:30 AM} en-US, {@code 15/01/2024 10:30} en-GB, {@code 15.01.2024 10:30} de/ru,
 * {@code 2024-01-15 10:30} sv), the old default {@code 15-Jan-24 10:30 AM}, or ISO 8601 with an offset.
 * A slash date with AM/PM is month-first and without is day-first, which is how those cultures pair them,
 * unless only month-first is a date ({@code 1/15/2024 14:30}, as the original reads it).
 * Times without an offset are read as UTC, the exporter's {@code --utc} setting.
 */
final class DiscordDates {

    private static final List<DateTimeFormatter> FORMATS = List.of(
            pattern("M/d/yyyy h:mm a"), pattern("M/d/yyyy h:mm:ss a"),
            pattern("d/M/yyyy H:mm"), pattern("d/M/yyyy H:mm:ss"),
            // A 24-hour time with a date only month-first can make sense of (1/15/2024 14:30).
            pattern("M/d/yyyy H:mm"), pattern("M/d/yyyy H:mm:ss"),
            pattern("d.M.yyyy H:mm"), pattern("d.M.yyyy H:mm:ss"),
            pattern("yyyy-MM-dd H:mm"), pattern("yyyy-MM-dd H:mm:ss"),
            pattern("d-MMM-yy h:mm a"), pattern("d-MMM-yyyy h:mm a"));

    private DiscordDates() {}

    private static DateTimeFormatter pattern(String p) {
        return new DateTimeFormatterBuilder()
                .parseCaseInsensitive()
                .appendPattern(p)
                .toFormatter(Locale.US);
    }

    /** Parses one of the known shapes; throws {@link DateTimeException} for anything else. */
    static Instant parse(String text) {
        // .NET on ICU puts a narrow no-break space before AM/PM.
        String s = Text.strip(text).replace('\u202F', ' ').replace('\u00A0', ' ');
        if (s.length() >= 19 && s.charAt(4) == '-' && (s.charAt(10) == 'T')) {
            return Times.parseIso(s);
        }
        for (DateTimeFormatter f : FORMATS) {
            try {
                return LocalDateTime.parse(s, f).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException ignored) {
                // Try the next shape.
            }
        }
        throw new DateTimeException("unknown date format '" + text + "'");
    }
}
