package dev.chainsync.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.config.ConfigException;
import dev.chainsync.config.Env;
import dev.chainsync.outbox.NewOperation;
import dev.chainsync.outbox.Operation;
import dev.chainsync.outbox.OperationHandler;
import dev.chainsync.outbox.Outbox;
import dev.chainsync.outbox.Relay;
import dev.chainsync.testing.TestChain;
import dev.chainsync.testing.WritePath;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each source-of-truth policy, the review queue, failed runs and retention on real PostgreSQL and the devnet. */
class ReconcileEngineTest {
    private WritePath w;

    @AfterEach
    void tearDown() {
        if (w != null) {
            w.close();
        }
    }

    private ReconcileEngine engine(EngineConfig config) {
        return new ReconcileEngine(w.jdbc, config, 5, w.clock, w.registry);
    }

    private AnchorFixture anchors(ReconcileEngine engine, SourceOfTruth policy) {
        AnchorFixture f = new AnchorFixture(w.jdbc, w.chain, w.credentials.issuerAddress(), policy);
        engine.register(f);
        return f;
    }

    /** Lands the memos through the outbox and a relay, as chainsync itself writes: the same on every chain. */
    private void onChain(String... memos) {
        w.jdbc.inTransaction(c -> {
            for (String memo : memos) {
                Outbox.enqueue(c, new NewOperation("anchor", memo, memo, "test:" + memo), 5, w.clock.instant());
            }
            return null;
        });
        try (Relay relay = anchorRelay()) {
            w.settle(relay, 5);
        }
        for (String memo : memos) {
            assertThat(w.onChain.countMemo(memo)).as(memo).isEqualTo(1);
        }
        w.advanceSlots(3);
    }

    private void onChain(String key, String owner, String value) {
        onChain(AnchorFixture.memo(key, owner, value));
    }

    private Relay anchorRelay() {
        return new Relay(
                w.jdbc,
                w.chain,
                w.issuer,
                Map.of("anchor", new IgnoringHandler()),
                w.relayConfig,
                w.clock,
                new Random(7),
                w.registry);
    }

    private void inDatabase(String key, String owner, String value) {
        w.jdbc.update("INSERT INTO anchors (key, owner, value) VALUES (?, ?, ?)", key, owner, value);
    }

    private String valueOf(String key) {
        return w.jdbc.queryOne("SELECT owner || '/' || value FROM anchors WHERE key = ?", r -> r.getString(1), key)
                .orElse(null);
    }

    private List<Map<String, Object>> audit() {
        return w.jdbc.query(
                "SELECT run_id, review_id, item_key, policy, action, before, after, operation_id"
                        + " FROM reconciliation_corrections ORDER BY id",
                r -> {
                    Map<String, Object> m = new java.util.HashMap<>();
                    for (String c : List.of("item_key", "policy", "action", "before", "after")) {
                        m.put(c, r.getString(c));
                    }
                    m.put("run_id", dev.chainsync.db.Jdbc.nullableLong(r, "run_id"));
                    m.put("review_id", dev.chainsync.db.Jdbc.nullableLong(r, "review_id"));
                    m.put("operation_id", dev.chainsync.db.Jdbc.nullableLong(r, "operation_id"));
                    return m;
                });
    }

    private long events(String type) {
        return w.count("SELECT count(*) FROM webhook_events WHERE type = ?", type);
    }

