package dev.chainsync.ingest;

import static dev.chainsync.ingest.IngestTesting.commit;
import static dev.chainsync.ingest.IngestTesting.derived;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.db.Jdbc;
import dev.chainsync.testing.TestDatabases;
import dev.chainsync.testkit.IntuitionWorkload;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The projections, driven through the batch writer directly (no Redis): column calculations,
 * order independence, duplicates, rebuild equality, incremental analytics, reorg rollback.
 */
class ProjectionsTest {
    static final String NET = "intuition";
    static final String ALICE = "0x" + "a1".repeat(20);
    static final String BOB = "0x" + "b0".repeat(20);
    static final String A1 = "0x" + "01".repeat(32);
    static final String A2 = "0x" + "02".repeat(32);
    static final String A3 = "0x" + "03".repeat(32);
    static final String T1 = "0x" + "71".repeat(32);
    static final String E18 = "1000000000000000000";

    private static int tx;

    static String info(long block, long log) {
        return """
                "transaction_information":{"network":"%s","address":"0x%s","block_hash":"0x%s","block_number":%d,
                 "block_timestamp":"0x%x","transaction_hash":"0x%064x","log_index":"0x%x","transaction_index":0}""".formatted(
                        NET, "cc".repeat(20), "bb".repeat(32), block, 1_700_000_000L + block, block * 1000 + log, log);
    }

    static IntuitionWorkload.Entry entry(String event, String body) {
        return new IntuitionWorkload.Entry("s_" + event, """
                {"event_name":"%s","network":"%s","event_data":[%s]}""".formatted(event, NET, body), 1, 0);
    }

    static IntuitionWorkload.Entry atom(long block, long log, String term) {
        return entry("AtomCreated", """
                {"creator":"%s","termId":"%s","atomData":"%s","atomWallet":"0x%s",%s}""".formatted(
                ALICE, term, java.util.HexFormat.of().formatHex("atom".getBytes()), "ee".repeat(20), info(block, log)));
    }

    static IntuitionWorkload.Entry triple(long block, long log, String term, String s, String p, String o) {
        return entry("TripleCreated", """
                {"creator":"%s","termId":"%s","subjectId":"%s","predicateId":"%s","objectId":"%s",%s}""".formatted(ALICE, term, s, p, o, info(block, log)));
    }

    static IntuitionWorkload.Entry deposit(
            long block, long log, String who, String term, int curve, String afterFees, String totalShares) {
        return entry("Deposited", """
                {"sender":"%1$s","receiver":"%1$s","termId":"%2$s","curveId":%3$d,"assets":"%4$s","assetsAfterFees":"%4$s",
                 "shares":"1","totalShares":"%5$s","vaultType":0,%6$s}""".formatted(
                        who.toUpperCase().replace("0X", "0x"), term, curve, afterFees, totalShares, info(block, log)));
    }

    static IntuitionWorkload.Entry redeem(
            long block, long log, String who, String term, int curve, String assets, String totalShares) {
        return entry("Redeemed", """
                {"sender":"%1$s","receiver":"%1$s","termId":"%2$s","curveId":"%3$d","shares":"1","totalShares":"%5$s",
                 "assets":"%4$s","fees":"0","vaultType":0,%6$s}""".formatted(who, term, curve, assets, totalShares, info(block, log)));
    }

    static IntuitionWorkload.Entry price(
            long block, long log, String term, int curve, String price, String assets, String shares, int vaultType) {
        return entry(
                "SharePriceChanged", """
                {"termId":"%s","curveId":"0x%x","sharePrice":"%s","totalAssets":"%s","totalShares":"%s","vaultType":%d,%s}""".formatted(term, curve, price, assets, shares, vaultType, info(block, log)));
    }

    static String one(Jdbc jdbc, String sql) {
        return jdbc.queryOne(sql, r -> {
                    Object v = r.getObject(1);
                    return v instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : String.valueOf(v);
                })
                .orElse(null);
    }

