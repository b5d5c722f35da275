package dev.chainsync.chatpack.cli;

import dev.chainsync.chatpack.OutputFormat;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/** Option value parsers; a bad value is a usage error (exit 2) before any file is touched. */
final class Converters {

    private Converters() {}

    static final class Format implements CommandLine.ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            return OutputFormat.byName(value)
                    .orElseThrow(() -> new CommandLine.TypeConversionException(
                            "'" + value + "' is not a format; use csv, jsonl or json"));
        }
    }

    static final class Day implements CommandLine.ITypeConverter<LocalDate> {
        @Override
        public LocalDate convert(String value) {
            try {
                return LocalDate.parse(value);
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a date; use YYYY-MM-DD");
            }
        }
    }

    /** One character; {@code tab} or {@code \t} for a tab, since a literal tab is awkward to type. */
    static final class Delimiter implements CommandLine.ITypeConverter<Character> {
        @Override
        public Character convert(String value) {
            if (value.equals("\\t") || value.equalsIgnoreCase("tab")) {
                return '\t';
            }
            if (value.length() != 1) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not one character");
            }
            char c = value.charAt(0);
            if (c == '"' || c == '\n' || c == '\r') {
                throw new CommandLine.TypeConversionException("the delimiter cannot be a quote or a line break");
            }
            return c;
        }
    }
}
