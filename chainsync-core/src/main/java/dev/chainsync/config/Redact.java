package dev.chainsync.config;

import java.net.URI;
import java.util.Locale;

/** Keeps secrets out of logs and error messages. */
public final class Redact {
    private Redact() {}

    /** True for variable names that hold secrets. */
    public static boolean isSecretName(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        return n.contains("SECRET") || n.contains("PASSWORD") || n.contains("TOKEN") || n.endsWith("_KEY");
    }

    /** A database URL with its password (in user-info or query) replaced by {@code ***}. */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        String out = url.replaceAll("(?i)(password=)[^&]*", "$1***");
        try {
            String schemeless = out.startsWith("jdbc:") ? out.substring(5) : out;
            URI uri = URI.create(schemeless);
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null && userInfo.contains(":")) {
                String user = userInfo.substring(0, userInfo.indexOf(':'));
                out = out.replace(userInfo + "@", user + ":***@");
            }
        } catch (IllegalArgumentException e) {
            // not a URI we can parse: the query-string redaction above is the best we can do
        }
        return out;
    }
}
