package dev.chainsync.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One side's view of one item: its owner (null when the type has none), its value, and when that
 * side last saw it. {@link #compare} is the pure comparison most data types need.
 */
public record Observed(String owner, String value, Instant at) {

    /**
     * Compares two keyed views, key by key in key order: absent on one side, a different owner, a
     * different value, or (everything equal) a database view older than {@code staleAfter} before
     * {@code now}. Pure: no I/O, the same inputs give the same findings.
     */
    public static List<Discrepancy> compare(
            Map<String, Observed> chain, Map<String, Observed> database, Instant now, Duration staleAfter) {
        TreeSet<String> keys = new TreeSet<>(chain.keySet());
        keys.addAll(database.keySet());
        List<Discrepancy> out = new ArrayList<>();
        for (String key : keys) {
            Observed c = chain.get(key);
            Observed d = database.get(key);
            DiscrepancyKind kind = c == null
                    ? DiscrepancyKind.MISSING_ON_CHAIN
                    : d == null
                            ? DiscrepancyKind.MISSING_IN_DB
                            : !Objects.equals(c.owner, d.owner)
                                    ? DiscrepancyKind.OWNER_MISMATCH
                                    : !Objects.equals(c.value, d.value)
                                            ? DiscrepancyKind.VALUE_MISMATCH
                                            : staleAfter != null
                                                            && d.at != null
                                                            && d.at.plus(staleAfter)
                                                                    .isBefore(now)
                                                    ? DiscrepancyKind.STALE
                                                    : null;
            if (kind != null) {
                out.add(new Discrepancy(key, kind, c, d));
            }
        }
        return out;
    }
}
