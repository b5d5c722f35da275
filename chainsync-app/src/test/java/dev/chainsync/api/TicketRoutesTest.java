package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.chain.Ed25519Keypair;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events and tickets over HTTP on the devnet: 202 and pending, the owner on confirmation, and every refusal. */
class TicketRoutesTest {
    @TempDir
    Path dataDir;

    ApiHarness h;
    final String alice = Ed25519Keypair.generate(new SecureRandom()).address();
    final String bob = Ed25519Keypair.generate(new SecureRandom()).address();

    @BeforeEach
    void start() {
        h = ApiHarness.start("tickets-api", dataDir);
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private HttpResponse<String> postJson(String path, String json, String idempotencyKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(h.base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return h.send(b.build());
    }

    private HttpResponse<String> postJson(String path, String json) {
        return postJson(path, json, null);
    }

    private String event(int capacity) {
        HttpResponse<String> r = postJson("/v1/events", """
                {"name":"Concert","venue":"Arena","starts_at":"2027-01-01T20:00:00Z","capacity":%d,
                 "price":"50.00","royalty_bps":1000}""".formatted(capacity));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return ApiHarness.json(r).path("id").asText();
    }

    private static void assertProblem(HttpResponse<String> r, int status, String detail) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(ApiHarness.contentType(r)).startsWith(HttpApi.PROBLEM_JSON);
        assertThat(ApiHarness.json(r).path("detail").asText()).contains(detail);
    }

    private long written() {
        return h.count("tickets")
                + h.count("pending_transfers")
                + h.count("chain_operations")
                + h.count("ticket_events");
    }

    @Test
    void mintTransferAndBurnAre202PendingAndTheOwnerFollowsConfirmation() {
        String eventId = event(5);
        JsonNode event = ApiHarness.json(h.get("/v1/events/" + eventId));
        assertThat(event.path("price").asText()).isEqualTo("50.00");
        assertThat(event.path("royalty_bps").asInt()).isEqualTo(1000);

        HttpResponse<String> minted = postJson(
                "/v1/events/" + eventId + "/tickets", "{\"owner\":\"" + alice + "\",\"seat\":\"A1\"}", "mint-1");
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(202);
        JsonNode ticket = ApiHarness.json(minted);
        String id = ticket.path("id").asText();
        assertThat(ticket.path("status").asText()).isEqualTo("minting");
        assertThat(ticket.has("owner")).as("no owner before confirmation").isFalse();
        assertThat(ticket.path("operation").path("status").asText()).isEqualTo("pending");
        // The same Idempotency-Key replays the answer and mints nothing more.
        HttpResponse<String> replay = postJson(
                "/v1/events/" + eventId + "/tickets", "{\"owner\":\"" + alice + "\",\"seat\":\"A1\"}", "mint-1");
        assertThat(ApiHarness.json(replay).path("id").asText()).isEqualTo(id);
        assertThat(h.count("tickets")).isEqualTo(1);

        h.submitAndConfirm();
        JsonNode active = ApiHarness.json(h.get("/v1/tickets/" + id));
        assertThat(active.path("status").asText()).isEqualTo("active");
        assertThat(active.path("owner").asText()).isEqualTo(alice);
        assertThat(active.path("chain").path("owner").asText()).isEqualTo(alice);
        assertThat(active.path("chain").path("slot").asLong()).isPositive();
        assertThat(active.path("chain").has("last_synced_at")).isTrue();

        HttpResponse<String> transfer =
                postJson("/v1/tickets/" + id + "/transfers", "{\"to\":\"" + bob + "\",\"price\":\"80.00\"}");
        assertThat(transfer.statusCode()).as(transfer.body()).isEqualTo(202);
        assertThat(ApiHarness.json(transfer).path("status").asText()).isEqualTo("pending");
        JsonNode during = ApiHarness.json(h.get("/v1/tickets/" + id));
        assertThat(during.path("owner").asText()).isEqualTo(alice);
        assertThat(during.path("pending_transfers")).hasSize(1);
        assertThat(during.path("pending_transfers").get(0).path("to").asText()).isEqualTo(bob);

        h.submitAndConfirm();
        JsonNode moved = ApiHarness.json(h.get("/v1/tickets/" + id));
        assertThat(moved.path("owner").asText()).isEqualTo(bob);
        assertThat(moved.path("pending_transfers")).isEmpty();
        assertThat(h.queryLong("SELECT count(*) FROM ticket_royalties WHERE royalty_amount = 8"))
                .isEqualTo(1);

        assertThat(postJson("/v1/tickets/" + id + "/burn", "{}").statusCode()).isEqualTo(202);
        h.submitAndConfirm();
        assertThat(ApiHarness.json(h.get("/v1/tickets/" + id)).path("status").asText())
                .isEqualTo("burned");

        JsonNode history = ApiHarness.json(h.get("/v1/tickets/" + id + "/history"));
        List<String> sources = new ArrayList<>();
        history.path("data").forEach(c -> sources.add(c.path("source").asText()));
        assertThat(sources).containsExactly("mint", "platform_transfer", "burn");
        assertThat(history.path("data").get(1).path("signature").asText()).isNotBlank();
        assertThat(h.queryLong("SELECT count(*) FROM webhook_events WHERE type LIKE 'ticket.%'"))
                .isEqualTo(3);
    }

    @Test
    void ticketsAreListedByOwnerAndEventInKeysetPages() {
        String eventId = event(10);
        for (int i = 0; i < 3; i++) {
            postJson("/v1/events/" + eventId + "/tickets", "{\"owner\":\"" + alice + "\",\"seat\":\"S" + i + "\"}");
        }
        postJson("/v1/events/" + eventId + "/tickets", "{\"owner\":\"" + bob + "\",\"seat\":\"B1\"}");
        h.submitAndConfirm();

        JsonNode first = ApiHarness.json(h.get("/v1/tickets?owner=" + alice + "&limit=2"));
        assertThat(first.path("data")).hasSize(2);
        String cursor = first.path("next_cursor").asText();
        JsonNode second = ApiHarness.json(h.get("/v1/tickets?owner=" + alice + "&limit=2&cursor=" + cursor));
        assertThat(second.path("data")).hasSize(1);
        assertThat(second.has("next_cursor")).isFalse();
        assertThat(ApiHarness.json(h.get("/v1/tickets?event_id=" + eventId)).path("data"))
                .hasSize(4);
        assertThat(ApiHarness.json(h.get("/v1/tickets?event_id=" + UUID.randomUUID()))
                        .path("data"))
                .isEmpty();
        assertProblem(h.get("/v1/tickets?owner=nope"), 400, "owner must be");
        assertProblem(h.get("/v1/tickets?event_id=42"), 400, "event_id");
    }

    @Test
    void badInputUnknownEventSoldOutBurnedAndConcurrentRequestsAreProblemsThatWriteNothing() {
        String eventId = event(1);
        HttpResponse<String> minted =
                postJson("/v1/events/" + eventId + "/tickets", "{\"owner\":\"" + alice + "\",\"seat\":\"A1\"}");
        String id = ApiHarness.json(minted).path("id").asText();
        assertProblem(postJson("/v1/tickets/" + id + "/transfers", "{\"to\":\"" + bob + "\"}"), 409, "not minted");
        h.submitAndConfirm();
        assertThat(postJson("/v1/tickets/" + id + "/transfers", "{\"to\":\"" + bob + "\"}")
                        .statusCode())
                .isEqualTo(202);
        long before = written();

        assertProblem(
                postJson("/v1/events/" + eventId + "/tickets", "{\"owner\":\"not-a-wallet\",\"seat\":\"A2\"}"),
                400,
                "owner must be a base58 wallet address");
        assertProblem(
                postJson(
                        "/v1/events/" + UUID.randomUUID() + "/tickets",
                        "{\"owner\":\"" + alice + "\",\"seat\":\"A2\"}"),
                404,
                "no event");
        assertProblem(
                postJson("/v1/events/" + eventId + "/tickets", "{\"owner\":\"" + alice + "\",\"seat\":\"A2\"}"),
                409,
                "sold out");
        assertProblem(postJson("/v1/tickets/" + id + "/transfers", "{\"to\":\"" + alice + "\"}"), 409, "in flight");
        assertProblem(postJson("/v1/tickets/" + id + "/burn", "{}"), 409, "transfer in flight");
        assertProblem(postJson("/v1/tickets/" + id + "/transfers", "{\"to\":\"x0\"}"), 400, "to must be");
        assertProblem(
                postJson("/v1/tickets/" + id + "/transfers", "{\"to\":\"" + bob + "\",\"price\":\"-3\"}"),
                400,
                "price");
        assertProblem(
                postJson(
                        "/v1/events",
                        "{\"name\":\"x\",\"venue\":\"y\",\"starts_at\":\"tomorrow\",\"capacity\":1,\"price\":\"1\","
                                + "\"royalty_bps\":0}"),
                400,
                "starts_at");
        assertProblem(
                postJson(
                        "/v1/events",
                        "{\"name\":\"x\",\"venue\":\"y\",\"starts_at\":\"2027-01-01T00:00:00Z\",\"capacity\":1,"
                                + "\"price\":\"1\",\"royalty_bps\":10001}"),
                400,
                "royalty_bps");
        assertProblem(h.get("/v1/tickets/" + UUID.randomUUID()), 404, "no ticket");
        assertProblem(h.get("/v1/events/not-a-uuid"), 404, "no event");
        assertThat(written()).isEqualTo(before);

        h.submitAndConfirm();
        assertThat(postJson("/v1/tickets/" + id + "/burn", "{}").statusCode()).isEqualTo(202);
        h.submitAndConfirm();
        long burned = written();
        assertProblem(postJson("/v1/tickets/" + id + "/transfers", "{\"to\":\"" + alice + "\"}"), 409, "burned");
        assertProblem(postJson("/v1/tickets/" + id + "/burn", "{}"), 409, "burned");
        assertThat(written()).isEqualTo(burned);
    }

    @Test
    void aRetryOfAFailedMintWhoseSeatWasSoldAgainIsAConflictAndChangesNothing() {
        String eventId = event(1);
        String first = ApiHarness.json(
                        postJson("/v1/events/" + eventId + "/tickets", "{\"owner\":\"" + alice + "\",\"seat\":\"A1\"}"))
                .path("id")
                .asText();
        h.app.services().devnetFaults().failRate(1.0);
        for (int i = 0; i < 12; i++) {
            h.submitAndConfirm();
            h.clock.advance(java.time.Duration.ofMinutes(5));
        }
        assertThat(ApiHarness.json(h.get("/v1/tickets/" + first)).path("status").asText())
                .isEqualTo("mint_failed");
        h.app.services().devnetFaults().failRate(0.0);
        assertThat(postJson("/v1/events/" + eventId + "/tickets", "{\"owner\":\"" + bob + "\",\"seat\":\"A1\"}")
                        .statusCode())
                .isEqualTo(202);
        long operation = h.queryLong("SELECT id FROM chain_operations WHERE aggregate_id = '" + first + "'");

        assertProblem(postJson("/v1/operations/" + operation + "/retry", "{}"), 409, "seat A1 was taken");
        assertThat(h.queryLong("SELECT count(*) FROM chain_operations WHERE status = 'dead_lettered'"))
                .isEqualTo(1);
        assertThat(ApiHarness.json(h.get("/v1/tickets/" + first)).path("status").asText())
                .isEqualTo("mint_failed");
    }
}