    @Test
    void columnCalculationsFollowTheLatestEventAndCountEachEventOnce() {
        try (TestDatabases.Scratch db = IngestTesting.database("proj_columns")) {
            Jdbc jdbc = db.database().jdbc();
            String counter = Keccak.counterTermId(T1);
            // Deliberately out of order, one event per batch, with duplicates.
            List<IntuitionWorkload.Entry> entries = List.of(
                    redeem(1005, 2, ALICE, A1, 1, "6000", "3000"),
                    deposit(1001, 1, ALICE, A1, 1, "5000", "5000"),
                    price(1001, 10, A1, 1, "1500000000000000000", "5000", "3", 0),
                    price(1001, 9, A1, 1, "9" + E18, "1", "1", 0), // log 9 < log 10 numerically
                    deposit(1003, 1, ALICE, A1, 1, "4000", "4000"),
                    deposit(1003, 1, ALICE, A1, 1, "4000", "4000"), // duplicate
                    deposit(1004, 1, BOB, A1, 1, "700", "700"),
                    redeem(1006, 1, BOB, A1, 1, "700", "0"), // Bob leaves: count drops
                    price(1002, 1, A1, 2, "2" + E18.substring(1), "10", "7", 0),
                    atom(1000, 1, A1),
                    atom(1000, 2, A2),
                    atom(1000, 3, A3),
                    triple(1007, 1, T1, A1, A2, A3),
                    price(1008, 1, T1, 1, E18, "40", "40", 1),
                    price(1008, 2, counter, 1, E18, "2", "2", 2),
                    deposit(1008, 3, BOB, counter, 1, "2", "2"));
            for (IntuitionWorkload.Entry e : entries) {
                commit(jdbc, List.of(e), 1, 1);
            }

            String pos = "FROM position WHERE account_id = '" + ALICE + "' AND term_id = '" + A1 + "' AND curve_id = 1";
            assertThat(one(jdbc, "SELECT shares " + pos)).isEqualTo("3000");
            assertThat(one(jdbc, "SELECT total_deposit_assets_after_total_fees " + pos))
                    .isEqualTo("9000");
            assertThat(one(jdbc, "SELECT total_redeem_assets_for_receiver " + pos))
                    .isEqualTo("6000");
            assertThat(one(jdbc, "SELECT block_number " + pos)).isEqualTo("1005");
            assertThat(one(jdbc, "SELECT extract(epoch FROM created_at)::bigint " + pos))
                    .isEqualTo("1700001001");

            String vault = "FROM vault WHERE term_id = '" + A1 + "' AND curve_id = 1";
            assertThat(one(jdbc, "SELECT current_share_price " + vault)).isEqualTo("1500000000000000000");
            assertThat(one(jdbc, "SELECT market_cap " + vault)).isEqualTo("4.5"); // 3 * 1.5e18 / 1e18, exact
            assertThat(one(jdbc, "SELECT position_count " + vault)).isEqualTo("1");
            assertThat(one(jdbc, "SELECT total_assets FROM term WHERE id = '" + A1 + "'"))
                    .isEqualTo("5010");
            assertThat(one(jdbc, "SELECT total_market_cap FROM term WHERE id = '" + A1 + "'"))
                    .isEqualTo("18.5");
            assertThat(one(jdbc, "SELECT type FROM term WHERE id = '" + A1 + "'"))
                    .isEqualTo("Atom");
            // Seed 003: triple_id is the term's own id for a 'Triple' term, a counter term included.
            assertThat(one(jdbc, "SELECT type || '/' || triple_id FROM term WHERE id = '" + counter + "'"))
                    .isEqualTo("Triple/" + counter);
            assertThat(one(jdbc, "SELECT type || '/' || triple_id FROM term WHERE id = '" + T1 + "'"))
                    .isEqualTo("Triple/" + T1);

            assertThat(one(
                            jdbc,
                            "SELECT total_assets || '/' || position_count || '/' || market_cap "
                                    + "FROM triple_vault WHERE term_id = '" + T1 + "'"))
                    .isEqualTo("42/1/42.000000000000000000");
            assertThat(one(jdbc, "SELECT total_position_count FROM triple_term WHERE term_id = '" + T1 + "'"))
                    .isEqualTo("1");
            assertThat(one(
                            jdbc,
                            "SELECT triple_count || '/' || total_position_count FROM predicate_object "
                                    + "WHERE predicate_id = '" + A2 + "' AND object_id = '" + A3 + "'"))
                    .isEqualTo("1/1");
            assertThat(one(
                            jdbc,
                            "SELECT triple_count FROM subject_predicate WHERE subject_id = '" + A1
                                    + "' AND predicate_id = '" + A2 + "'"))
                    .isEqualTo("1");
            assertThat(IngestTesting.count(jdbc, "deposited_events")).isEqualTo(4);

            // The same events from scratch agree row for row.
            Map<String, List<String>> live = derived(jdbc);
            Ingest.rebuild(jdbc, (i, n, name) -> {});
            assertThat(derived(jdbc)).isEqualTo(live);
        }
    }