    @ParameterizedTest
    @EnumSource(TestChain.Kind.class)
    void chainWinsHealsTheDatabaseWithAnAuditRow(TestChain.Kind kind) {
        w = new WritePath("rec-eng-chain", kind);
        ReconcileEngine engine = engine(EngineConfig.defaults());
        AnchorFixture f = anchors(engine, SourceOfTruth.CHAIN_WINS);
        onChain(AnchorFixture.memo("t1", "alice", "1"), AnchorFixture.memo("t2", "bob", "2"));
        inDatabase("t1", "mallory", "1"); // owner mismatch
        inDatabase("t3", "carol", "3"); // missing on chain

        ReconcileEngine.Run run = engine.runOnce(f.name());

        assertThat(run.status()).isEqualTo("succeeded");
        assertThat(run.healed()).isEqualTo(3);
        assertThat(valueOf("t1")).isEqualTo("alice/1");
        assertThat(valueOf("t2")).isEqualTo("bob/2");
        assertThat(valueOf("t3")).isNull();
        List<Map<String, Object>> audit = audit();
        assertThat(audit).hasSize(3).allSatisfy(a -> {
            assertThat(a.get("policy")).isEqualTo("chain_wins");
            assertThat(a.get("action")).isEqualTo("heal_database");
            assertThat(a.get("run_id")).isEqualTo(run.id());
        });
        Map<String, Object> t1 = audit.stream()
                .filter(a -> a.get("item_key").equals("t1"))
                .findFirst()
                .orElseThrow();
        assertThat((String) t1.get("before")).contains("mallory");
        assertThat(t1.get("after")).isEqualTo("alice/1");
        assertThat(w.jdbc.query(
                        "SELECT finding FROM reconciliation_findings WHERE run_id = ? ORDER BY item_key",
                        r -> r.getString(1),
                        run.id()))
                .containsExactly("owner_mismatch", "missing_in_db", "missing_on_chain");
        assertThat(events(CredentialReconciler.EVENT_DISCREPANCY)).isEqualTo(3);

        ReconcileEngine.Run again = engine.runOnce(f.name());
        assertThat(again.healed()).isZero();
        assertThat(audit()).hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(TestChain.Kind.class)
    void databaseWinsRewritesTheChainThroughTheOutboxExactlyOnce(TestChain.Kind kind) {
        w = new WritePath("rec-eng-db", kind);
        ReconcileEngine engine = engine(EngineConfig.defaults());
        AnchorFixture f = anchors(engine, SourceOfTruth.DATABASE_WINS);
        onChain(AnchorFixture.memo("m1", "venue", "old"), AnchorFixture.memo("m2", "venue", "only-on-chain"));
        inDatabase("m1", "venue", "new");

        ReconcileEngine.Run first = engine.runOnce(f.name());
        ReconcileEngine.Run second = engine.runOnce(f.name()); // before the relay lands it

        assertThat(first.rewritten()).isEqualTo(1);
        assertThat(first.reported()).isEqualTo(1); // the database cannot un-write m2 from the chain
        assertThat(second.rewritten()).isZero();
        String wanted = AnchorFixture.memo("m1", "venue", "new");
        assertThat(w.jdbc.query(
                        "SELECT memo FROM chain_operations WHERE idempotency_key LIKE 'reconcile:%'",
                        r -> r.getString(1)))
                .containsExactly(wanted);
        List<Map<String, Object>> audit = audit();
        assertThat(audit).hasSize(1);
        assertThat(audit.getFirst().get("policy")).isEqualTo("database_wins");
        assertThat(audit.getFirst().get("action")).isEqualTo("rewrite_chain");
        assertThat((String) audit.getFirst().get("before")).contains("old");
        assertThat(audit.getFirst().get("after")).isEqualTo(wanted);
        assertThat(audit.getFirst().get("operation_id")).isNotNull();

        try (Relay relay = new Relay(
                w.jdbc,
                w.chain,
                w.issuer,
                Map.of("anchor", new IgnoringHandler()),
                w.relayConfig,
                w.clock,
                new Random(7),
                w.registry)) {
            w.settle(relay, 5);
        }
        assertThat(w.onChain.countMemo(wanted)).isEqualTo(1);
        w.advanceSlots(3);
        ReconcileEngine.Run after = engine.runOnce(f.name());
        assertThat(after.rewritten()).isZero();
        assertThat(after.reported()).isEqualTo(1); // only m2, which no database value can replace
        assertThat(w.onChain.countMemo(wanted)).isEqualTo(1);
        assertThat(valueOf("m1")).isEqualTo("venue/new");
    }

    /** The anchor fixture keeps no state about its operations. */
    private static final class IgnoringHandler implements OperationHandler {
        @Override
        public void onSubmitted(Connection tx, List<Submitted> batch, Instant now) {}

        @Override
        public void onConfirmed(Connection tx, List<Confirmed> batch, Instant now) {}

        @Override
        public void onFailed(Connection tx, List<Failed> batch, Instant now) {}

        @Override
        public void onDeadLettered(Connection tx, List<Failed> batch, Instant now) {}

        @Override
        public void onRetried(Connection tx, Operation op, Instant now) {}
    }

    @Test
    void financialGoesToReviewAndIsResolvedBothWays() {
        w = new WritePath("rec-eng-review");
        ReconcileEngine engine = engine(EngineConfig.defaults());
        AnchorFixture f = anchors(engine, SourceOfTruth.MANUAL_REVIEW);
        ReviewQueue queue = new ReviewQueue(w.jdbc, engine, w.clock);
        onChain("r1", "org", "100.25");
        inDatabase("r1", "org", "100.20");
        onChain("r2", "org", "7");
        inDatabase("r2", "org", "8");

        ReconcileEngine.Run run = engine.runOnce(f.name());
        engine.runOnce(f.name()); // still open: no second review

        assertThat(run.reviewed()).isEqualTo(2);
        assertThat(events(ReconcileStore.EVENT_REVIEW_OPENED)).isEqualTo(2);
        List<ReviewQueue.Review> open = queue.list(ReviewQueue.Status.OPEN, null, 10);
        assertThat(open).hasSize(2);
        assertThat(audit()).isEmpty();
        assertThat(valueOf("r1")).isEqualTo("org/100.20");

        long r1 = open.stream()
                .filter(r -> r.key().equals("r1"))
                .findFirst()
                .orElseThrow()
                .id();
        long r2 = open.stream()
                .filter(r -> r.key().equals("r2"))
                .findFirst()
                .orElseThrow()
                .id();
        assertThat(queue.assign(r1, "ops@example.org", "lead").orElseThrow().status())
                .isEqualTo("assigned");
        ReviewQueue.Review accepted = queue.resolve(r1, ReviewQueue.Resolution.ACCEPT_CHAIN, "chain paid 100.25", "ops")
                .orElseThrow();
        assertThat(accepted.status()).isEqualTo("resolved");
        assertThat(valueOf("r1")).isEqualTo("org/100.25");
        queue.resolve(r2, ReviewQueue.Resolution.ACCEPT_DATABASE, "we owe 8", "ops");
        assertThat(w.jdbc.query(
                        "SELECT memo FROM chain_operations WHERE idempotency_key LIKE 'reconcile:%'",
                        r -> r.getString(1)))
                .containsExactly(AnchorFixture.memo("r2", "org", "8"));
        assertThat(audit())
                .extracting(a -> a.get("policy") + " " + a.get("action") + " " + a.get("item_key"))
                .containsExactly("manual_review heal_database r1", "manual_review rewrite_chain r2");
        assertThat(audit()).allSatisfy(a -> assertThat(a.get("review_id")).isNotNull());
        assertThat(queue.history(r1))
                .extracting(e -> e.event() + " " + e.actor())
                .containsExactly("opened null", "assigned lead", "resolved ops");

        assertThatThrownBy(() -> queue.resolve(r1, ReviewQueue.Resolution.DISMISS, null, "ops"))
                .isInstanceOf(ReviewQueue.ConflictException.class);
        assertThatThrownBy(() -> queue.assign(r2, "x", "lead")).isInstanceOf(ReviewQueue.ConflictException.class);
        assertThat(queue.resolve(999_999, ReviewQueue.Resolution.DISMISS, null, "ops"))
                .isEmpty();
        assertThat(queue.list(ReviewQueue.Status.RESOLVED, null, 10)).hasSize(2);
        // r1 agrees now; r2 still differs until its re-write lands, which is no new question.
        assertThat(engine.runOnce(f.name()).reviewed()).isZero();
        // A new difference on a resolved item opens a fresh review.
        w.jdbc.update("UPDATE anchors SET value = '99' WHERE key = 'r1'");
        assertThat(engine.runOnce(f.name()).reviewed()).isEqualTo(1);
        assertThat(queue.list(ReviewQueue.Status.OPEN, null, 10))
                .extracting(ReviewQueue.Review::key)
                .containsExactly("r1");
    }

    @Test
    void dismissChangesNothingButClosesTheReview() {
        w = new WritePath("rec-eng-dismiss");
        ReconcileEngine engine = engine(EngineConfig.defaults());
        AnchorFixture f = anchors(engine, SourceOfTruth.MANUAL_REVIEW);
        ReviewQueue queue = new ReviewQueue(w.jdbc, engine, w.clock);
        onChain("d1", "org", "1");
        engine.runOnce(f.name());
        long id = queue.list(null, null, 10).getFirst().id();
        ReviewQueue.Review r = queue.resolve(id, ReviewQueue.Resolution.DISMISS, "test memo", "ops")
                .orElseThrow();
        assertThat(r.resolution()).isEqualTo("dismiss");
        assertThat(r.note()).isEqualTo("test memo");
        assertThat(audit()).isEmpty();
        assertThat(valueOf("d1")).isNull();
        // The same disagreement is not asked again; a changed one is.
        assertThat(engine.runOnce(f.name()).reviewed()).isZero();
        assertThat(queue.list(ReviewQueue.Status.OPEN, null, 10)).isEmpty();
        inDatabase("d1", "org", "2");
        assertThat(engine.runOnce(f.name()).reviewed()).isEqualTo(1);
    }

    @Test
    void aFailingRunIsRecordedAsFailed() {
        w = new WritePath("rec-eng-fail");
        ReconcileEngine engine = engine(EngineConfig.defaults());
        AnchorFixture f = anchors(engine, SourceOfTruth.CHAIN_WINS);
        f.failReads = new IllegalStateException("RPC desync");
        ReconcileEngine.Run run = engine.runOnce(f.name());
        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.error()).isEqualTo("RPC desync");
        assertThat(w.registry.counter("chainsync_reconcile_failed_runs_total").count())
                .isEqualTo(1.0);
    }

