package dev.chainsync.chatpack.io;

import java.util.Locale;

/** Whether a link's visible text already says where it goes, so the target need not be written again. */
public final class Links {

    private Links() {}

    /**
     * True when {@code text} names the same place as {@code url}, ignoring what people leave out when they type
     * a link: the scheme, {@code www.}, a trailing slash and letter case ({@code example.com/a} and
     * {@code https://www.example.com/a/}).
     */
    public static boolean sameTarget(String text, String url) {
        if (text == null || url == null) {
            return false;
        }
        return text.equals(url) || bare(text).equals(bare(url));
    }

    private static String bare(String link) {
        String s = Text.strip(link).toLowerCase(Locale.ROOT);
        for (String prefix : new String[] {"https://", "http://"}) {
            if (s.startsWith(prefix)) {
                s = s.substring(prefix.length());
                break;
            }
        }
        if (s.startsWith("www.")) {
            s = s.substring(4);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