    /** The same entry as rindexer sends it when it has no block time: {@code block_timestamp} null. */
    static IntuitionWorkload.Entry withoutBlockTime(IntuitionWorkload.Entry e) {
        String payload = e.payload().replaceAll("\"block_timestamp\":\"0x[0-9a-f]+\"", "\"block_timestamp\":null");
        assertThat(payload).isNotEqualTo(e.payload());
        return new IntuitionWorkload.Entry(e.stream(), payload, e.events(), e.block());
    }

    @Test
    void eventsWithoutABlockTimeAreIngestedInOneBatch() {
        try (TestDatabases.Scratch db = IngestTesting.database("proj_no_time")) {
            Jdbc jdbc = db.database().jdbc();
            List<IntuitionWorkload.Entry> entries = List.of(
                    atom(1000, 1, A1),
                    withoutBlockTime(deposit(1001, 1, ALICE, A1, 1, "5000", "5000")),
                    withoutBlockTime(price(1001, 2, A1, 1, "2" + E18.substring(1), "5000", "5000", 0)),
                    withoutBlockTime(price(1002, 1, A1, 1, "3" + E18.substring(1), "6000", "5000", 0)),
                    price(1003, 1, A1, 1, "4" + E18.substring(1), "7000", "5000", 0),
                    withoutBlockTime(redeem(1004, 1, ALICE, A1, 1, "100", "4999")));

            commit(jdbc, entries, entries.size(), 1);

            String vault = "FROM vault WHERE term_id = '" + A1 + "' AND curve_id = 1";
            assertThat(one(jdbc, "SELECT current_share_price " + vault)).isEqualTo("4" + E18.substring(1));
            assertThat(one(jdbc, "SELECT extract(epoch FROM created_at)::bigint " + vault))
                    .as("the only block time there was")
                    .isEqualTo("1700001003");
            assertThat(one(jdbc, "SELECT shares FROM position WHERE account_id = '" + ALICE + "'"))
                    .isEqualTo("4999");
            assertThat(IngestTesting.count(jdbc, "share_price_changed_events")).isEqualTo(3);
            Map<String, List<String>> live = derived(jdbc);
            Ingest.rebuild(jdbc, (i, n, name) -> {});
            assertThat(derived(jdbc)).isEqualTo(live);
        }
    }

    @Test
    void shuffledDuplicatedIngestionEqualsInOrderIngestionAndRebuild() {
        IntuitionWorkload w = IntuitionWorkload.create(NET, "p", 40, true, 11);
        List<IntuitionWorkload.Entry> inOrder = w.events(4000, 12);
        List<IntuitionWorkload.Entry> shuffled = new ArrayList<>(inOrder);
        Random r = new Random(5);
        for (int i = 0; i < inOrder.size() / 5; i++) {
            shuffled.add(inOrder.get(r.nextInt(inOrder.size())));
        }
        Collections.shuffle(shuffled, r);
        try (TestDatabases.Scratch a = IngestTesting.database("proj_order_a");
                TestDatabases.Scratch b = IngestTesting.database("proj_order_b")) {
            commit(a.database().jdbc(), inOrder, 40, 1);
            commit(b.database().jdbc(), shuffled, 7, 1);

            Map<String, List<String>> ordered = derived(a.database().jdbc());
            assertThat(ordered.get("position")).hasSizeGreaterThan(50);
            assertThat(ordered.get("predicate_object")).isNotEmpty();
            assertThat(derived(b.database().jdbc())).isEqualTo(ordered);
            assertThat(IngestTesting.events(b.database().jdbc())).isEqualTo(IngestTesting.eventCount(inOrder));

            Ingest.RebuildResult rebuilt = Ingest.rebuild(a.database().jdbc(), (i, n, name) -> {});
            assertThat(rebuilt.rows().get("position"))
                    .isEqualTo(ordered.get("position").size());
            assertThat(derived(a.database().jdbc())).isEqualTo(ordered);
        }
    }

