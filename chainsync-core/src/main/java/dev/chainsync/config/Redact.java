package dev.chainsync.config;

import java.util.Locale;

/** Keeps secrets out of logs and error messages. */
public final class Redact {
    private Redact() {}

    /** True for variable names that hold secrets. */
    public static boolean isSecretName(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        return n.contains("SECRET") || n.contains("PASSWORD") || n.contains("TOKEN") || n.endsWith("_KEY");
    }

    /**
     * A database URL with its password (in the user-info or the query string) replaced by {@code ***}.
     * Works on text, not a parsed URI, so malformed URLs are redacted too.
     */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        String out = url.replaceAll("(?i)(password=)[^&]*", "$1***");
        int scheme = out.indexOf("://");
        if (scheme < 0) {
            // Not URL-shaped (a mistyped scheme, say): whatever lies between the first ':' and the last '@'
            // may be a password.
            int colon = out.indexOf(':');
            int at = out.lastIndexOf('@');
            return colon >= 0 && at > colon ? out.substring(0, colon + 1) + "***" + out.substring(at) : out;
        }
        int start = scheme + 3;
        int at = out.lastIndexOf('@');
        int slash = out.indexOf('/', start);
        // The user-info ends at the last '@' before the path; a password may itself contain '@', '/' or '#'.
        if (at > start && (slash < 0 || at < out.length())) {
            String userInfo = out.substring(start, at);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                out = out.substring(0, start) + userInfo.substring(0, colon) + ":***" + out.substring(at);
            }
        }
        return out;
    }
}
