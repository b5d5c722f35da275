package dev.chainsync.chatpack.telegram;

import java.util.LinkedHashSet;
import java.util.Set;

/** Tracks the {@code --chat} choice across inputs, and the names seen, to explain a miss. */
final class ChatSelection {

    /** Enough names to recognise the right one without flooding the terminal. */
    private static final int NAMES_SHOWN = 12;

    private final String wanted;
    private final Set<String> seen = new LinkedHashSet<>();
    private boolean found;

    ChatSelection(String wanted) {
        this.wanted = wanted;
    }

    /** True when no chat was asked for. */
    boolean all() {
        return wanted == null;
    }

    /** Whether a chat with this name or id is the one asked for; remembers names for the error message. */
    boolean matches(String name, String id) {
        if (wanted == null) {
            return true;
        }
        if (name != null && seen.size() <= NAMES_SHOWN) {
            seen.add(name);
        }
        boolean hit = (name != null && asciiEqualsIgnoreCase(wanted, name)) || wanted.equals(id);
        found |= hit;
        return hit;
    }

    boolean found() {
        return found;
    }

    String notFoundMessage() {
        if (seen.isEmpty()) {
            return "no chat named '" + wanted + "' in the export";
        }
        String names = String.join("', '", seen.stream().limit(NAMES_SHOWN).toList());
        return "no chat named '" + wanted + "' in the export; it has '" + names + "'"
                + (seen.size() > NAMES_SHOWN ? " and more" : "");
    }

    private static boolean asciiEqualsIgnoreCase(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y && (x >= 128 || y >= 128 || Character.toLowerCase(x) != Character.toLowerCase(y))) {
                return false;
            }
        }
        return true;
    }
}