    @Test
    void retentionPurgesOnlyWhatIsOlder() {
        w = new WritePath("rec-eng-retention");
        ReconcileEngine engine = engine(EngineConfig.defaults());
        AnchorFixture f = anchors(engine, SourceOfTruth.CHAIN_WINS);
        ReviewQueue queue = new ReviewQueue(w.jdbc, engine, w.clock);
        AnchorFixture reviewed =
                new AnchorFixture(w.jdbc, w.chain, w.credentials.issuerAddress(), SourceOfTruth.MANUAL_REVIEW);
        engine.register(reviewed);
        onChain("old", "a", "1");
        onChain("open", "a", "2");
        inDatabase("open", "a", "3");
        ReconcileEngine.Run old = engine.runOnce(f.name()); // heals "old", and "open" to 2
        w.jdbc.update("UPDATE anchors SET value = '3' WHERE key = 'open'");
        inDatabase("x", "a", "9");
        engine.runOnce(reviewed.name()); // reviews for "open" and "x"
        long resolvedId = queue.list(null, null, 10).stream()
                .filter(r -> r.key().equals("x"))
                .findFirst()
                .orElseThrow()
                .id();
        queue.resolve(resolvedId, ReviewQueue.Resolution.DISMISS, null, "ops");

        w.advance(Duration.ofDays(89));
        onChain("new", "a", "1");
        ReconcileEngine.Run recent = engine.runOnce(f.name());
        w.advance(Duration.ofDays(2)); // the first runs are now 91 days old, the recent one 2 days

        assertThat(engine.purge()).isEqualTo(2);
        assertThat(engine.find(old.id())).isEmpty();
        assertThat(engine.find(recent.id())).isPresent();
        assertThat(w.count("SELECT count(*) FROM reconciliation_findings WHERE run_id = ?", old.id()))
                .isZero();
        assertThat(w.count("SELECT count(*) FROM reconciliation_findings WHERE run_id = ?", recent.id()))
                .isPositive();
        assertThat(w.count("SELECT count(*) FROM reconciliation_corrections WHERE run_id = ?", recent.id()))
                .isPositive();
        assertThat(w.count("SELECT count(*) FROM reconciliation_corrections WHERE run_id = ?", old.id()))
                .isZero();
        assertThat(queue.find(resolvedId)).isEmpty(); // resolved more than 90 days ago
        assertThat(queue.list(ReviewQueue.Status.OPEN, null, 10))
                .extracting(ReviewQueue.Review::key)
                .containsExactly("open");
    }

