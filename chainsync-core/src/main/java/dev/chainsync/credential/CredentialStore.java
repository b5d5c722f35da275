package dev.chainsync.credential;

import static dev.chainsync.db.Jdbc.instant;
import static dev.chainsync.db.Jdbc.nullableLong;

import dev.chainsync.db.Jdbc;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** All SQL on {@code credentials} and {@code credential_events}; the credential package owns both. */
final class CredentialStore {
    static final String COLUMNS = "id, hash, issuer_id, recipient_id, serial, file_sha256, file_size, issued_at, "
            + "issuer_address, issuer_signature, memo, status, chain_signature, chain_slot, confirmed_at, "
            + "created_at, updated_at";

    private final Jdbc jdbc;

    CredentialStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    Jdbc jdbc() {
        return jdbc;
    }

    /** Inserts a new credential; returns its id, or null when the hash already exists. */
    static Long insert(Connection c, Credential cr) throws SQLException {
        List<Long> ids = Jdbc.query(
                c,
                """
                INSERT INTO credentials (hash, issuer_id, recipient_id, serial, file_sha256, file_size, issued_at,
                                         issuer_address, issuer_signature, memo, status, chain_signature, chain_slot,
                                         confirmed_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (hash) DO NOTHING
                RETURNING id""",
                r -> r.getLong(1),
                cr.hash(),
                cr.issuerId(),
                cr.recipientId(),
                cr.serial(),
                cr.fileSha256(),
                cr.fileSize(),
                cr.issuedAt(),
                cr.issuerAddress(),
                cr.issuerSignature(),
                cr.memo(),
                cr.status().dbName(),
                cr.chainSignature(),
                cr.chainSlot(),
                cr.confirmedAt(),
                cr.createdAt(),
                cr.updatedAt());
        return ids.isEmpty() ? null : ids.getFirst();
    }

    static void event(Connection c, String hash, String type, String detailJson, Instant at) throws SQLException {
        Jdbc.update(
                c,
                "INSERT INTO credential_events (credential_hash, event_type, detail, occurred_at) "
                        + "VALUES (?, ?, ?::jsonb, ?)",
                hash,
                type,
                detailJson,
                at);
    }

    /** Appends one event per hash, all of one type, in a single statement. */
    static void events(Connection c, List<String> hashes, String type, List<String> details, Instant at)
            throws SQLException {
        if (hashes.isEmpty()) {
            return;
        }
        Jdbc.update(
                c,
                """
                INSERT INTO credential_events (credential_hash, event_type, detail, occurred_at)
                SELECT u.hash, ?, u.detail::jsonb, ?
                  FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS u(hash, detail, n)
                 ORDER BY u.n""",
                type,
                at,
                c.createArrayOf("text", hashes.toArray()),
                c.createArrayOf("text", details.toArray()));
    }

    /** Sets the status of many credentials, leaving alone those already past the point {@code onlyFrom} allows. */
    static void setStatus(Connection c, List<String> hashes, CredentialStatus status, List<String> onlyFrom, Instant at)
            throws SQLException {
        if (hashes.isEmpty()) {
            return;
        }
        Jdbc.update(
                c,
                """
                UPDATE credentials SET status = ?, updated_at = ?
                 WHERE hash = ANY (?) AND status = ANY (?)""",
                status.dbName(),
                at,
                c.createArrayOf("text", hashes.toArray()),
                c.createArrayOf("text", onlyFrom.toArray()));
    }

    static void markOnChain(
            Connection c,
            List<String> hashes,
            List<String> signatures,
            List<Long> slots,
            CredentialStatus status,
            Instant at)
            throws SQLException {
        if (hashes.isEmpty()) {
            return;
        }
        Jdbc.update(
                c,
                """
                UPDATE credentials cr
                   SET status = ?, chain_signature = u.signature, chain_slot = u.slot,
                       confirmed_at = COALESCE(cr.confirmed_at, ?), updated_at = ?
                  FROM unnest(?::text[], ?::text[], ?::bigint[]) AS u(hash, signature, slot)
                 WHERE cr.hash = u.hash""",
                status.dbName(),
                at,
                at,
                c.createArrayOf("text", hashes.toArray()),
                c.createArrayOf("text", signatures.toArray()),
                c.createArrayOf("bigint", slots.toArray()));
    }

    Optional<Credential> find(String hash) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM credentials WHERE hash = ?", CredentialStore::map, hash);
    }

    List<CredentialEvent> history(String hash) {
        return jdbc.query(
                """
                SELECT id, event_type, detail::text AS detail, occurred_at FROM credential_events
                 WHERE credential_hash = ? ORDER BY id""",
                r -> new CredentialEvent(
                        r.getLong("id"), r.getString("event_type"), r.getString("detail"), instant(r, "occurred_at")),
                hash);
    }

    List<Credential> list(String issuerId, String recipientId, CredentialStatus status, Long beforeId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM credentials WHERE true");
        List<Object> params = new ArrayList<>();
        if (issuerId != null) {
            sql.append(" AND issuer_id = ?");
            params.add(issuerId);
        }
        if (recipientId != null) {
            sql.append(" AND recipient_id = ?");
            params.add(recipientId);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            params.add(status.dbName());
        }
        if (beforeId != null) {
            sql.append(" AND id < ?");
            params.add(beforeId);
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(limit);
        return jdbc.query(sql.toString(), CredentialStore::map, params.toArray());
    }

    /**
     * Read through credentials_on_chain_idx (V43), whose predicate is this status filter. With the
     * earlier index on confirmed_at alone, a planner without statistics took the status filter to
     * be selective and ANDed in a bitmap of credentials_status_idx: every confirmed and finalized
     * credential ever issued, read on every reconciliation run.
     */
    static final String CONFIRMED_BETWEEN = "SELECT " + COLUMNS + " FROM credentials "
            + "WHERE status IN ('confirmed', 'finalized') AND confirmed_at >= ? AND confirmed_at < ? ORDER BY id";

    /** Credentials the database says are on chain, confirmed inside {@code [from, to)}. */
    List<Credential> confirmedBetween(Instant from, Instant to) {
        return jdbc.query(CONFIRMED_BETWEEN, CredentialStore::map, from, to);
    }

    static Credential map(ResultSet r) throws SQLException {
        return new Credential(
                r.getLong("id"),
                r.getString("hash"),
                r.getString("issuer_id"),
                r.getString("recipient_id"),
                r.getString("serial"),
                r.getString("file_sha256"),
                nullableLong(r, "file_size"),
                instant(r, "issued_at"),
                r.getString("issuer_address"),
                r.getString("issuer_signature"),
                r.getString("memo"),
                CredentialStatus.fromDb(r.getString("status")),
                r.getString("chain_signature"),
                nullableLong(r, "chain_slot"),
                instant(r, "confirmed_at"),
                instant(r, "created_at"),
                instant(r, "updated_at"));
    }
}
