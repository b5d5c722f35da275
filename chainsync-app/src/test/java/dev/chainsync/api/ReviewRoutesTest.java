package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.db.Jdbc;
import dev.chainsync.outbox.NewOperation;
import dev.chainsync.reconcile.Discrepancy;
import dev.chainsync.reconcile.Observed;
import dev.chainsync.reconcile.ReconcileEngine;
import dev.chainsync.reconcile.ReconciledType;
import dev.chainsync.reconcile.Severity;
import dev.chainsync.reconcile.SourceOfTruth;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manual review queue over HTTP: listing, assigning, resolving both ways, and every refusal. */
class ReviewRoutesTest {
    @TempDir
    Path dataDir;

    ApiHarness h;
    Jdbc jdbc;

    /** A financial data type whose chain side is fixed and whose database side is a test table. */
    private final class Royalties implements ReconciledType<Map<String, Observed>, Map<String, Observed>> {
        @Override
        public String name() {
            return "royalties_test";
        }

        @Override
        public SourceOfTruth sourceOfTruth() {
            return SourceOfTruth.MANUAL_REVIEW;
        }

        @Override
        public Severity severity() {
            return Severity.MEDIUM;
        }

        @Override
        public Map<String, Observed> readChain(Instant from, Instant to) {
            return Map.of("r1", new Observed("org", "100.25", null), "r2", new Observed("org", "7", null));
        }

        @Override
        public Map<String, Observed> readDatabase(Instant from, Instant to, Map<String, Observed> chain) {
            Map<String, Observed> out = new HashMap<>();
            jdbc.query(
                    "SELECT key, value FROM test_royalties",
                    r -> out.put(r.getString(1), new Observed("org", r.getString(2), null)));
            return out;
        }

        @Override
        public List<Discrepancy> compare(Map<String, Observed> chain, Map<String, Observed> db, Instant now) {
            return Observed.compare(chain, db, now, null);
        }

        @Override
        public String healDatabase(Connection tx, Discrepancy d, long runId, Instant now) throws SQLException {
            Jdbc.update(
                    tx,
                    "UPDATE test_royalties SET value = ? WHERE key = ?",
                    d.chain().value(),
                    d.key());
            return d.chain().value();
        }

        @Override
        public Optional<NewOperation> rewriteChain(Discrepancy d) {
            String memo = "royalty:" + d.key() + "=" + d.database().value();
            return Optional.of(new NewOperation("royalty", d.key(), memo, "reconcile:" + memo));
        }
    }