    private long runsOf(String kind) {
        return w.count("SELECT count(*) FROM reconciliation_runs WHERE kind = ?", kind);
    }

    @Test
    void eachTypeRunsOnItsOwnCadenceIncludingCredentials() {
        w = new WritePath("rec-eng-schedule");
        String anchorsName = "anchors_" + SourceOfTruth.CHAIN_WINS.dbName();
        EngineConfig config = new EngineConfig(
                Map.of(anchorsName, Duration.ofMinutes(5)),
                Duration.ofMinutes(1),
                Duration.ofHours(1),
                Duration.ofDays(90),
                5);
        ReconcileEngine engine = engine(config);
        anchors(engine, SourceOfTruth.CHAIN_WINS);
        engine.register(new IngestCompleteness(w.jdbc, 5));
        engine.register(
                new CredentialReconciler(
                        w.jdbc,
                        w.chain,
                        w.credentials,
                        Duration.ofMinutes(2),
                        Duration.ofHours(1),
                        w.clock,
                        w.registry),
                Duration.ofMinutes(2));

        engine.runDue();
        assertThat(List.of(runsOf(anchorsName), runsOf(IngestCompleteness.NAME), runsOf(CredentialReconciler.KIND)))
                .containsExactly(1L, 1L, 1L);
        engine.runDue(); // nothing is due yet
        w.advance(Duration.ofMinutes(1));
        engine.runDue();
        assertThat(List.of(runsOf(anchorsName), runsOf(IngestCompleteness.NAME), runsOf(CredentialReconciler.KIND)))
                .containsExactly(1L, 2L, 1L);
        w.advance(Duration.ofMinutes(1));
        engine.runDue();
        w.advance(Duration.ofMinutes(3));
        engine.runDue();
        assertThat(List.of(runsOf(anchorsName), runsOf(IngestCompleteness.NAME), runsOf(CredentialReconciler.KIND)))
                .containsExactly(2L, 4L, 3L);
    }

