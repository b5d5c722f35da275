package dev.chainsync.queue;

import java.util.function.Function;

/**
 * One per-row value of a versioned set statement: unnested under {@code name} as an array of
 * {@code sqlType}, read from each row by {@code value}.
 */
public record Column<T>(String name, String sqlType, Function<? super T, ?> value) {
    public Column {
        if (name.isBlank() || sqlType.isBlank()) {
            throw new IllegalArgumentException("a column needs a name and a type");
        }
    }
}
