package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chainsync.app.Application;
import dev.chainsync.webhook.WebhookEventTypes;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.router.ParsedEndpoint;
import java.lang.reflect.Field;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code /health}, {@code /metrics}, {@code /openapi.json} and answers to unknown routes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthAndDocsTest {
    static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    @TempDir
    static Path dataDir;

    ApiHarness h;

    @BeforeAll
    void start() {
        h = ApiHarness.start("health", dataDir, Map.of("CHAINSYNC_HEALTH_MAX_PENDING_AGE_MS", "600000"));
    }

    @AfterAll
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private JsonNode health(int expectedStatus) {
        HttpResponse<String> r = h.get("/health");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(expectedStatus);
        assertThat(ApiHarness.contentType(r)).startsWith("application/json");
        return ApiHarness.json(r);
    }

    @Test
    void healthyWithOneEntryPerComponent() {
        JsonNode body = health(200);

        assertThat(body.path("status").asText()).isEqualTo("healthy");
        JsonNode components = body.path("components");
        assertThat(components.path("database").path("status").asText()).isEqualTo("up");
        assertThat(components.path("chain").path("status").asText()).isEqualTo("up");
        assertThat(components.path("chain").path("name").asText()).isEqualTo("devnet");
        assertThat(components.path("chain").path("block_height").asLong())
                .isEqualTo(h.app.devnet().blockHeight());
        assertThat(components.path("chain").path("circuit_breaker").asText()).isEqualTo("closed");
        JsonNode relay = components.path("relay");
        assertThat(relay.path("status").asText()).isEqualTo("up");
        assertThat(relay.has("oldest_pending_age_seconds")).isTrue();
        assertThat(relay.path("max_pending_age_seconds").asLong()).isEqualTo(600);
    }

    @Test
    void relayLagsWhenThePendingQueueIsOlderThanTheLimitAndRecovers() {
        h.issue("uni-h", "hank", null, "health check".getBytes(StandardCharsets.UTF_8));
        h.clock.advance(Duration.ofSeconds(90));

        JsonNode waiting = health(200).path("components").path("relay");
        assertThat(waiting.path("oldest_pending_age_seconds").asDouble()).isEqualTo(90.0);
        assertThat(waiting.path("pending").asLong()).isEqualTo(1);

        h.clock.advance(Duration.ofMinutes(9)); // 10 min 30 s > 10 min
        JsonNode lagging = health(503);
        assertThat(lagging.path("status").asText()).isEqualTo("unhealthy");
        assertThat(lagging.path("components").path("relay").path("status").asText())
                .isEqualTo("lagging");
        assertThat(lagging.path("components").path("chain").path("status").asText())
                .isEqualTo("up");

        h.submitAndConfirm();
        JsonNode recovered = health(200).path("components").path("relay");
        assertThat(recovered.path("oldest_pending_age_seconds").asDouble()).isZero();
        assertThat(recovered.path("pending").asLong()).isZero();
    }

    @Test
    void chainOutageMakesHealth503UntilTheWindowEnds() {
        Instant now = h.clock.instant();
        h.app.devnet().faults().outage(now.plusSeconds(5), now.plusSeconds(65));
        try {
            health(200);

            h.clock.advance(Duration.ofSeconds(5));
            JsonNode down = health(503);
            assertThat(down.path("status").asText()).isEqualTo("unhealthy");
            JsonNode chain = down.path("components").path("chain");
            assertThat(chain.path("status").asText()).isEqualTo("down");
            assertThat(chain.path("block_height").asLong()).isEqualTo(-1);
            assertThat(chain.path("detail").asText()).contains("outage");
            assertThat(down.path("components").path("database").path("status").asText())
                    .isEqualTo("up");

            h.clock.advance(Duration.ofSeconds(60));
            assertThat(health(200)
                            .path("components")
                            .path("chain")
                            .path("status")
                            .asText())
                    .isEqualTo("up");
        } finally {
            h.app.devnet().faults().clearOutages();
        }
    }

    @Test
    void metricsArePrometheusTextWithOutboxAndJvmMetrics() {
        double before = metric(h.get("/metrics").body(), "chainsync_outbox_submitted_total");
        h.issue("uni-h", "mona", null, "metrics".getBytes(StandardCharsets.UTF_8));
        h.submitAndConfirm();

        HttpResponse<String> r = h.get("/metrics");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ApiHarness.contentType(r)).startsWith("text/plain");
        String text = r.body();
        assertThat(metric(text, "chainsync_outbox_submitted_total")).isEqualTo(before + 1);
        assertThat(text).contains("# TYPE chainsync_outbox_submitted_total counter");
        assertThat(text).contains("chainsync_outbox_operations{status=\"pending\"}");
        assertThat(text).contains("chainsync_chain_breaker_open 0.0");
        assertThat(text)
                .contains("jvm_memory_used_bytes{")
                .contains("jvm_threads_live_threads")
                .contains("process_uptime_seconds");
    }

    private static double metric(String text, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(text);
        assertThat(m.find()).as(name + " in metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void unknownRoutesAreProblemJson404() {
        for (HttpRequest request : List.of(
                HttpRequest.newBuilder(h.base.resolve("/no/such/route")).GET().build(),
                HttpRequest.newBuilder(h.base.resolve("/v2/credentials")).GET().build())) {
            HttpResponse<String> r = h.send(request);

            assertThat(r.statusCode()).as(request + " " + r.body()).isEqualTo(404);
            assertThat(ApiHarness.contentType(r)).startsWith(HttpApi.PROBLEM_JSON);
            JsonNode p = ApiHarness.json(r);
            assertThat(p.path("type").asText()).isEqualTo(ApiProblem.TYPE_BASE + "not-found");
            assertThat(p.path("title").asText()).isEqualTo("Not found");
            assertThat(p.path("status").asInt()).isEqualTo(404);
            assertThat(p.path("detail").asText()).contains(request.uri().getPath());
            assertThat(p.path("instance").asText()).isEqualTo(request.uri().getPath());
            assertThat(ApiHarness.CONTRACT.violations("Problem", p)).isEmpty();
        }
    }

    // ------------------------------------------------------------------ the OpenAPI document

    private JsonNode servedDocument() {
        HttpResponse<String> r = h.get("/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ApiHarness.contentType(r)).startsWith("application/json");
        return ApiHarness.json(r);
    }

    /** The routes the running server registered, as "METHOD path" with Javalin's {param} syntax. */
    private Set<String> registeredRoutes() throws ReflectiveOperationException {
        Field httpField = Application.class.getDeclaredField("http");
        httpField.setAccessible(true);
        HttpApi api = (HttpApi) httpField.get(h.app);
        Field javalinField = HttpApi.class.getDeclaredField("javalin");
        javalinField.setAccessible(true);
        Javalin javalin = (Javalin) javalinField.get(api);
        Set<String> routes = new TreeSet<>();
        for (ParsedEndpoint e : javalin.unsafeConfig().pvt.internalRouter.allHttpHandlers()) {
            if (e.getEndpoint().getMethod().isHttpMethod() && e.getEndpoint().getMethod() != HandlerType.HEAD) {
                routes.add(e.getEndpoint().getMethod().name() + " "
                        + e.getEndpoint().getPath());
            }
        }
        return routes;
    }

    private static Set<String> documentedRoutes(JsonNode doc) {
        Set<String> routes = new TreeSet<>();
        Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (HTTP_METHODS.contains(method)) {
                    routes.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            });
        }
        return routes;
    }

    @Test
    void openApiDocumentsTheAnswersEveryRouteCanGive() {
        JsonNode doc = servedDocument();
        Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getKey().startsWith("/v1/")) {
                continue;
            }
            path.getValue().fields().forEachRemaining(op -> {
                if (!HTTP_METHODS.contains(op.getKey())) {
                    return;
                }
                String route = op.getKey() + " " + path.getKey();
                JsonNode responses = op.getValue().path("responses");
                assertThat(responses.has("400"))
                        .as(route + ": a malformed query is a 400")
                        .isTrue();
                if (op.getKey().equals("post")) {
                    responses.fields().forEachRemaining(r -> {
                        if (r.getKey().startsWith("2") && !r.getValue().has("$ref")) {
                            assertThat(r.getValue().path("headers").has("Idempotent-Replayed"))
                                    .as(route + " " + r.getKey())
                                    .isTrue();
                        }
                    });
                }
                if (op.getValue().path("requestBody").path("content").has("application/json")) {
                    assertThat(responses.has("413"))
                            .as(route + ": a body over the limit")
                            .isTrue();
                }
            });
        }
        // /metrics takes a key when CHAINSYNC_METRICS_REQUIRE_KEY is set: optional in the document.
        JsonNode metrics = doc.path("paths").path("/metrics").path("get");
        assertThat(metrics.path("security")).hasSize(2);
        assertThat(metrics.path("responses").has("401")).isTrue();
        assertThat(doc.toString()).doesNotContain("Not replayed through Idempotency-Key");
    }

    @Test
    void openApiDocumentsExactlyTheRegisteredRoutes() throws ReflectiveOperationException {
        JsonNode doc = servedDocument();

        assertThat(doc.path("openapi").asText()).startsWith("3.1");
        assertThat(doc.path("info").path("title").asText()).isNotBlank();
        assertThat(doc.path("info").path("version").asText()).isNotBlank();
        Set<String> registered = registeredRoutes();
        assertThat(registered)
                .as("sanity: the server's routes were found")
                .hasSizeGreaterThanOrEqualTo(15)
                .contains("POST /v1/credentials", "PUT /v1/devnet/faults");
        assertThat(documentedRoutes(doc)).containsExactlyElementsOf(registered);
        // What the server serves is what the tests check responses against, but for the port it names.
        ObjectNode served = doc.deepCopy();
        ObjectNode checked = ApiHarness.CONTRACT.doc().deepCopy();
        served.remove("servers");
        checked.remove("servers");
        assertThat(served).isEqualTo(checked);
    }

    @Test
    void everyPostTakesAnIdempotencyKeyAndEveryEventIsDocumentedAsAWebhook() {
        JsonNode doc = servedDocument();
        OpenApiContract contract = new OpenApiContract(doc);
        List<String> posts = new ArrayList<>();
        doc.path("paths").fields().forEachRemaining(path -> {
            JsonNode post = path.getValue().path("post");
            if (!post.isMissingNode()) {
                posts.add(path.getKey());
                List<String> names = new ArrayList<>();
                post.path("parameters")
                        .forEach(p -> names.add(contract.resolve(p).path("name").asText()));
                assertThat(names).as("POST " + path.getKey()).contains("Idempotency-Key");
                assertThat(post.path("responses").has("409")
                                && post.path("responses").has("422"))
                        .as("POST " + path.getKey() + " answers 409 and 422")
                        .isTrue();
            }
        });
        assertThat(posts).as("sanity: the POST routes were found").hasSizeGreaterThanOrEqualTo(13);

        // Every type an endpoint may subscribe to, and only those, is documented.
        List<String> events = WebhookEventTypes.ALL;
        assertThat(fieldNames(doc.path("webhooks"))).containsExactlyElementsOf(events);
        for (String event : events) {
            JsonNode post = doc.path("webhooks").path(event).path("post");
            List<String> headers = new ArrayList<>();
            post.path("parameters")
                    .forEach(p -> headers.add(contract.resolve(p).path("name").asText()));
            assertThat(headers).containsExactly("webhook-id", "webhook-timestamp", "webhook-signature");
            JsonNode schema = contract.resolve(post.path("requestBody")
                    .path("content")
                    .path("application/json")
                    .path("schema"));
            assertThat(schema.path("properties").path("type").path("const").asText())
                    .isEqualTo(event);
            assertThat(schema.path("required").toString()).contains("type", "timestamp", "data");
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void openApiOperationsAreComplete() {
        JsonNode doc = servedDocument();
        OpenApiContract contract = new OpenApiContract(doc);
        List<String> problems = new ArrayList<>();
        Set<String> operationIds = new TreeSet<>();
        Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            Set<String> pathParams = new TreeSet<>();
            Matcher m = Pattern.compile("\\{([^}]+)}").matcher(path.getKey());
            while (m.find()) {
                pathParams.add(m.group(1));
            }
            Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields();
            while (ops.hasNext()) {
                Map.Entry<String, JsonNode> op = ops.next();
                String where = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
                JsonNode operation = op.getValue();
                if (!operationIds.add(operation.path("operationId").asText(where))) {
                    problems.add(where + ": duplicate or missing operationId");
                }
                Set<String> declared = new TreeSet<>();
                for (JsonNode p : operation.path("parameters")) {
                    JsonNode param = contract.resolve(p);
                    if ("path".equals(param.path("in").asText())) {
                        declared.add(param.path("name").asText());
                        if (!param.path("required").asBoolean()) {
                            problems.add(where + ": path parameter " + param.path("name") + " not required");
                        }
                    }
                }
                if (!declared.equals(pathParams)) {
                    problems.add(where + ": path parameters " + declared + " but template has " + pathParams);
                }
                boolean success = false;
                Iterator<Map.Entry<String, JsonNode>> responses =
                        operation.path("responses").fields();
                while (responses.hasNext()) {
                    Map.Entry<String, JsonNode> resp = responses.next();
                    int status = Integer.parseInt(resp.getKey());
                    JsonNode response = contract.resolve(resp.getValue());
                    if (response.path("description").asText().isBlank()) {
                        problems.add(where + " " + status + ": no description");
                    }
                    success |= status >= 200 && status < 300;
                    boolean healthReport = "/health".equals(path.getKey()) && status == 503;
                    if (status >= 400 && !healthReport) {
                        JsonNode content = response.path("content");
                        if (content.size() != 1
                                || !content.has(HttpApi.PROBLEM_JSON)
                                || !"#/components/schemas/Problem"
                                        .equals(content.path(HttpApi.PROBLEM_JSON)
                                                .path("schema")
                                                .path("$ref")
                                                .asText())) {
                            problems.add(where + " " + status + ": not a Problem in " + HttpApi.PROBLEM_JSON);
                        }
                    }
                }
                if (!success) {
                    problems.add(where + ": no 2xx response");
                }
                if (!operation.path("responses").has("500")) {
                    problems.add(where + ": no 500 response");
                }
            }
        }
        collectRefs(doc, contract, problems);
        assertThat(problems).isEmpty();
        JsonNode problem = doc.at("/components/schemas/Problem");
        assertThat(problem.path("required"))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("type", "title", "status", "detail");
    }

    private static void collectRefs(JsonNode node, OpenApiContract contract, List<String> problems) {
        if (node.isObject()) {
            if (node.has("$ref")) {
                try {
                    contract.resolve(node);
                } catch (RuntimeException e) {
                    problems.add(e.getMessage());
                }
            }
            node.forEach(child -> collectRefs(child, contract, problems));
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, contract, problems));
        }
    }
}
