package dev.chainsync.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.testing.WritePath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IngestCompletenessTest {
    private WritePath w;

    @AfterEach
    void tearDown() {
        if (w != null) {
            w.close();
        }
    }

    /** An event as ingest would store it (the generic table: the fewest columns to fill). */
    private void event(String network, long block) {
        w.jdbc.update(
                "INSERT INTO generic_events (transaction_hash, log_index, event_name, event_data, address, block_hash,"
                        + " block_number, network, transaction_index, source_stream, source_entry_ms, source_entry_seq,"
                        + " created_at) VALUES (?, 0, 'Ping', '{}'::jsonb, '0xc', '0xb', ?, ?, 0, 's', 0, 0, ?)",
                "0x" + network + block,
                block,
                network,
                w.clock.instant());
    }

    @Test
    void anInjectedGapIsFoundAndReportedPerNetwork() {
        w = new WritePath("rec-ingest-gap");
        for (long b = 1; b <= 20; b++) {
            event("base", b);
        }
        // Blocks 21..99 never arrived on base; linea only skips 10 blocks, within the quiet limit.
        for (long b = 100; b <= 110; b++) {
            event("base", b);
        }
        event("linea", 5);
        event("linea", 16);
        w.advance(Duration.ofSeconds(1));
        ReconcileEngine engine = new ReconcileEngine(w.jdbc, EngineConfig.defaults(), 5, w.clock, w.registry);
        engine.register(new IngestCompleteness(w.jdbc, 50));

        ReconcileEngine.Run run = engine.runOnce(IngestCompleteness.NAME);

        assertThat(run.status()).isEqualTo("succeeded");
        assertThat(run.reported()).isEqualTo(1);
        assertThat(run.healed()).isZero();
        assertThat(w.jdbc.query(
                        "SELECT finding || ' ' || action || ' ' || item_key FROM reconciliation_findings WHERE run_id = ?",
                        r -> r.getString(1),
                        run.id()))
                .containsExactly("missing_in_db reported base:21-99");
        assertThat(w.count("SELECT count(*) FROM reconciliation_corrections")).isZero();
    }

    @Test
    void gapsArePureArithmetic() {
        List<Discrepancy> gaps = IngestCompleteness.gaps(Map.of("n", new long[] {1, 2, 6, 7, 20}), 3);
        assertThat(gaps).extracting(Discrepancy::key).containsExactly("n:8-19");
        assertThat(IngestCompleteness.gaps(Map.of("n", new long[] {1, 5}), 3)).isEmpty();
        assertThat(IngestCompleteness.gaps(Map.of("n", new long[] {}), 3)).isEmpty();
    }
}
