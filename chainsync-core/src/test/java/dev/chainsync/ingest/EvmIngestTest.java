package dev.chainsync.ingest;

import static dev.chainsync.ingest.IngestTesting.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chainsync.chain.ChainHealth;
import dev.chainsync.db.Jdbc;
import dev.chainsync.ingest.EvmCheckpoints.Checkpoint;
import dev.chainsync.time.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native EVM source ({@code CHAINSYNC_INGEST_SOURCE=evm}) against a real anvil node: logs of
 * the Intuition events contract into the event tables and projections, reorgs rolled back and
 * re-read, restarts, failing and limiting endpoints.
 */
class EvmIngestTest {
    static final List<String> EVENT_TABLES = BlockCoverage.EVENT_TABLES;

    EvmFixture fx;

    @BeforeEach
    void start() {
        fx = EvmFixture.start();
    }

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void logsBecomeTheIntuitionTablesOnTheServiceLifecycle() {
        fx.fill(20);
        fx.fill(10);
        long head = fx.head();
        Jdbc jdbc = fx.database("evm_happy");
        try (Ingest ingest = new Ingest(
                        jdbc, EvmFixture.ingestConfig(fx.config(2000)), Clock.systemUTC(), new SimpleMeterRegistry())
                .start()) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() ->
                            EvmCheckpoints.load(jdbc, EvmFixture.NETWORK, 0).blockNumber() >= head);
            Ingest.StreamStatus s = ingest.status().streams().getFirst();
            assertThat(s.stream()).isEqualTo("evm:" + EvmFixture.NETWORK);
            assertThat(s.committedEvents()).isEqualTo(30);
            assertThat(ingest.health().healthy()).isTrue();
        }
        assertThat(count(jdbc, "atom_created_events")).isEqualTo(6);
        assertThat(count(jdbc, "triple_created_events")).isEqualTo(3);
        assertThat(count(jdbc, "deposited_events")).isEqualTo(9);
        assertThat(count(jdbc, "redeemed_events")).isEqualTo(3);
        assertThat(count(jdbc, "share_price_changed_events")).isEqualTo(9);
        assertThat(count(jdbc, "atom")).isEqualTo(6);
        assertThat(count(jdbc, "triple")).isEqualTo(3);
        assertThat(jdbc.queryOne(
                                "SELECT count(*) FROM deposited_events WHERE network = ? AND chain_id = 31337"
                                        + " AND block_timestamp IS NOT NULL AND address = ?",
                                r -> r.getLong(1),
                                EvmFixture.NETWORK,
                                fx.contract.toLowerCase(java.util.Locale.ROOT))
                        .orElseThrow())
                .isEqualTo(9);
        // Group 0's account deposited into atom 0 (event 3) and redeemed half of it (event 9).
        BigInteger assets = BigInteger.TEN.pow(18).add(BigInteger.valueOf(3_000_000_000L));
        BigInteger net = assets.subtract(assets.divide(BigInteger.valueOf(100)));
        String account = "0x" + "0".repeat(33) + "acc0000";
        assertThat(jdbc.queryOne(
                                "SELECT shares::text || '/' || total_deposit_assets_after_total_fees::text || '/'"
                                        + " || total_redeem_assets_for_receiver::text FROM position WHERE account_id = ?"
                                        + " AND term_id = (SELECT term_id FROM deposited_events WHERE vault_type = 0"
                                        + " ORDER BY block_number, log_index LIMIT 1)",
                                r -> r.getString(1),
                                account)
                        .orElseThrow())
                .isEqualTo(net.subtract(net.divide(BigInteger.TWO)) + "/" + net + "/" + net.divide(BigInteger.TWO));
        // What the live projections hold is what recomputing them from the events gives.
        var live = IngestTesting.derived(jdbc);
        Ingest.rebuild(jdbc, (i, n, name) -> {});
        assertThat(IngestTesting.derived(jdbc)).isEqualTo(live);
    }

    @Test
    void belowTheFinalizedBlockOnlyTheRangeEndsAreFetchedAboveItEveryHeader() {
        for (int i = 0; i < 12; i++) {
            fx.fill(3);
        }
        long head = fx.head();
        long finalized = EvmLogClient.quantity(
                fx.node
                        .call("eth_getBlockByNumber", List.of("finalized", false))
                        .path("number"),
                "finalized");
        assertThat(finalized)
                .as("--slots-in-an-epoch 1 finalizes all but the newest blocks")
                .isBetween(head - 3, head - 1);
        Jdbc jdbc = fx.database("evm_final");
        AtomicInteger headers = new AtomicInteger();
        fx.fault.set(request -> {
            for (JsonNode r : request.isArray() ? request : List.of(request)) {
                if (r.path("method").asText().equals("eth_getBlockByNumber")
                        && !r.path("params").path(0).asText().equals("finalized")) {
                    headers.incrementAndGet();
                }
            }
            return null;
        });
        EvmFixture.Worker w = fx.worker(jdbc, fx.config(2000));
        w.drainTo(head, 20);
        assertThat(count(jdbc, "deposited_events"))
                .isEqualTo(11); // 36 events: groups 0-2 whole (3 deposits each), group 3 up to event 5
        // Two ends of the finalized range, every unfinalized block, the tip checks: far fewer than the blocks.
        assertThat(headers.get()).isLessThan((int) head);
        assertThat(w.checkpoint().blockHash())
                .isEqualTo(fx.node
                        .call("eth_getBlockByNumber", List.of("latest", false))
                        .path("hash")
                        .asText());
    }

    @Test
    void aReorgRollsBackTheDroppedBlocksAndReadsTheNewBranch() {
        Jdbc jdbc = fx.database("evm_reorg");
        EvmFixture.Worker w = fx.worker(jdbc, fx.config(2000));
        fx.fill(10);
        fx.fill(10);
        Map<String, Object> kept = fx.fill(10);
        fx.fill(10);
        w.drainTo(fx.head(), 20);
        assertThat(IngestTesting.events(jdbc)).isEqualTo(40);
        // The last three blocks go; the new branch carries one of their transactions and a new one.
        fx.reorg(3, List.of(Map.entry(kept, 0), Map.entry(fx.fillRequest(5), 2)));
        w.drainTo(fx.head(), 20);
        assertThat(IngestTesting.events(jdbc)).isEqualTo(fx.logs().size()).isEqualTo(25);
        assertThat(count(jdbc, "ingest_reorgs")).isEqualTo(1);
        assertSameAsFreshIngest(jdbc, "evm_reorg_fresh");
    }

    /**
     * A depth-20 reorg on a chain of more than 1,000 blocks: anvil 1.7.1 loses the contract's code
     * on the new branch there unless started with {@code --prune-history} (as AnvilNode does), which
     * would show here as the replayed transaction's events missing.
     */
    @Test
    void aDeepReorgOnALongChainIsRolledBackAndReadAgain() {
        Jdbc jdbc = fx.database("evm_deep");
        EvmFixture.Worker w = fx.worker(jdbc, fx.config(2000));
        fx.node.mine(1_100);
        for (int i = 0; i < 10; i++) {
            fx.fill(10);
        }
        fx.node.mine(15);
        w.drainTo(fx.head(), 100);
        assertThat(IngestTesting.events(jdbc)).isEqualTo(100);
        fx.reorg(20, List.of(Map.entry(fx.fillRequest(7), 3)));
        w.drainTo(fx.head(), 100);
        // The last five filled blocks were among the twenty dropped: 50 events stay, 7 come.
        assertThat(fx.logs().size())
                .as("the contract still emits on the new branch")
                .isEqualTo(57);
        assertThat(IngestTesting.events(jdbc)).isEqualTo(57);
        assertSameAsFreshIngest(jdbc, "evm_deep_fresh");
    }

    @Test
    void aReorgOfTheTipAtTheSameHeightIsNoticed() {
        Jdbc jdbc = fx.database("evm_tip");
        EvmFixture.Worker w = fx.worker(jdbc, fx.config(2000));
        fx.fill(4);
        fx.fill(4);
        long head = fx.head();
        w.drainTo(head, 20);
        fx.reorg(1, List.of(Map.entry(fx.fillRequest(2), 0)));
        assertThat(fx.head()).isEqualTo(head);
        w.drainTo(head, 20);
        assertThat(IngestTesting.events(jdbc)).isEqualTo(6);
        assertSameAsFreshIngest(jdbc, "evm_tip_fresh");
    }

    /**
     * The property: after ingesting while the chain grows and reorganises at random (the source
     * reading in small ranges, interrupted anywhere), every event and derived table equals what
     * ingesting only the surviving events, in order, into a fresh database gives.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void afterRandomReorgsEveryTableEqualsIngestingOnlyTheSurvivors(long seed) {
        Random rnd = new Random(seed);
        Jdbc jdbc = fx.database("evm_prop");
        EvmFixture.Worker w = fx.worker(jdbc, fx.config(1 + rnd.nextInt(4)));
        int reorgs = 0;
        for (int step = 0; step < 40; step++) {
            int what = rnd.nextInt(10);
            long head = fx.head();
            if (what < 4) {
                fx.fill(1 + rnd.nextInt(15));
            } else if (what == 4) {
                fx.node.mine(1 + rnd.nextInt(3));
            } else if (what < 7 && head > 3) {
                int depth = 1 + rnd.nextInt((int) Math.min(5, head - 2)); // the contract (block 1) stays
                List<Map.Entry<Map<String, Object>, Integer>> txs = new ArrayList<>();
                for (int k = rnd.nextInt(3); k > 0; k--) {
                    txs.add(Map.entry(fx.fillRequest(1 + rnd.nextInt(12)), rnd.nextInt(depth)));
                }
                fx.reorg(depth, txs);
                reorgs++;
            } else {
                for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                    w.source().pass();
                }
            }
        }
        w.drainTo(fx.head(), 1_000);
        assertThat(reorgs).isPositive();
        assertThat(IngestTesting.events(jdbc)).isEqualTo(fx.logs().size());
        assertSameAsFreshIngest(jdbc, "evm_prop_fresh");
    }

    @Test
    void aRestartResumesAtTheCheckpointWithoutReadingAnyBlockTwice() {
        for (int i = 0; i < 6; i++) {
            fx.fill(7);
        }
        long head = fx.head();
        Jdbc jdbc = fx.database("evm_restart");
        EvmFixture.Worker first = fx.worker(jdbc, fx.config(2));
        first.source().pass();
        first.source().pass();
        Checkpoint mid = first.checkpoint();
        assertThat(mid.blockNumber()).isBetween(1L, head - 1);
        long before = IngestTesting.events(jdbc);
        assertThat(before).isPositive().isLessThan(42);

        EvmFixture.Worker second = fx.worker(jdbc, fx.config(2000)); // a new instance
        second.drainTo(head, 20);
        assertThat(IngestTesting.events(jdbc)).isEqualTo(42);
        // Every event was part of exactly one committed entry: nothing was read twice.
        assertThat(jdbc.queryOne("SELECT events FROM ingest_progress", r -> r.getLong(1))
                        .orElseThrow())
                .isEqualTo(42);
    }

    @Test
    void aFailingFirstEndpointSendsReadsToTheNext() {
        fx.fill(10);
        fx.fill(10);
        long head = fx.head();
        Jdbc jdbc = fx.database("evm_failover");
        AtomicInteger answered = new AtomicInteger();
        fx.fault.set(request -> {
            answered.incrementAndGet();
            return answered.get() % 3 == 0
                    ? EvmFixture.error(request, -32603, "internal error")
                    : new EvmFixture.Answer(503, "");
        });
        EvmFixture.Worker w = fx.worker(jdbc, fx.config(List.of(fx.proxyUrl(), fx.node.url()), 2000));
        w.drainTo(head, 20);
        assertThat(IngestTesting.events(jdbc)).isEqualTo(20);
        assertThat(answered.get()).isPositive();
    }

    @Test
    void aFirstEndpointThatKeepsFailingIsSkippedByItsBreakerAndTriedAgainAfterTheOpenPeriod() {
        fx.fill(10);
        long head = fx.head();
        Jdbc jdbc = fx.database("evm_breaker");
        AtomicInteger asked = new AtomicInteger();
        fx.fault.set(request -> {
            asked.incrementAndGet();
            return new EvmFixture.Answer(503, "");
        });
        ManualClock clock = new ManualClock(Instant.parse("2026-12-08T00:00:00Z"));
        EvmFixture.Worker w = fx.worker(jdbc, fx.config(List.of(fx.proxyUrl(), fx.node.url()), 2000), clock);
        w.drainTo(head, 20);
        assertThat(IngestTesting.events(jdbc)).isEqualTo(10);
        List<ChainHealth.Endpoint> health = w.client().health();
        assertThat(health).extracting(ChainHealth.Endpoint::status).containsExactly("down", "up");
        assertThat(health.getFirst().breaker()).isEqualTo("open");
        assertThat(health.getFirst().lastError()).contains("HTTP 503");
        assertThat(w.registry()
                        .get("chainsync_chain_rpc_failovers_total")
                        .tag("endpoint", health.getFirst().name())
                        .tag("role", "ingest")
                        .counter()
                        .count())
                .isPositive();

        // While the breaker is open the first endpoint is not asked at all, and reads go on.
        int whileOpen = asked.get();
        fx.fill(5);
        w.drainTo(fx.head(), 20);
        assertThat(IngestTesting.events(jdbc)).isEqualTo(15);
        assertThat(asked.get()).as("requests to the open endpoint").isEqualTo(whileOpen);

        // The node is back; once the open period is over a trial request closes the breaker again.
        fx.fault.set(request -> {
            asked.incrementAndGet();
            return null;
        });
        clock.advance(EvmSourceConfig.ENDPOINT_OPEN_DURATION.plusSeconds(1));
        fx.fill(5);
        w.drainTo(fx.head(), 20);
        assertThat(IngestTesting.events(jdbc)).isEqualTo(20);
        assertThat(asked.get()).isGreaterThan(whileOpen);
        health = w.client().health();
        assertThat(health).extracting(ChainHealth.Endpoint::status).containsExactly("up", "up");
        assertThat(health.getFirst().breaker()).isEqualTo("closed");
        assertSameAsFreshIngest(jdbc, "evm_breaker_fresh");
    }

    @Test
    void anEndpointLaggingBehindTheBestIsNotReadFromAndItsLagIsShown() {
        long behind = EvmSourceConfig.MAX_LAG_BLOCKS + 5;
        fx.node.mine(behind + 10);
        fx.fill(10);
        long head = fx.head();
        Jdbc jdbc = fx.database("evm_lag");
        AtomicInteger otherRequests = new AtomicInteger();
        // The first endpoint claims a head further behind than the source tolerates.
        fx.fault.set(request -> {
            if (request.path("method").asText().equals("eth_blockNumber")) {
                long lagging = fx.head() - behind;
                return new EvmFixture.Answer(
                        200,
                        "{\"jsonrpc\":\"2.0\",\"id\":" + request.path("id") + ",\"result\":\""
                                + EvmLogClient.hex(lagging) + "\"}");
            }
            otherRequests.incrementAndGet();
            return null;
        });
        EvmFixture.Worker w = fx.worker(jdbc, fx.config(List.of(fx.proxyUrl(), fx.node.url()), 2000));
        w.drainTo(head, 20);
        assertThat(IngestTesting.events(jdbc)).isEqualTo(10);
        List<ChainHealth.Endpoint> health = w.client().health();
        assertThat(health).extracting(ChainHealth.Endpoint::status).containsExactly("lagging", "up");
        assertThat(health.getFirst().lagBlocks()).isEqualTo(behind);
        assertThat(w.registry()
                        .get("chainsync_chain_rpc_height_lag_blocks")
                        .tag("endpoint", health.getFirst().name())
                        .tag("role", "ingest")
                        .gauge()
                        .value())
                .isEqualTo((double) behind);
        int before = otherRequests.get();
        fx.fill(5);
        w.drainTo(fx.head(), 20);
        assertThat(otherRequests.get())
                .as("logs and headers are not read from the lagging endpoint")
                .isEqualTo(before);
    }

    @Test
    void anUnavailableOrStallingNodeIsWaitedOutAndReported() {
        fx.fill(10);
        long head = fx.head();
        Jdbc jdbc = fx.database("evm_outage");
        EvmFixture.Worker w = fx.worker(jdbc, fx.config(2000));
        fx.fault.set(request -> new EvmFixture.Answer(503, ""));
        assertThat(w.source().pass()).isZero();
        assertThat(w.shared().lastError).startsWith("evm: ").contains("HTTP 503");
        assertThat(w.shared().redisHealthy)
                .as("the source is reported unhealthy")
                .isFalse();

        fx.fault.set(request -> {
            if (request.toString().contains("eth_getLogs")) {
                Thread.sleep(3_000); // past the 1.5 s request timeout
            }
            return null;
        });
        assertThat(w.source().pass()).isZero();
        assertThat(w.shared().lastError).contains("timed out");
        assertThat(IngestTesting.events(jdbc)).isZero();

        fx.fault.set(null);
        w.drainTo(head, 20);
        assertThat(w.shared().redisHealthy).isTrue();
        assertThat(IngestTesting.events(jdbc)).isEqualTo(10);
    }

    @Test
    void aProviderCappingTheLogRangeGetsSmallerRanges() {
        for (int i = 0; i < 15; i++) {
            fx.fill(4);
        }
        long head = fx.head();
        Jdbc jdbc = fx.database("evm_cap");
        AtomicInteger refused = new AtomicInteger();
        fx.fault.set(request -> {
            JsonNode filter = request.path("params").path(0);
            if (request.path("method").asText().equals("eth_getLogs")) {
                long from = EvmLogClient.quantity(filter.path("fromBlock"), "from");
                long to = EvmLogClient.quantity(filter.path("toBlock"), "to");
                if (to - from + 1 > 3) {
                    refused.incrementAndGet();
                    return EvmFixture.error(request, -32005, "block range too large: at most 3 blocks per query");
                }
            }
            return null;
        });
        EvmFixture.Worker w = fx.worker(jdbc, fx.config(1000));
        w.drainTo(head, 200);
        assertThat(IngestTesting.events(jdbc)).isEqualTo(60);
        assertThat(refused.get()).isPositive();
        assertThat(w.source().span()).isLessThanOrEqualTo(6);
        assertSameAsFreshIngest(jdbc, "evm_cap_fresh");
    }

    @Test
    void aLogThatDoesNotFitItsDeclarationIsDeadLetteredAndTheRestCommitted() {
        fx.fill(10);
        long head = fx.head();
        Jdbc jdbc = fx.database("evm_poison");
        fx.rewrite.set(answer -> {
            if (answer.path("result").isArray()) {
                for (JsonNode l : answer.path("result")) {
                    if (l.path("logIndex").asText().equals("0x3")) {
                        ((ObjectNode) l).put("data", "0x1234"); // a Deposited with two bytes of data
                    }
                }
            }
            return answer;
        });
        EvmFixture.Worker w = fx.worker(jdbc, fx.config(2000));
        w.drainTo(head, 20);
        assertThat(IngestTesting.events(jdbc)).isEqualTo(9);
        assertThat(jdbc.queryOne("SELECT reason FROM ingest_dead_letters", r -> r.getString(1))
                        .orElseThrow())
                .startsWith("undecodable log: Deposited")
                .contains("bytes of data");
        assertThat(w.checkpoint().blockNumber()).isEqualTo(head);

        // A replay decodes the stored log again: still malformed, it is dead-lettered again ...
        DeadLetter d = DeadLetters.list(jdbc, null, null, 10).getFirst();
        w.source().replay(d, d.fields());
        assertThat(count(jdbc, "ingest_dead_letters")).isEqualTo(2);
        assertThat(IngestTesting.events(jdbc)).isEqualTo(9);
        // ... and once readable (here: the log as the node has it) it is committed with its projections.
        JsonNode original = null;
        for (JsonNode l : fx.logs()) {
            if (l.path("logIndex").asText().equals("0x3")) {
                original = l;
            }
        }
        DeadLetter readable = new DeadLetter(
                d.id(),
                d.stream(),
                d.consumerGroup(),
                d.entryId(),
                original.toString(),
                Map.of(StreamEntry.PAYLOAD_FIELD, original.toString()),
                d.reason(),
                d.deliveryCount(),
                d.createdAt(),
                null,
                null);
        w.source().replay(readable, readable.fields());
        assertThat(IngestTesting.events(jdbc)).isEqualTo(10);
        assertSameAsFreshIngest(jdbc, "evm_poison_fresh");
    }

    /** The source's tables equal those of a fresh database that ingests the node's current chain. */
    private void assertSameAsFreshIngest(Jdbc jdbc, String name) {
        Jdbc fresh = fx.database(name);
        fx.rewrite.set(java.util.function.UnaryOperator.identity());
        fx.fault.set(null);
        fx.worker(fresh, fx.config(2000)).drainTo(fx.head(), 50);
        IngestTesting.assertSameDerived(jdbc, fresh);
        for (String t : EVENT_TABLES) {
            String sql = "SELECT (to_jsonb(e) - 'created_at' - 'source_stream' - 'source_entry_ms'"
                    + " - 'source_entry_seq' - 'id')::text FROM " + t + " e";
            assertThat(IngestTesting.rows(jdbc, sql)).as(t).isEqualTo(IngestTesting.rows(fresh, sql));
        }
    }
}
