package dev.chainsync.chatpack;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The chat services whose exports chatpack reads. */
public enum Platform {
    TELEGRAM("Telegram", "telegram", "tg"),
    WHATSAPP("WhatsApp", "whatsapp", "wa"),
    INSTAGRAM("Instagram", "instagram", "ig"),
    DISCORD("Discord", "discord", "dc");

    private final String displayName;
    private final List<String> names;

    Platform(String displayName, String... names) {
        this.displayName = displayName;
        this.names = List.of(names);
    }

    /** Human-readable name, e.g. {@code WhatsApp}. */
    public String displayName() {
        return displayName;
    }

    /** The names accepted on the command line, long name first. */
    public List<String> names() {
        return names;
    }

    /** Looks a platform up by one of its command-line names, ignoring ASCII case. */
    public static Optional<Platform> byName(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        for (Platform p : values()) {
            if (p.names.contains(key)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
