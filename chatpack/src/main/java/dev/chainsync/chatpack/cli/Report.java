package dev.chainsync.chatpack.cli;

import dev.chainsync.chatpack.ConversionResult;
import dev.chainsync.chatpack.OutputFormat;
import dev.chainsync.chatpack.Platform;
import dev.chainsync.chatpack.Skipped;
import dev.chainsync.chatpack.tokens.TokenCounter;
import java.nio.file.Path;
import java.util.Locale;

/** The lines printed after a conversion. */
final class Report {

    private Report() {}

    static String summary(Platform platform, Path output, OutputFormat format, ConversionResult r, double seconds) {
        String target = output == null ? "stdout" : output.getFileName().toString();
        return String.format(
                Locale.ROOT,
                "chatpack: %s -> %s (%s): %,d messages read, %,d kept, %,d written%s%s, " + "%s in %.2f s",
                platform.displayName(),
                target,
                format.name(),
                r.messagesRead(),
                r.messagesKept(),
                r.messagesWritten(),
                r.messagesWritten() < r.messagesKept()
                        ? String.format(Locale.ROOT, " (merge %.1f%% fewer)", 100 * (1 - r.mergeRatio()))
                        : "",
                skipped(r.skipped()),
                bytes(r.bytesWritten()),
                seconds);
    }

    /** ", 3 skipped (2 notices, 1 empty)", or "" when the export's every entry became a message. */
    static String skipped(Skipped.Counts s) {
        if (s.total() == 0) {
            return "";
        }
        String hint = s.notices() > 0 ? "; --service keeps notices" : "";
        return String.format(Locale.ROOT, ", %,d skipped (%s%s)", s.total(), s.describe(), hint);
    }

    static String stats(ConversionResult r, long bytesIn, long tokensIn, long tokensOut) {
        StringBuilder sb = new StringBuilder();
        line(sb, "messages in", r.messagesRead(), "");
        line(sb, "skipped", r.skipped().total(), r.skipped().describe());
        line(sb, "messages kept", r.messagesKept(), "after filters");
        line(
                sb,
                "messages out",
                r.messagesWritten(),
                String.format(
                        Locale.ROOT,
                        "merge ratio %.3f (%.1f%% fewer rows)",
                        r.mergeRatio(),
                        100 * (1 - r.mergeRatio())));
        line(sb, "bytes in", bytesIn, "");
        line(sb, "bytes out", r.bytesWritten(), ratio(bytesIn, r.bytesWritten()) + " smaller");
        line(sb, "tokens in", tokensIn, TokenCounter.ENCODING_NAME);
        line(sb, "tokens out", tokensOut, ratio(tokensIn, tokensOut) + " fewer");
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, long value, String note) {
        sb.append(String.format(Locale.ROOT, "  %-14s %,15d%s%n", label, value, note.isEmpty() ? "" : "   " + note));
    }

    private static String ratio(long before, long after) {
        if (after <= 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1fx", (double) before / after);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MB", n / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GB", n / (1024.0 * 1024 * 1024));
    }
}
