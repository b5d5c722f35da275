package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.chain.ChainClient;
import dev.chainsync.chain.SignedTransaction;
import dev.chainsync.credential.CredentialHash;
import dev.chainsync.outbox.ManualRelay;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox over HTTP (list, read, retry), dead-lettering, reconciliation runs and the devnet's fault switches. */
class OperationRoutesTest {
    @TempDir
    Path dataDir;

    ApiHarness h;
    int files;

    @BeforeEach
    void start() {
        // Two attempts, short backoff: a failing operation is dead-lettered within a few passes.
        h = ApiHarness.start(
                "ops",
                dataDir,
                Map.of(
                        "CHAINSYNC_RELAY_MAX_ATTEMPTS",
                        "2",
                        "CHAINSYNC_RETRY_BASE_MS",
                        "10",
                        "CHAINSYNC_RETRY_MAX_MS",
                        "100"));
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private JsonNode issue(String recipient) {
        return h.issue("uni-ops", recipient, null, ("file " + (++files)).getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode credential(JsonNode issued) {
        return ApiHarness.json(h.get("/v1/credentials/" + issued.path("hash").asText()));
    }

    private long operationId(JsonNode issued) {
        return credential(issued).path("operation").path("id").asLong();
    }

    private JsonNode operation(long id) {
        HttpResponse<String> r = h.get("/v1/operations/" + id);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ApiHarness.json(r);
    }

    private static List<Long> ids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.path("data").forEach(op -> ids.add(op.path("id").asLong()));
        return ids;
    }

    private static List<String> historyTypes(JsonNode credential) {
        List<String> types = new ArrayList<>();
        credential.path("history").forEach(e -> types.add(e.path("type").asText()));
        return types;
    }

    private static void assertProblem(HttpResponse<String> r, int status, String type) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(ApiHarness.contentType(r)).startsWith(HttpApi.PROBLEM_JSON);
        JsonNode p = ApiHarness.json(r);
        assertThat(p.path("type").asText()).isEqualTo(ApiProblem.TYPE_BASE + type);
        assertThat(p.path("status").asInt()).isEqualTo(status);
        assertThat(p.path("title").asText()).isNotBlank();
        assertThat(p.path("detail").asText()).isNotBlank();
    }

    @Test
    void listsOperationsByStatusNewestFirstWithPaging() {
        JsonNode a = issue("alice");
        h.submitAndConfirm();
        JsonNode b = issue("bob");
        JsonNode c = issue("carol");
        long opA = operationId(a);
        long opB = operationId(b);
        long opC = operationId(c);

        assertThat(ids(ApiHarness.json(h.get("/v1/operations")))).containsExactly(opC, opB, opA);
        assertThat(ids(ApiHarness.json(h.get("/v1/operations?status=pending")))).containsExactly(opC, opB);
        assertThat(ids(ApiHarness.json(h.get("/v1/operations?status=confirmed"))))
                .containsExactly(opA);
        assertThat(ids(ApiHarness.json(h.get("/v1/operations?status=dead_lettered"))))
                .isEmpty();

        JsonNode first = ApiHarness.json(h.get("/v1/operations?limit=2"));
        assertThat(ids(first)).containsExactly(opC, opB);
        JsonNode second = ApiHarness.json(h.get(
                "/v1/operations?limit=2&cursor=" + first.path("next_cursor").asText()));
        assertThat(ids(second)).containsExactly(opA);
        assertThat(second.has("next_cursor")).isFalse();

        JsonNode listed = ApiHarness.json(h.get("/v1/operations?status=confirmed"))
                .path("data")
                .get(0);
        assertThat(listed.path("aggregate_id").asText())
                .isEqualTo(a.path("hash").asText());
        assertThat(listed.path("kind").asText()).isEqualTo("credential.anchor");
        assertThat(listed.has("attempts")).as("lists carry no attempts").isFalse();

        assertProblem(h.get("/v1/operations?status=done"), 400, "invalid-request");
        assertProblem(h.get("/v1/operations?limit=0"), 400, "invalid-request");
        assertProblem(h.get("/v1/operations?cursor=zzz"), 400, "invalid-request");
    }

    @Test
    void readsOneOperationWithItsAttempts() {
        JsonNode a = issue("alice");
        long id = operationId(a);
        assertThat(operation(id).path("attempts")).isEmpty();

        ManualRelay.submitPass(h.app.relay());

        JsonNode op = operation(id);
        assertThat(op.path("status").asText()).isEqualTo("submitted");
        assertThat(op.path("memo").asText())
                .isEqualTo(CredentialHash.memo(a.path("hash").asText()));
        assertThat(op.path("attempts")).hasSize(1);
        JsonNode attempt = op.path("attempts").get(0);
        assertThat(attempt.path("attempt").asInt()).isEqualTo(1);
        assertThat(attempt.path("signature").asText())
                .isEqualTo(op.path("signature").asText());
        assertThat(attempt.path("relay").asText()).isEqualTo(h.app.relay().instanceId());
        assertThat(attempt.path("last_valid_height").asLong())
                .isEqualTo(op.path("last_valid_block_height").asLong());

        assertProblem(h.get("/v1/operations/987654"), 404, "not-found");
        assertProblem(h.get("/v1/operations/abc"), 400, "invalid-request");
    }

    @Test
    void onlyDeadLetteredOperationsCanBeRetried() {
        JsonNode confirmed = issue("alice");
        h.submitAndConfirm();
        JsonNode pending = issue("bob");
        long confirmedOp = operationId(confirmed);
        long pendingOp = operationId(pending);

        assertProblem(h.postEmpty("/v1/operations/" + confirmedOp + "/retry"), 409, "conflict");
        assertProblem(h.postEmpty("/v1/operations/" + pendingOp + "/retry"), 409, "conflict");
        assertProblem(h.postEmpty("/v1/operations/987654/retry"), 404, "not-found");
        assertProblem(h.postEmpty("/v1/operations/x/retry"), 400, "invalid-request");

        // A refused retry changes nothing.
        assertThat(operation(confirmedOp).path("status").asText()).isEqualTo("confirmed");
        assertThat(historyTypes(credential(confirmed))).containsExactly("created", "submitted", "confirmed");
        assertThat(operation(pendingOp).path("status").asText()).isEqualTo("pending");
        assertThat(historyTypes(credential(pending))).containsExactly("created");
    }

    @Test
    void deadLetteredOperationIsRetriedAndThenConfirmedOnce() {
        // Every transaction lands with an execution error until the faults are cleared.
        HttpResponse<String> set = h.putJson("/v1/devnet/faults", "{\"fail_rate\":1.0}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        JsonNode issued = issue("dora");
        String hash = issued.path("hash").asText();
        long id = operationId(issued);

        h.submitAndConfirm(); // attempt 1 lands failed: back to pending with a backoff
        JsonNode afterFirst = operation(id);
        assertThat(afterFirst.path("status").asText()).isEqualTo("pending");
        assertThat(afterFirst.path("failures").asInt()).isEqualTo(1);
        assertThat(Instant.parse(afterFirst.path("next_attempt_at").asText()))
                .isAfter(h.clock.instant().minusMillis(1));

        h.clock.advance(Duration.ofSeconds(1)); // past the backoff (capped at 100 ms)
        h.submitAndConfirm(); // attempt 2 lands failed: out of attempts

        JsonNode dead = operation(id);
        assertThat(dead.path("status").asText()).isEqualTo("dead_lettered");
        assertThat(dead.path("failures").asInt()).isEqualTo(2);
        assertThat(dead.path("last_error").asText()).contains("failed on chain");
        assertThat(dead.path("attempts")).hasSize(2);
        assertThat(ids(ApiHarness.json(h.get("/v1/operations?status=dead_lettered"))))
                .containsExactly(id);
        assertThat(credential(issued).path("status").asText()).isEqualTo("dead_lettered");
        JsonNode relayHealth =
                ApiHarness.json(h.get("/health")).path("components").path("relay");
        assertThat(relayHealth.path("dead_lettered").asLong()).isEqualTo(1);
        // Further passes leave a dead-lettered operation alone.
        h.clock.advance(Duration.ofMinutes(1));
        h.submitAndConfirm();
        assertThat(operation(id).path("attempts")).hasSize(2);

        HttpResponse<String> retried = h.postEmpty("/v1/operations/" + id + "/retry");

        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
        JsonNode pendingAgain = ApiHarness.json(retried);
        assertThat(pendingAgain.path("status").asText()).isEqualTo("pending");
        assertThat(pendingAgain.path("failures").asInt()).isZero();
        assertThat(credential(issued).path("status").asText()).isEqualTo("pending");
        assertProblem(h.postEmpty("/v1/operations/" + id + "/retry"), 409, "conflict");

        assertThat(h.putJson("/v1/devnet/faults", "{}").statusCode()).isEqualTo(200);
        h.submitAndConfirm();

        JsonNode done = credential(issued);
        assertThat(done.path("status").asText()).isEqualTo("confirmed");
        assertThat(operation(id).path("status").asText()).isEqualTo("confirmed");
        assertThat(historyTypes(done))
                .containsExactly(
                        "created",
                        "submitted",
                        "failed",
                        "resubmitted",
                        "dead_lettered",
                        "retried",
                        "resubmitted",
                        "confirmed");
        JsonNode retriedEvent = done.path("history").get(5).path("detail");
        assertThat(retriedEvent.path("previous_error").asText()).contains("failed on chain");
        // Failed landings do not count: exactly one successful memo on chain.
        assertThat(h.app.devnet().countMemo(CredentialHash.memo(hash))).isEqualTo(1);
        assertThat(ApiHarness.json(h.get("/v1/verify/" + hash)).path("valid").asBoolean())
                .isTrue();
    }

    @Test
    void chainUnreachableNeitherBurnsAttemptsNorSubmitsAndOpensTheBreaker() {
        JsonNode issued = issue("erin");
        long id = operationId(issued);
        h.app.devnet().faults().rpcErrorRate(1.0);

        for (int i = 0; i < 12; i++) {
            ManualRelay.submitPass(h.app.relay());
            h.clock.advance(Duration.ofSeconds(1));
        }

        JsonNode op = operation(id);
        assertThat(op.path("status").asText()).isEqualTo("pending");
        assertThat(op.path("failures").asInt()).isZero();
        assertThat(op.path("attempts")).isEmpty();
        HttpResponse<String> health = h.get("/health");
        assertThat(health.statusCode()).isEqualTo(503);
        JsonNode chain = ApiHarness.json(health).path("components").path("chain");
        assertThat(chain.path("status").asText()).isEqualTo("down");
        assertThat(chain.path("circuit_breaker").asText()).isEqualTo("open");
        assertThat(h.get("/metrics").body()).contains("chainsync_chain_breaker_open 1.0");

        // The chain comes back; once the breaker's open period has passed the credential goes through.
        h.app.devnet().faults().reset();
        h.clock.advance(Duration.ofSeconds(31));
        h.submitAndConfirm();
        ManualRelay.confirmPass(h.app.relay());
        assertThat(credential(issued).path("status").asText()).isEqualTo("confirmed");
        assertThat(operation(id).path("failures").asInt()).isZero();
    }

    @Test
    void reconciliationRunsAreStoredAndRecoverAMemoTheDatabaseLacks() {
        JsonNode known = issue("frank");
        h.submitAndConfirm();
        // A credential memo on chain that the database never recorded (e.g. written by a lost instance).
        String lostHash = CredentialHash.sha256Hex("lost credential".getBytes(StandardCharsets.UTF_8));
        ChainClient chain = h.app.services().chain();
        SignedTransaction tx =
                chain.buildMemoTransaction(h.app.issuer(), CredentialHash.memo(lostHash), chain.latestBlockhash());
        chain.submit(tx);
        h.clock.advance(Duration.ofSeconds(10));

        HttpResponse<String> created = h.postEmpty("/v1/reconciliations");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode run = ApiHarness.json(created);
        assertThat(run.path("status").asText()).isEqualTo("succeeded");
        assertThat(run.path("recovered").asInt()).isEqualTo(1);
        assertThat(run.path("matched").asInt()).isEqualTo(1);
        assertThat(run.path("flagged").asInt()).isZero();
        long runId = run.path("id").asLong();

        JsonNode detail = ApiHarness.json(h.get("/v1/reconciliations/" + runId));
        assertThat(detail.path("run").path("id").asLong()).isEqualTo(runId);
        assertThat(detail.path("findings")).hasSize(1);
        JsonNode finding = detail.path("findings").get(0);
        assertThat(finding.path("finding").asText()).isEqualTo("missing_in_db");
        assertThat(finding.path("action").asText()).isEqualTo("recovered");
        assertThat(finding.path("credential_hash").asText()).isEqualTo(lostHash);
        assertThat(finding.path("signature").asText()).isEqualTo(tx.signature());

        JsonNode recovered = ApiHarness.json(h.get("/v1/credentials/" + lostHash));
        assertThat(recovered.path("status").asText()).isEqualTo("recovered_from_chain");
        assertThat(recovered.path("chain_signature").asText()).isEqualTo(tx.signature());
        assertThat(recovered.has("issuer_id")).isFalse();
        assertThat(historyTypes(recovered)).containsExactly("recovered");
        assertThat(credential(known).path("status").asText()).isEqualTo("confirmed");

        // A second run finds nothing new.
        JsonNode again = ApiHarness.json(h.postEmpty("/v1/reconciliations"));
        assertThat(again.path("recovered").asInt()).isZero();
        assertThat(again.path("matched").asInt()).isEqualTo(2);

        JsonNode list = ApiHarness.json(h.get("/v1/reconciliations"));
        assertThat(list.path("data"))
                .extracting(r -> r.path("id").asLong())
                .containsExactly(again.path("id").asLong(), runId);
        JsonNode paged = ApiHarness.json(h.get("/v1/reconciliations?limit=1"));
        assertThat(paged.path("data")).hasSize(1);
        assertThat(ApiHarness.json(h.get("/v1/reconciliations?limit=1&cursor="
                                + paged.path("next_cursor").asText()))
                        .path("data")
                        .get(0)
                        .path("id")
                        .asLong())
                .isEqualTo(runId);

        assertProblem(h.get("/v1/reconciliations/987654"), 404, "not-found");
        assertProblem(h.get("/v1/reconciliations/first"), 400, "invalid-request");
        assertProblem(h.get("/v1/reconciliations?limit=9999"), 400, "invalid-request");
    }

    @Test
    void faultSwitchesAreReadAndReplacedAndABadBodyChangesNothing() {
        JsonNode initial = ApiHarness.json(h.get("/v1/devnet/faults"));
        assertThat(initial.path("rpc_error_rate").asDouble()).isZero();
        assertThat(initial.path("outages")).isEmpty();

        JsonNode set = ApiHarness.json(h.putJson(
                "/v1/devnet/faults",
                "{\"rpc_error_rate\":0.25,\"drop_rate\":0.5,\"fail_rate\":0.125,\"latency_ms\":0}"));
        assertThat(set.path("rpc_error_rate").asDouble()).isEqualTo(0.25);
        assertThat(set.path("drop_rate").asDouble()).isEqualTo(0.5);
        assertThat(set.path("fail_rate").asDouble()).isEqualTo(0.125);
        assertThat(h.app.devnet().faults().dropRate()).isEqualTo(0.5);

        assertProblem(
                h.putJson("/v1/devnet/faults", "{\"rpc_error_rate\":0.9,\"drop_rate\":2}"), 400, "invalid-request");
        assertProblem(h.putJson("/v1/devnet/faults", "{\"fail_rate\":0.9,\"latency_ms\":-5}"), 400, "invalid-request");
        assertProblem(h.putJson("/v1/devnet/faults", "not json"), 400, "invalid-request");
        JsonNode unchanged = ApiHarness.json(h.get("/v1/devnet/faults"));
        assertThat(unchanged).isEqualTo(set);

        Instant now = h.clock.instant();
        JsonNode outage = ApiHarness.json(h.putJson("/v1/devnet/faults", "{\"outage_seconds\":30}"));
        assertThat(outage.path("rpc_error_rate").asDouble())
                .as("omitted switches are reset")
                .isZero();
        assertThat(outage.path("outages")).hasSize(1);
        assertThat(Instant.parse(outage.path("outages").get(0).path("from").asText()))
                .isEqualTo(now);
        assertThat(Instant.parse(outage.path("outages").get(0).path("to").asText()))
                .isEqualTo(now.plusSeconds(30));
        assertThat(h.get("/health").statusCode()).isEqualTo(503);

        JsonNode cleared = ApiHarness.json(h.putJson("/v1/devnet/faults", "{}"));
        assertThat(cleared.path("outages")).isEmpty();
        assertThat(h.get("/health").statusCode()).isEqualTo(200);
    }
}
