package dev.chainsync.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * The SSRF guard for webhook URLs: only http and https, and no target that resolves to a private,
 * loopback, link-local, multicast, unspecified or otherwise reserved address (IPv4-mapped and
 * other IPv6 forms embedding such an IPv4 address included).
 *
 * <p>Checked when an endpoint is created or changed and again whenever the dispatcher opens a
 * connection. {@link WebhookHttp} connects to the very addresses {@link #resolve} checked, so a DNS
 * answer that changes between check and connect (rebinding) cannot reach inside the network.
 */
final class AddressGuard {
    static final int MAX_URL_LENGTH = 2048;

    private AddressGuard() {}

    /** The target was refused; the message says why without echoing secrets. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    /** Parses and validates the URL's shape (scheme, host, no credentials). */
    static URI parse(String url) throws Refused {
        if (url == null || url.isBlank()) {
            throw new Refused("url is required");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new Refused("url is longer than " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new Refused("url is not a valid URI");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused("url must use http or https");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new Refused("url needs a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused("url must not carry credentials; the signature authenticates deliveries");
        }
        if (uri.getRawFragment() != null) {
            throw new Refused("url must not have a fragment");
        }
        return uri;
    }

    /** The host without IPv6 brackets, lower-case. */
    static String host(URI uri) {
        String h = uri.getHost();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }

    /** Resolves the URL's host and refuses it if any address is forbidden. */
    static void check(URI uri) throws Refused {
        String host = host(uri);
        try {
            resolve(host, false);
        } catch (UnknownHostException e) {
            throw new Refused("host " + host + " does not resolve");
        }
    }

    /**
     * The addresses to connect to for {@code host}; unless private targets are allowed, refused if
     * any of them is forbidden (a host that also resolves inside the network is not trusted at all).
     * The caller connects to these addresses, never to the name, so a later DNS answer cannot differ.
     */
    static List<InetAddress> resolve(String host, boolean allowPrivateTargets) throws Refused, UnknownHostException {
        InetAddress literal = literal(host);
        List<InetAddress> all = literal != null ? List.of(literal) : List.of(InetAddress.getAllByName(host));
        if (!allowPrivateTargets) {
            for (InetAddress a : all) {
                if (forbidden(a)) {
                    throw new Refused(describe(host, a));
                }
            }
        }
        return all;
    }

    /** The address when {@code host} is an IP literal, else null (no DNS involved). */
    static InetAddress literal(String host) {
        try {
            return InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String describe(String host, InetAddress a) {
        String what = a.getHostAddress();
        return literal(host) != null
                ? "url targets " + what + ", a private, loopback, link-local or reserved address"
                : "host " + host + " resolves to " + what + ", a private, loopback, link-local or reserved address";
    }

    // ---------------------------------------------------------------- the address rules

    /** True for any address a webhook must not reach. */
    static boolean forbidden(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return forbiddenV4(b, 0);
        }
        if (!(a instanceof Inet6Address)) {
            return true;
        }
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return forbiddenV4(b, 12); // ::ffff:a.b.c.d, IPv4-mapped
        }
        if (allZero(b, 0, 12)) {
            return true; // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
        }
        if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
            // 64:ff9b::/96 translates to the embedded IPv4 address; 64:ff9b:1::/48 is local use.
            return !allZero(b, 4, 12) || forbiddenV4(b, 12);
        }
        if (b0 == 0x20 && b1 == 0x02) {
            return forbiddenV4(b, 2); // 6to4 embeds an IPv4 address
        }
        if (b0 == 0x20
                && b1 == 0x01
                && ((b[2] & 0xff) == 0x00 && (b[3] & 0xff) == 0x00 || (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8)) {
            return true; // Teredo (2001::/32) hides an IPv4 address; 2001:db8::/32 is documentation
        }
        if (b0 == 0x01 && b1 == 0x00 && allZero(b, 2, 8)) {
            return true; // 100::/64 discard-only
        }
        return (b0 & 0xfe) == 0xfc // fc00::/7 unique local
                || b0 == 0xfe && (b1 & 0xc0) == 0x80 // fe80::/10 link-local
                || b0 == 0xfe && (b1 & 0xc0) == 0xc0 // fec0::/10 site-local (deprecated)
                || b0 == 0xff; // multicast
    }

    private static boolean forbiddenV4(byte[] b, int o) {
        int a = b[o] & 0xff;
        int c = b[o + 1] & 0xff;
        int d = b[o + 2] & 0xff;
        return a == 0 // "this network", 0.0.0.0
                || a == 10
                || a == 100 && (c & 0xc0) == 64 // 100.64.0.0/10 carrier-grade NAT
                || a == 127
                || a == 169 && c == 254 // link-local, cloud metadata services
                || a == 172 && (c & 0xf0) == 16
                || a == 192 && c == 0 && (d == 0 || d == 2) // IETF assignments, documentation
                || a == 192 && c == 88 && d == 99 // 6to4 relay anycast
                || a == 192 && c == 168
                || a == 198 && (c & 0xfe) == 18 // benchmarking
                || a == 198 && c == 51 && d == 100
                || a == 203 && c == 0 && d == 113
                || a >= 224; // multicast, reserved, broadcast
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