    @BeforeEach
    void start() {
        h = ApiHarness.start("reviews", dataDir);
        jdbc = h.app.services().database().jdbc();
        jdbc.update("CREATE TABLE test_royalties (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        jdbc.update("INSERT INTO test_royalties VALUES ('r1', '100.20'), ('r2', '8')");
        ReconcileEngine engine = h.app.reconcileEngine();
        engine.register(new Royalties());
        assertThat(engine.runOnce("royalties_test").reviewed()).isEqualTo(2);
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private HttpResponse<String> postJson(String path, String json) {
        return h.post(path, "application/json", HttpRequest.BodyPublishers.ofString(json));
    }

    private long idOf(String key) {
        for (JsonNode r : ApiHarness.json(h.get("/v1/reviews?status=open")).path("data")) {
            if (r.path("key").asText().equals(key)) {
                return r.path("id").asLong();
            }
        }
        throw new AssertionError("no open review of " + key);
    }

    private static void assertProblem(HttpResponse<String> r, int status, String detail) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(ApiHarness.contentType(r)).startsWith(HttpApi.PROBLEM_JSON);
        assertThat(ApiHarness.json(r).path("detail").asText()).contains(detail);
    }

    @Test
    void listsReviewsByStatusAndRefusesAnUnknownOne() {
        JsonNode open = ApiHarness.json(h.get("/v1/reviews?status=open"));
        assertThat(open.path("data")).hasSize(2);
        JsonNode first = open.path("data").get(0);
        assertThat(first.path("data_type").asText()).isEqualTo("royalties_test");
        assertThat(first.path("finding").asText()).isEqualTo("value_mismatch");
        assertThat(first.path("chain").path("value").asText()).isIn("100.25", "7");
        assertThat(ApiHarness.json(h.get("/v1/reviews?status=resolved")).path("data"))
                .isEmpty();
        assertThat(ApiHarness.json(h.get("/v1/reviews")).path("data")).hasSize(2);
        assertProblem(h.get("/v1/reviews?status=closed"), 400, "status must be one of [open, assigned, resolved]");
        assertThat(h.queryLong("SELECT count(*) FROM webhook_events WHERE type = 'review.opened'"))
                .isEqualTo(2);
    }

    @Test
    void assignThenResolveAcceptChainHealsTheDatabaseWithHistory() {
        long id = idOf("r1");
        JsonNode assigned =
                ApiHarness.json(postJson("/v1/reviews/" + id + "/assign", "{\"assignee\": \"ops@example.org\"}"));
        assertThat(assigned.path("status").asText()).isEqualTo("assigned");
        assertThat(assigned.path("assignee").asText()).isEqualTo("ops@example.org");

        HttpResponse<String> resolved = postJson(
                "/v1/reviews/" + id + "/resolve",
                "{\"resolution\": \"accept_chain\", \"note\": \"chain paid 100.25\"}");
        assertThat(resolved.statusCode()).isEqualTo(200);
        assertThat(ApiHarness.json(resolved).path("resolution").asText()).isEqualTo("accept_chain");
        assertThat(jdbc.queryOne("SELECT value FROM test_royalties WHERE key = 'r1'", r -> r.getString(1)))
                .contains("100.25");
        assertThat(h.queryLong("SELECT count(*) FROM reconciliation_corrections WHERE review_id = " + id
                        + " AND policy = 'manual_review' AND action = 'heal_database'"))
                .isEqualTo(1);
        JsonNode detail = ApiHarness.json(h.get("/v1/reviews/" + id));
        List<String> events = new java.util.ArrayList<>();
        detail.path("history").forEach(e -> events.add(e.path("event").asText()));
        assertThat(events).containsExactly("opened", "assigned", "resolved");

        assertProblem(
                postJson("/v1/reviews/" + id + "/resolve", "{\"resolution\": \"dismiss\"}"), 409, "resolved already");
        assertProblem(postJson("/v1/reviews/" + id + "/assign", "{\"assignee\": \"x\"}"), 409, "resolved already");
    }

    @Test
    void resolveAcceptDatabaseRewritesTheChainThroughTheOutboxOnce() {
        long id = idOf("r2");
        HttpRequest request = HttpRequest.newBuilder(h.base.resolve("/v1/reviews/" + id + "/resolve"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "resolve-r2")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resolution\": \"accept_database\"}"))
                .build();
        HttpResponse<String> first = h.send(request);
        HttpResponse<String> replay = h.send(request);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(h.queryLong("SELECT count(*) FROM chain_operations WHERE memo = 'royalty:r2=8'"))
                .isEqualTo(1);
        assertThat(jdbc.queryOne("SELECT value FROM test_royalties WHERE key = 'r2'", r -> r.getString(1)))
                .contains("8");
    }

    @Test
    void badInputIsRefusedWithProblemJson() {
        long id = idOf("r1");
        assertProblem(h.get("/v1/reviews/abc"), 400, "id must be an integer");
        assertProblem(h.get("/v1/reviews/999999"), 404, "no review 999999");
        assertProblem(postJson("/v1/reviews/999999/assign", "{\"assignee\": \"ops\"}"), 404, "no review 999999");
        assertProblem(postJson("/v1/reviews/999999/resolve", "{\"resolution\": \"dismiss\"}"), 404, "no review");
        assertProblem(postJson("/v1/reviews/" + id + "/assign", "{}"), 400, "assignee is required");
        assertProblem(postJson("/v1/reviews/" + id + "/assign", "{\"assignee\": \"  \"}"), 400, "must not be blank");
        assertProblem(
                postJson("/v1/reviews/" + id + "/assign", "{\"assignee\": \"ops\", \"asignee\": \"x\"}"),
                400,
                "unknown field 'asignee'");
        assertProblem(postJson("/v1/reviews/" + id + "/resolve", "{}"), 400, "resolution is required");
        assertProblem(
                postJson("/v1/reviews/" + id + "/resolve", "{\"resolution\": \"accept_both\"}"),
                400,
                "resolution must be one of [accept_chain, accept_database, dismiss]");
        assertProblem(
                postJson("/v1/reviews/" + id + "/resolve", "{\"resolution\": \"dismiss\", \"note\": 5}"),
                400,
                "note must be a string");
        assertProblem(postJson("/v1/reviews/" + id + "/resolve", "[]"), 400, "");
        // Nothing above changed the review.
        assertThat(ApiHarness.json(h.get("/v1/reviews/" + id)).path("status").asText())
                .isEqualTo("open");
    }
}
