package dev.chainsync.chatpack.io;

/**
 * {@code isBlank} and {@code strip} with the JDK's meaning of whitespace ({@link Character#isWhitespace}), for
 * code the browser page shares: TeaVM's {@code String.isBlank} takes only the space character for blank, and its
 * {@code strip} is JavaScript's {@code trim}, which also strips no-break spaces. The page then wrote messages the
 * CLI drops.
 */
public final class Text {

    private Text() {}

    /** Whether {@code s} is empty or only whitespace, as {@link String#isBlank} on the JVM. */
    public static boolean isBlank(String s) {
        return firstNonWhitespace(s) == s.length();
    }

    /** {@code s} without leading and trailing whitespace, as {@link String#strip} on the JVM. */
    public static String strip(String s) {
        int start = firstNonWhitespace(s);
        int end = s.length();
        while (end > start && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return start == 0 && end == s.length() ? s : s.substring(start, end);
    }

    /** {@code s} without leading whitespace, as {@link String#stripLeading} on the JVM. */
    public static String stripLeading(String s) {
        int start = firstNonWhitespace(s);
        return start == 0 ? s : s.substring(start);
    }

    private static int firstNonWhitespace(String s) {
        int i = 0;
        // Surrogates are never whitespace, so testing chars is testing code points.
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
