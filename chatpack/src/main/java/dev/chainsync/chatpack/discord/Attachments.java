package dev.chainsync.chatpack.discord;

import dev.chainsync.chatpack.io.Text;

/** Placeholder text for Discord attachments and stickers, shared by the three formats. */
final class Attachments {

    private Attachments() {}

    /** {@code [Attachment: photo.png]} from a file name or a URL (query string and path dropped). */
    static String attachment(String nameOrUrl) {
        String name = nameOrUrl == null ? "" : Text.strip(nameOrUrl);
        int q = name.indexOf('?');
        if (q >= 0 && name.contains("://")) {
            name = name.substring(0, q);
        }
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1);
        return name.isEmpty() ? "[Attachment]" : "[Attachment: " + name + "]";
    }

    /** {@code [Sticker: wave]}. */
    static String sticker(String name) {
        return name == null || Text.isBlank(name) ? "[Sticker]" : "[Sticker: " + name + "]";
    }

    /** Appends with a separating space. */
    static void append(StringBuilder sb, String part) {
        if (part == null || part.isEmpty()) {
            return;
        }
        if (!sb.isEmpty()) {
            sb.append(' ');
        }
        sb.append(part);
    }
}
