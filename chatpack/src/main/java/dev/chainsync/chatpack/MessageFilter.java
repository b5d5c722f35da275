package dev.chainsync.chatpack;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.Predicate;

/** Applies {@link FilterOptions}; precomputes the day bounds so the test per message is two comparisons. */
final class MessageFilter implements Predicate<Message> {

    private final boolean dated;
    private final long notBefore;
    private final long notAfter;
    private final String from;

    MessageFilter(FilterOptions options) {
        this.dated = options.after() != null || options.before() != null;
        this.notBefore = options.after() == null
                ? Long.MIN_VALUE
                : options.after().atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        // Inclusive: everything before the start of the following day.
        this.notAfter = options.before() == null
                ? Long.MAX_VALUE
                : options.before().plusDays(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC) - 1;
        this.from = options.from();
    }

    @Override
    public boolean test(Message m) {
        if (dated) {
            Instant t = m.timestamp();
            if (t == null || t.getEpochSecond() < notBefore || t.getEpochSecond() > notAfter) {
                return false;
            }
        }
        return from == null || asciiEqualsIgnoreCase(from, m.sender());
    }

    /** The original compares names ASCII-case-insensitively; non-ASCII letters must match exactly. */
    static boolean asciiEqualsIgnoreCase(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y && (x >= 128 || y >= 128 || asciiLower(x) != asciiLower(y))) {
                return false;
            }
        }
        return true;
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
}
