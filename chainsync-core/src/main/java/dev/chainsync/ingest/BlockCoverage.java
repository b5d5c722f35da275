package dev.chainsync.ingest;

import dev.chainsync.db.Jdbc;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Which blocks the ingested events cover, per network: what reconciliation's ingest completeness reads. */
public final class BlockCoverage {
    /** Every ingest event table: what arrived is the union of their blocks. */
    public static final List<String> EVENT_TABLES = List.of(
            "atom_created_events",
            "triple_created_events",
            "deposited_events",
            "redeemed_events",
            "share_price_changed_events",
            "generic_events");

    private BlockCoverage() {}

    /**
     * The distinct block numbers of the events stored from {@code from} (inclusive) to {@code to}
     * (exclusive), ascending, per network in name order.
     */
    public static Map<String, long[]> arrived(Jdbc jdbc, Instant from, Instant to) {
        StringBuilder union = new StringBuilder();
        List<Object> params = new ArrayList<>();
        for (String table : EVENT_TABLES) {
            union.append(union.isEmpty() ? "" : " UNION ")
                    .append("SELECT network, block_number FROM ")
                    .append(table)
                    .append(" WHERE created_at >= ? AND created_at < ?");
            params.add(from);
            params.add(to);
        }
        Map<String, long[]> out = new LinkedHashMap<>();
        jdbc.query(
                "SELECT network, array_agg(DISTINCT block_number ORDER BY block_number) AS blocks FROM (" + union
                        + ") b GROUP BY network ORDER BY network",
                r -> out.put(
                        r.getString("network"),
                        Arrays.stream((Object[]) r.getArray("blocks").getArray())
                                .mapToLong(v -> ((Number) v).longValue())
                                .toArray()),
                params.toArray());
        return out;
    }
}
