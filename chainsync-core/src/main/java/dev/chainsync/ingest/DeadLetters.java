package dev.chainsync.ingest;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.chainsync.db.Jdbc;
import dev.chainsync.db.PgText;
import dev.chainsync.json.Json;
import dev.chainsync.webhook.WebhookOutbox;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** All SQL on {@code ingest_dead_letters}. */
final class DeadLetters {
    private static final String COLUMNS = "id, stream, consumer_group, entry_id, payload, fields, reason, "
            + "delivery_count, created_at, replayed_at, replayed_entry_id";

    private DeadLetters() {}

    /** One entry to bury, with why. */
    record Burial(StreamEntry entry, String reason) {}

    /**
     * Inserts inside the caller's transaction; an entry already buried (a redelivery) is left as it
     * is. Each new dead letter also emits {@code ingest.dead_lettered} in the same transaction.
     */
    static void insert(Connection c, List<Burial> burials, String group, Instant now) throws SQLException {
        for (Burial raw : burials) {
            Burial b = storable(raw);
            List<Long> ids = Jdbc.query(
                    c,
                    """
                    INSERT INTO ingest_dead_letters (stream, consumer_group, entry_id, payload, fields, reason,
                                                     delivery_count, created_at)
                    VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?)
                    ON CONFLICT (stream, consumer_group, entry_id) DO NOTHING
                    RETURNING id""",
                    r -> r.getLong(1),
                    b.entry().stream(),
                    group,
                    b.entry().id(),
                    b.entry().payload(),
                    Json.write(b.entry().fields()),
                    b.reason(),
                    b.entry().deliveries(),
                    now);
            if (!ids.isEmpty()) {
                WebhookOutbox.emit(
                        c,
                        "ingest.dead_lettered",
                        Json.object(
                                "id",
                                ids.getFirst(),
                                "stream",
                                b.entry().stream(),
                                "entry_id",
                                b.entry().id(),
                                "reason",
                                b.reason(),
                                "delivery_count",
                                b.entry().deliveries()),
                        now);
            }
        }
    }

    /**
     * The burial as PostgreSQL can store it (see {@link PgText}), else the insert would fail and the
     * poison entry would block its stream. The dead-letter stream in Redis keeps the entry byte for
     * byte.
     */
    static Burial storable(Burial b) {
        StreamEntry e = b.entry();
        boolean clean = PgText.isStorable(b.reason())
                && e.fields().entrySet().stream()
                        .allMatch(f -> PgText.isStorable(f.getKey()) && PgText.isStorable(f.getValue()));
        if (clean) {
            return b;
        }
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        e.fields().forEach((k, v) -> fields.put(PgText.storable(k), PgText.storable(v)));
        return new Burial(
                new StreamEntry(e.stream(), e.id(), fields, e.deliveries()),
                PgText.storable(b.reason()) + " [NUL characters stored as U+2400]");
    }

    static List<DeadLetter> list(Jdbc jdbc, String stream, Long beforeId, int limit) {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM ingest_dead_letters WHERE TRUE");
        if (stream != null) {
            sql.append(" AND stream = ?");
            params.add(stream);
        }
        if (beforeId != null) {
            sql.append(" AND id < ?");
            params.add(beforeId);
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(limit);
        return jdbc.query(sql.toString(), DeadLetters::map, params.toArray());
    }

    static Optional<DeadLetter> find(Jdbc jdbc, long id) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM ingest_dead_letters WHERE id = ?", DeadLetters::map, id);
    }

    /** Marks a dead letter replayed unless it already was; returns whether this call did it. */
    static boolean markReplayed(Jdbc jdbc, long id, String newEntryId, Instant now) {
        return jdbc.update("""
                UPDATE ingest_dead_letters SET replayed_at = ?, replayed_entry_id = ?
                 WHERE id = ? AND replayed_at IS NULL""", now, newEntryId, id) == 1;
    }

    static long count(Jdbc jdbc, boolean unreplayedOnly) {
        return jdbc.queryOne(
                        "SELECT count(*) FROM ingest_dead_letters"
                                + (unreplayedOnly ? " WHERE replayed_at IS NULL" : ""),
                        r -> r.getLong(1))
                .orElse(0L);
    }

    private static DeadLetter map(ResultSet r) throws SQLException {
        Map<String, String> fields;
        try {
            fields = Json.MAPPER.readValue(r.getString("fields"), new TypeReference<Map<String, String>>() {});
        } catch (java.io.IOException e) {
            fields = Map.of();
        }
        return new DeadLetter(
                r.getLong("id"),
                r.getString("stream"),
                r.getString("consumer_group"),
                r.getString("entry_id"),
                r.getString("payload"),
                fields,
                r.getString("reason"),
                r.getLong("delivery_count"),
                Jdbc.instant(r, "created_at"),
                Jdbc.instant(r, "replayed_at"),
                r.getString("replayed_entry_id"));
    }
}