    @Test
    void analyticsTablesMaintainedEntryByEntryConvergeWithAFullRecompute() {
        IntuitionWorkload w = IntuitionWorkload.create(NET, "an", 15, false, 3);
        List<IntuitionWorkload.Entry> entries = w.events(1500, 6);
        try (TestDatabases.Scratch db = IngestTesting.database("proj_analytics")) {
            Jdbc jdbc = db.database().jdbc();
            commit(jdbc, entries, 1, 1);
            Map<String, List<String>> incremental = derived(jdbc);
            assertThat(incremental.get("triple_term")).isNotEmpty();
            Ingest.rebuild(jdbc, (i, n, name) -> {});
            Map<String, List<String>> recomputed = derived(jdbc);
            for (String t : List.of("triple_vault", "triple_term", "predicate_object", "subject_predicate")) {
                assertThat(incremental.get(t)).as(t).isEqualTo(recomputed.get(t));
            }
            assertThat(incremental).isEqualTo(recomputed);
        }
    }

    @Test
    void theSameEventFromAnotherBlockWaitsForTheRollbackInsteadOfBeingLost() {
        try (TestDatabases.Scratch db = IngestTesting.database("proj_reincluded")) {
            Jdbc jdbc = db.database().jdbc();
            IntuitionWorkload.Entry old = deposit(2000, 1, ALICE, A1, 1, "100", "100");
            IntuitionWorkload.Entry reincluded = new IntuitionWorkload.Entry(
                    old.stream(),
                    old.payload()
                            .replace("\"block_hash\":\"0x" + "bb".repeat(32), "\"block_hash\":\"0x" + "dd".repeat(32)),
                    1,
                    0);
            commit(jdbc, List.of(old), 1, 1);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> commit(jdbc, List.of(reincluded), 1, 10))
                    .isInstanceOf(EventStore.OtherBlock.class)
                    .hasMessageContaining("reorg");
            commit(
                    jdbc,
                    List.of(new IntuitionWorkload.Entry(
                            "s_Deposited", IntuitionWorkload.reorgPayload(NET, 2000, 1), 0, 0)),
                    1,
                    5);
            commit(jdbc, List.of(reincluded), 1, 10);
            assertThat(one(jdbc, "SELECT block_hash FROM deposited_events")).isEqualTo("0x" + "dd".repeat(32));
            assertThat(one(jdbc, "SELECT total_deposit_assets_after_total_fees FROM position"))
                    .isEqualTo("100");
        }
    }

    @Test
    void reorgLeavesWhatIngestingOnlyTheSurvivorsGives() {
        IntuitionWorkload w = IntuitionWorkload.create(NET, "rg", 20, false, 21);
        List<IntuitionWorkload.Entry> before = w.blocks(40, 6);
        long fork = w.nextBlock();
        List<IntuitionWorkload.Entry> oldBranch = w.fork(100).blocks(15, 6);
        List<IntuitionWorkload.Entry> newBranch = w.fork(200).blocks(15, 6);
        IntuitionWorkload.Entry notice =
                new IntuitionWorkload.Entry(w.stream("deposited"), IntuitionWorkload.reorgPayload(NET, fork, 15), 0, 0);
        IntuitionWorkload.Entry copy = new IntuitionWorkload.Entry(
                w.stream("share_price_changed"), IntuitionWorkload.reorgPayload(NET, fork, 15), 0, 0);
        try (TestDatabases.Scratch a = IngestTesting.database("proj_reorg_a");
                TestDatabases.Scratch b = IngestTesting.database("proj_reorg_b")) {
            Jdbc jdbc = a.database().jdbc();
            List<IntuitionWorkload.Entry> early = new ArrayList<>(before);
            int half = oldBranch.size() / 2;
            early.addAll(oldBranch.subList(0, half));
            commit(jdbc, early, 10, 1);
            long noticeMillis = 1_000_000;
            commit(jdbc, List.of(notice), 1, noticeMillis);
            // Old-branch entries published before the notification but committed after it (a slower worker had
            // them): they were rolled back too and must not come in.
            commit(jdbc, oldBranch.subList(half, oldBranch.size()), 10, 1 + early.size());
            commit(jdbc, newBranch, 10, 2_000_000);
            // rindexer publishes the notification's copy on another stream at the same time, before re-indexing;
            // read after the re-indexed events, it must not remove them.
            commit(jdbc, List.of(copy), 1, noticeMillis);

            List<IntuitionWorkload.Entry> survivors = new ArrayList<>(before);
            survivors.addAll(newBranch);
            commit(b.database().jdbc(), survivors, 10, 1);

            IngestTesting.assertSameDerived(jdbc, b.database().jdbc());
            assertThat(IngestTesting.events(jdbc)).isEqualTo(IngestTesting.eventCount(survivors));
            assertThat(IngestTesting.count(jdbc, "ingest_reorgs")).isEqualTo(2);
            assertThat(one(jdbc, "SELECT sum(events_deleted) FROM ingest_reorgs"))
                    .isEqualTo(String.valueOf(IngestTesting.eventCount(oldBranch.subList(0, half))));
        }
    }

    private static List<ParsedEntry> parsed(List<IntuitionWorkload.Entry> entries, long firstMillis) {
        List<ParsedEntry> out = new ArrayList<>();
        long ms = firstMillis;
        for (IntuitionWorkload.Entry e : entries) {
            out.add(EntryParser.parse(
                    new StreamEntry(e.stream(), (ms++) + "-0", Map.of(StreamEntry.PAYLOAD_FIELD, e.payload()), 1)));
        }
        return out;
    }

    private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");

    @Test
    void aRollbackAppliedWhileABatchInsertsWithoutTheLockStillRemovesThatBatchsOldBranchEvents() throws Exception {
        IntuitionWorkload w = IntuitionWorkload.create(NET, "late", 20, false, 23);
        List<IntuitionWorkload.Entry> before = w.blocks(20, 6);
        long fork = w.nextBlock();
        List<IntuitionWorkload.Entry> oldBranch = w.fork(100).blocks(10, 6);
        List<IntuitionWorkload.Entry> newBranch = w.fork(200).blocks(10, 6);
        IntuitionWorkload.Entry notice =
                new IntuitionWorkload.Entry(w.stream("deposited"), IntuitionWorkload.reorgPayload(NET, fork, 10), 0, 0);
        try (TestDatabases.Scratch a = IngestTesting.database("proj_late_a");
                TestDatabases.Scratch b = IngestTesting.database("proj_late_b")) {
            Jdbc jdbc = a.database().jdbc();
            commit(jdbc, before, 10, 1);
            List<ParsedEntry> slow = parsed(oldBranch, 1_000);
            try (java.sql.Connection c = jdbc.dataSource().getConnection()) {
                c.setAutoCommit(false);
                // Published before the notification; inserted, not yet committed, when it is applied.
                EventStore.NewEvents inserted = BatchWriter.insertEvents(c, slow, NOW);
                assertThat(inserted.size()).isEqualTo(IngestTesting.eventCount(oldBranch));
                commit(jdbc, List.of(notice), 1, 1_000_000);
                BatchWriter.Outcome o = BatchWriter.finish(c, slow, inserted, "g", NOW);
                c.commit();
                assertThat(o.fresh().size()).isZero();
            }
            commit(jdbc, newBranch, 10, 2_000_000);

            List<IntuitionWorkload.Entry> survivors = new ArrayList<>(before);
            survivors.addAll(newBranch);
            commit(b.database().jdbc(), survivors, 10, 1);
            IngestTesting.assertSameDerived(jdbc, b.database().jdbc());
            assertThat(IngestTesting.events(jdbc)).isEqualTo(IngestTesting.eventCount(survivors));
        }
    }

    /** Thirty blocks as two batches sharing ten entries: the first twenty in order, the last twenty shuffled. */
    private record Overlap(
            List<IntuitionWorkload.Entry> chain,
            List<IntuitionWorkload.Entry> first,
            List<IntuitionWorkload.Entry> second) {
        static Overlap of(String prefix, long workloadSeed, long shuffleSeed) {
            List<IntuitionWorkload.Entry> chain = IntuitionWorkload.create(NET, prefix, 20, false, workloadSeed)
                    .blocks(30, 6);
            List<IntuitionWorkload.Entry> second = new ArrayList<>(chain.subList(10, chain.size()));
            Collections.shuffle(second, new Random(shuffleSeed));
            return new Overlap(chain, new ArrayList<>(chain.subList(0, 20)), second);
        }
    }

    private static void awaitABackendWaitingOnALock(Jdbc jdbc) {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> jdbc.queryOne(
                                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
                                        r -> r.getLong(1))
                                .orElse(0L)
                        > 0);
    }

    @Test
    void whenTheFirstOfTwoOverlappingBatchesRollsBackTheSecondCountsTheSharedEventsOnce() throws Exception {
        Overlap overlap = Overlap.of("rb", 31, 5);
        List<IntuitionWorkload.Entry> chain = overlap.chain();
        List<IntuitionWorkload.Entry> first = overlap.first();
        List<IntuitionWorkload.Entry> second = overlap.second();
        try (TestDatabases.Scratch a = IngestTesting.database("proj_rb_a");
                TestDatabases.Scratch b = IngestTesting.database("proj_rb_b");
                var pool = java.util.concurrent.Executors.newSingleThreadExecutor()) {
            Jdbc jdbc = a.database().jdbc();
            try (java.sql.Connection c = jdbc.dataSource().getConnection()) {
                c.setAutoCommit(false);
                BatchWriter.insertEvents(c, parsed(first, 1), NOW);
                // The other batch shares ten entries with this uncommitted one and waits on their rows.
                var other = pool.submit(() -> new BatchWriter(jdbc).write(parsed(second, 100), "g", NOW));
                awaitABackendWaitingOnALock(jdbc);
                // The first batch fails (a crash, a lost connection): its rows vanish.
                c.rollback();
                BatchWriter.Outcome o = other.get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(o.fresh().size())
                        .as("the shared events now count for the batch that committed")
                        .isEqualTo(IngestTesting.eventCount(second));
            }
            // Redelivered, the first batch's entries apply once more without counting anything twice.
            new BatchWriter(jdbc).write(parsed(first, 200), "g", NOW);
            commit(b.database().jdbc(), chain, 10, 1);
            IngestTesting.assertSameDerived(jdbc, b.database().jdbc());
            assertThat(IngestTesting.events(jdbc)).isEqualTo(IngestTesting.eventCount(chain));
        }
    }

    @Test
    void twoBatchesInsertingTheSameEventsCountThemOnce() throws Exception {
        Overlap overlap = Overlap.of("par", 29, 3);
        List<IntuitionWorkload.Entry> chain = overlap.chain();
        List<IntuitionWorkload.Entry> first = overlap.first();
        List<IntuitionWorkload.Entry> second = overlap.second();
        try (TestDatabases.Scratch a = IngestTesting.database("proj_par_a");
                TestDatabases.Scratch b = IngestTesting.database("proj_par_b");
                var pool = java.util.concurrent.Executors.newSingleThreadExecutor()) {
            Jdbc jdbc = a.database().jdbc();
            List<ParsedEntry> one = parsed(first, 1);
            try (java.sql.Connection c = jdbc.dataSource().getConnection()) {
                c.setAutoCommit(false);
                BatchWriter.lockWriter(c);
                EventStore.NewEvents mine = BatchWriter.insertEvents(c, one, NOW);
                assertThat(mine.size()).isEqualTo(IngestTesting.eventCount(first));
                // The other batch shares ten entries with this uncommitted one: it waits for the
                // writer lock, before inserting anything.
                var other = pool.submit(() -> new BatchWriter(jdbc).write(parsed(second, 100), "g", NOW));
                awaitABackendWaitingOnALock(jdbc);
                assertThat(other.isDone()).isFalse();
                BatchWriter.finish(c, one, mine, "g", NOW);
                c.commit();
                BatchWriter.Outcome o = other.get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(o.fresh().size()).isEqualTo(IngestTesting.eventCount(chain.subList(20, chain.size())));
            }
            commit(b.database().jdbc(), chain, 10, 1);
            IngestTesting.assertSameDerived(jdbc, b.database().jdbc());
            assertThat(IngestTesting.events(jdbc)).isEqualTo(IngestTesting.eventCount(chain));
        }
    }
}
