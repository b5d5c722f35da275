package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chain.evm.AnvilNode;
import dev.chainsync.chain.evm.IntuitionEventsContract;
import dev.chainsync.testing.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ponder, the EVM ingest benchmark's peer, on anvil with a few hundred events. Slow for a test:
 * Ponder builds its project and creates its schema at start (about 20 to 45 s on the shared
 * machine), so the whole class is bounded by a timeout rather than kept small by luck.
 */
class PonderPeerTest {
    private static final int EVENTS = 200; // 20 generated groups

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void ponderIndexesTheRangeIntoItsSchemaAndReportsItsRate() throws Exception {
        String missing = PonderPeer.missingTool();
        Assumptions.assumeTrue(missing == null, () -> "Ponder peer test skipped: " + missing);
        Assumptions.assumeTrue(
                PonderPeer.findDirectory() != null,
                () -> "Ponder peer test skipped: " + PonderPeer.DIRECTORY + " not found");
        Path anvilDir = AnvilNode.findDirectory();
        String noAnvil = AnvilNode.unavailableReason(anvilDir);
        Assumptions.assumeTrue(noAnvil == null, () -> "Ponder peer test skipped: " + noAnvil);

        try (AnvilNode node = AnvilNode.start(anvilDir);
                TestDatabases.Scratch db = TestDatabases.create("ponder")) {
            String contract = node.deployIntuitionEvents();
            long first = Long.decode(node.transact(
                            contract,
                            IntuitionEventsContract.fillCall(0, EVENTS),
                            IntuitionEventsContract.fillGas(EVENTS))
                    .path("blockNumber")
                    .asText());
            node.mine(PonderPeer.FINALITY_BLOCKS + 1);
            PonderPeer.Target target = new PonderPeer.Target(
                    node.url(), AnvilNode.CHAIN_ID, contract, 0, first, db.jdbcUrl(), "postgres", null, "ponder_test");
            ByteArrayOutputStream said = new ByteArrayOutputStream();
            Optional<PonderPeer.Run> run =
                    PonderPeer.run(target, Duration.ofMinutes(4), new PrintStream(said, true, StandardCharsets.UTF_8));

            assertThat(run).as(said.toString(StandardCharsets.UTF_8)).isPresent();
            assertThat(run.get().events()).isEqualTo(EVENTS);
            assertThat(run.get().backfillOnly()).isTrue();
            assertThat(run.get().eventsPerSecond()).isPositive();
            assertThat(run.get().indexing()).isLessThanOrEqualTo(run.get().wall());
            // The handlers' derived tables: 2 atoms, 1 triple (2 terms), 3 vaults and positions per group.
            Map<String, Long> rows = Map.of(
                    "atom", 40L,
                    "triple", 20L,
                    "term", 80L,
                    "vault", 60L,
                    "position", 60L,
                    "triple_vault", 20L,
                    "triple_term", 20L,
                    "predicate_object", 20L);
            try (var c = db.database().dataSource().getConnection();
                    var s = c.createStatement()) {
                for (var e : rows.entrySet()) {
                    try (var rs = s.executeQuery("SELECT count(*) FROM ponder_test." + e.getKey())) {
                        rs.next();
                        assertThat(rs.getLong(1)).as(e.getKey()).isEqualTo(e.getValue());
                    }
                }
                // Every vault of a triple counted once in its triple_vault, positions included.
                try (var rs = s.executeQuery("""
                        SELECT (SELECT sum(position_count) FROM ponder_test.triple_vault),
                               (SELECT count(*) FROM ponder_test.vault v WHERE v.position_count > 0
                                   AND v.term_id IN (SELECT term_id FROM ponder_test.triple
                                                     UNION SELECT counter_term_id FROM ponder_test.triple))""")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(rs.getLong(2)).isEqualTo(40);
                }
            }
        }
    }

    @Test
    void theTargetIsCheckedAndNamesTheDatabaseAsPonderWantsIt() {
        PonderPeer.Target t = new PonderPeer.Target(
                URI.create("http://127.0.0.1:8545"),
                31337,
                "0x8464135c8f25da09e49bc8782676a84730c318bc",
                0,
                10,
                "jdbc:postgresql://127.0.0.1:5432/chainsync?sslmode=disable",
                "post gres",
                "p@ss",
                "ponder_bench");
        assertThat(t.ponderDatabaseUrl()).isEqualTo("postgresql://post%20gres:p%40ss@127.0.0.1:5432/chainsync");
        assertThatThrownBy(() ->
                        new PonderPeer.Target(t.rpcUrl(), 1, t.contract(), 0, 10, t.jdbcUrl(), null, null, "Bad; DROP"))
                .hasMessageContaining("schema");
        assertThatThrownBy(
                        () -> new PonderPeer.Target(t.rpcUrl(), 1, t.contract(), 11, 10, t.jdbcUrl(), null, null, "ok"))
                .hasMessageContaining("startBlock");
    }
}
