package dev.chainsync.apikey;

import java.util.Arrays;
import java.util.Optional;

/** What an API key may do. {@link #ADMIN} implies every other scope. */
public enum Scope {
    CREDENTIALS_WRITE("credentials:write"),
    LEDGER_WRITE("ledger:write"),
    WEBHOOKS_MANAGE("webhooks:manage"),
    READ("read"),
    ADMIN("admin");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Scope> parse(String value) {
        return Arrays.stream(values())
                .filter(s -> s.wireName.equals(value == null ? null : value.trim()))
                .findFirst();
    }
}
