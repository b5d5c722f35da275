package dev.chainsync.app;

import dev.chainsync.db.Jdbc;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;

/**
 * The database's share of the write path measured on its own: {@code outbox-floor.sql} replays the
 * relay's statements for a batch of fresh operations inside PostgreSQL, so no client, network or
 * chain is involved. Destroys the outbox and credential tables' contents: scratch databases only.
 */
final class OutboxFloor {
    private OutboxFloor() {}

    /** Microseconds of one database backend per operation, over {@code operations} drained {@code batch} at a time. */
    static double microsPerOperation(Jdbc scratch, int operations, int batch) {
        return scratch.withConnection(c -> {
            try (Statement s = c.createStatement()) {
                // CASCADE: other capabilities' tables refer to chain_operations (V52's pending_transfers);
                // in the scratch database they are empty or left over from the run just measured.
                s.execute("TRUNCATE credential_events, credentials, chain_operation_attempts, chain_operations,"
                        + " webhook_messages, webhook_events CASCADE");
                s.execute("""
                        INSERT INTO credentials (hash, issuer_id, recipient_id, file_sha256, file_size, issued_at,
                                                 issuer_address, issuer_signature, memo, status, created_at, updated_at)
                        SELECT encode(sha256(('floor' || g)::bytea), 'hex'), 'bench-issuer', 'student-' || g,
                               encode(sha256(('file' || g)::bytea), 'hex'), 1024, now(), 'floor-issuer', repeat('s', 88),
                               'chainsync:v1:' || encode(sha256(('floor' || g)::bytea), 'hex'), 'pending', now(), now()
                          FROM generate_series(1, %d) AS g""".formatted(operations));
                s.execute("""
                        INSERT INTO chain_operations (kind, aggregate_id, memo, idempotency_key, status, max_attempts,
                                                      next_attempt_at, created_at, updated_at)
                        SELECT 'credential.anchor', hash, memo, 'credential.anchor:' || hash, 'pending', 8,
                               now() - interval '1 hour', now(), now()
                          FROM credentials ORDER BY id""");
                s.execute("""
                        INSERT INTO credential_events (credential_hash, event_type, detail, occurred_at)
                        SELECT c.hash, 'created', jsonb_build_object('issuer_id', c.issuer_id, 'recipient_id',
                                   c.recipient_id, 'file_sha256', c.file_sha256, 'operation_id', o.id), now()
                          FROM credentials c JOIN chain_operations o ON o.aggregate_id = c.hash ORDER BY c.id""");
                s.execute(procedure());
                // Waiting for the WAL flush of each step's commit is not work: leaving it out keeps the
                // floor a floor (the relay's commits do wait for it).
                s.execute("SET synchronous_commit = off");
                double seconds;
                try {
                    long t0 = System.nanoTime();
                    s.execute("CALL pg_temp.outbox_floor(" + batch + ")");
                    seconds = (System.nanoTime() - t0) / 1e9;
                } finally {
                    s.execute("RESET synchronous_commit");
                }
                long confirmed = Jdbc.query(
                                c,
                                "SELECT count(*) FROM chain_operations WHERE status = 'confirmed'",
                                r -> r.getLong(1))
                        .getFirst();
                if (confirmed != operations) {
                    throw new IllegalStateException("floor run confirmed " + confirmed + " of " + operations);
                }
                return seconds * 1e6 / operations;
            }
        });
    }

    private static String procedure() {
        try (InputStream in = OutboxFloor.class.getResourceAsStream("outbox-floor.sql")) {
            if (in == null) {
                throw new IllegalStateException("outbox-floor.sql is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
