package dev.chainsync.config;

import java.util.regex.Pattern;

/** The host part of a service URL as chainsync accepts it in DATABASE_URL and REDIS_URL. */
public final class HostPort {
    /**
     * A host name or IPv4 address (letters, digits, '.', '-', '_': docker compose service names have
     * '_'), or a bracketed IPv6 address; then an optional port. Group 1 is the host, group 2 the port.
     */
    public static final Pattern PATTERN = Pattern.compile("([A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\])(?::([0-9]{1,5}))?");

    private HostPort() {}
}