    @Test
    void configRefusesLessThanNinetyDaysAndBadCadences() {
        assertThatThrownBy(() -> EngineConfig.defaults().withRetention(Duration.ofDays(30)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("at least 90 days");
        assertThatThrownBy(() -> new EngineConfig(
                        Map.of("x", Duration.ZERO), Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofDays(90), 5))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CHAINSYNC_RECONCILE_SCHEDULE (x)");
        assertThat(EngineConfig.defaults().cadenceOf(IngestCompleteness.NAME)).isEqualTo(Duration.ofMinutes(1));

        Env env = new Env(Map.of(
                "CHAINSYNC_RECONCILE_SCHEDULE", "royalties=900000, ingest_completeness=120000",
                "CHAINSYNC_RECONCILE_RETENTION_DAYS", "120"));
        EngineConfig loaded = EngineConfig.load(env, Duration.ofHours(1));
        env.throwIfInvalid();
        assertThat(loaded.cadenceOf("royalties")).isEqualTo(EngineConfig.DEFAULT_ROYALTIES);
        assertThat(loaded.cadenceOf(IngestCompleteness.NAME)).isEqualTo(Duration.ofMinutes(2));
        assertThat(loaded.cadenceOf("anything_else")).isEqualTo(EngineConfig.DEFAULT_TRANSACTION_STATUS);
        assertThat(loaded.retention()).isEqualTo(Duration.ofDays(120));
        Env bad = new Env(Map.of(
                "CHAINSYNC_RECONCILE_SCHEDULE", "royalties=soon,x=0",
                "CHAINSYNC_RECONCILE_RETENTION_DAYS", "30"));
        assertThat(EngineConfig.load(bad, Duration.ofHours(1))).isNull();
        assertThatThrownBy(bad::throwIfInvalid)
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anySatisfy(p -> assertThat(p).contains("'royalties=soon'"))
                        .anySatisfy(p -> assertThat(p).contains("CHAINSYNC_RECONCILE_RETENTION_DAYS")));
    }

    @Test
    void ticketCadencesHaveTheirOwnVariablesWhichTheScheduleOverrides() {
        EngineConfig defaults = EngineConfig.defaults();
        assertThat(defaults.cadenceOf(EngineConfig.TICKET_OWNERSHIP)).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.cadenceOf(EngineConfig.ROYALTIES)).isEqualTo(Duration.ofMinutes(15));
        assertThat(defaults.cadenceOf(CredentialReconciler.KIND)).isEqualTo(ReconcileConfig.DEFAULT_INTERVAL);

        Env env = new Env(Map.of(
                "CHAINSYNC_RECONCILE_OWNERSHIP_INTERVAL_MS", "60000",
                "CHAINSYNC_RECONCILE_ROYALTIES_INTERVAL_MS", "600000",
                "CHAINSYNC_RECONCILE_INTERVAL_MS", "120000"));
        ReconcileConfig loaded = ReconcileConfig.load(env);
        env.throwIfInvalid();
        assertThat(loaded.engine().cadenceOf(EngineConfig.TICKET_OWNERSHIP)).isEqualTo(Duration.ofMinutes(1));
        assertThat(loaded.engine().cadenceOf(EngineConfig.ROYALTIES)).isEqualTo(Duration.ofMinutes(10));
        assertThat(loaded.engine().cadenceOf(CredentialReconciler.KIND)).isEqualTo(Duration.ofMinutes(2));

        Env scheduled = new Env(Map.of(
                "CHAINSYNC_RECONCILE_OWNERSHIP_INTERVAL_MS", "60000",
                "CHAINSYNC_RECONCILE_SCHEDULE", "ticket_ownership=30000"));
        assertThat(EngineConfig.load(scheduled, Duration.ofHours(1)).cadenceOf(EngineConfig.TICKET_OWNERSHIP))
                .isEqualTo(Duration.ofSeconds(30));

        Env bad = new Env(Map.of("CHAINSYNC_RECONCILE_OWNERSHIP_INTERVAL_MS", "0"));
        EngineConfig.load(bad, Duration.ofHours(1));
        assertThatThrownBy(bad::throwIfInvalid)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CHAINSYNC_RECONCILE_OWNERSHIP_INTERVAL_MS");
    }
}
