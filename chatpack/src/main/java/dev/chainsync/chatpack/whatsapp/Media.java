package dev.chainsync.chatpack.whatsapp;

import java.util.Locale;
import java.util.Map;

/**
 * WhatsApp's media markers, matched against a whole first line of message text (never a substring, so a
 * message that merely mentions "image omitted" mid-sentence stays text).
 */
final class Media {

    private static final Map<String, String> OMITTED = Map.of(
            "<media omitted>", "[Media]",
            "image omitted", "[Photo]",
            "video omitted", "[Video]",
            "audio omitted", "[Audio]",
            "sticker omitted", "[Sticker]",
            "gif omitted", "[GIF]",
            "document omitted", "[File]",
            "contact card omitted", "[Contact]");

    private static final String ATTACHED = "<attached: ";
    private static final String FILE_ATTACHED = " (file attached)";

    private Media() {}

    /** Longest key in {@link #OMITTED}; anything longer cannot be one. */
    private static final int MAX_OMITTED = 20;

    /**
     * The placeholder a first line stands for, or null when it is ordinary text. Runs once per message, so
     * lines that cannot be markers are turned away by their last character before any copying.
     */
    static String placeholder(String line) {
        int n = line.length();
        if (n == 0) {
            return null;
        }
        char last = line.charAt(n - 1);
        if (last == '>') {
            if (line.equalsIgnoreCase("<Media omitted>")) {
                return "[Media]";
            }
            // iOS with media: "<attached: 00000012-PHOTO-2024-01-15-10-31-02.jpg>", documents may have a
            // description before it ("report.pdf • 3 pages <attached: ...>").
            int at = line.lastIndexOf(ATTACHED);
            return at < 0
                    ? null
                    : classify(line.substring(at + ATTACHED.length(), n - 1).strip());
        }
        if (last == ')') {
            // Android with media: "IMG-20240115-WA0001.jpg (file attached)".
            return line.endsWith(FILE_ATTACHED)
                    ? classify(line.substring(0, n - FILE_ATTACHED.length()).strip())
                    : null;
        }
        if ((last == 'd' || last == 'D') && n <= MAX_OMITTED) {
            return OMITTED.get(line.toLowerCase(Locale.ROOT));
        }
        return null;
    }

    /** Names follow WhatsApp's own patterns: IMG-/VID-/PTT-/AUD-/STK- on Android, -PHOTO-/-VIDEO-... on iOS. */
    static String classify(String fileName) {
        String upper = fileName.toUpperCase(Locale.ROOT);
        if (upper.startsWith("IMG-") || upper.contains("-PHOTO-")) {
            return "[Photo]";
        }
        if (upper.startsWith("VID-") || upper.contains("-VIDEO-")) {
            return "[Video]";
        }
        if (upper.startsWith("PTT-") || (upper.contains("-AUDIO-") && upper.endsWith(".OPUS"))) {
            return "[Voice message]";
        }
        if (upper.startsWith("AUD-") || upper.contains("-AUDIO-")) {
            return "[Audio]";
        }
        if (upper.startsWith("STK-") || upper.contains("-STICKER-")) {
            return "[Sticker]";
        }
        if (upper.contains("-GIF-")) {
            return "[GIF]";
        }
        return fileName.isEmpty() ? "[File]" : "[File: " + fileName + "]";
    }
}
