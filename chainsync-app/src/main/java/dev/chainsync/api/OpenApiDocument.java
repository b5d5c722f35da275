package dev.chainsync.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chainsync.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI 3.1 document served at {@code /openapi.json}: the base {@code openapi.json} plus one
 * fragment per capability under {@code openapi/}, each adding its paths, tags and components. A
 * capability documents its routes in its own file; a name defined twice is an error, not a silent
 * overwrite.
 */
public final class OpenApiDocument {
    /** Fragments merged into the base document, in order. */
    static final List<String> FRAGMENTS = List.of("edge", "webhooks", "ingest", "reconcile", "tickets");

    private static volatile String cached;
    private static volatile ForPort forPort;

    private OpenApiDocument() {}

    /**
     * The document as served by a server listening on {@code port}: its {@code servers} entry names
     * that port instead of the default one.
     */
    public static String json(int port) {
        ForPort f = forPort;
        if (f == null || f.port() != port) {
            ObjectNode doc = (ObjectNode) Json.read(json());
            doc.withArray("/servers").forEach(server -> ((ObjectNode) server).put("url", "http://localhost:" + port));
            forPort = f = new ForPort(port, Json.write(doc));
        }
        return f.json();
    }

    private record ForPort(int port, String json) {}

    /** The merged document as JSON text, its server on the default port. */
    public static String json() {
        String s = cached;
        if (s == null) {
            ObjectNode doc = (ObjectNode) read("/openapi.json");
            for (String f : FRAGMENTS) {
                merge(doc, read("/openapi/" + f + ".json"), f);
            }
            secureV1(doc);
            cached = s = Json.write(doc);
        }
        return s;
    }

    private static void merge(ObjectNode doc, JsonNode fragment, String name) {
        mergeObject(doc.withObject("/paths"), fragment.path("paths"), name + ": path");
        // OpenAPI 3.1 webhooks: the requests chainsync sends to its clients' endpoints.
        mergeObject(doc.withObject("/webhooks"), fragment.path("webhooks"), name + ": webhook");
        JsonNode components = fragment.path("components");
        for (Iterator<Map.Entry<String, JsonNode>> it = components.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> section = it.next();
            mergeObject(
                    doc.withObject("/components").withObject("/" + section.getKey()),
                    section.getValue(),
                    name + ": components." + section.getKey());
        }
        if (fragment.has("tags")) {
            ArrayNode tags = doc.withArray("/tags");
            fragment.get("tags").forEach(tags::add);
        }
        if (fragment.has("security")) {
            doc.set("security", fragment.get("security"));
        }
    }

    /**
     * Every {@code /v1} operation needs an API key and is rate-limited, so each gets the 401, 403 and
     * 429 answers here rather than in every path, the 400 for a malformed query, the 413 for a JSON
     * body over the limit, and every POST the Idempotency-Key parameter and the Idempotent-Replayed
     * header; open routes ({@code /health}, ...) opt out, and {@code /metrics} takes a key optionally.
     */
    private static void secureV1(ObjectNode doc) {
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            boolean v1 = path.getKey().startsWith("/v1/");
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (op.getKey().equals("parameters") || !(op.getValue() instanceof ObjectNode operation)) {
                    continue;
                }
                ObjectNode responses = operation.withObject("/responses");
                if (path.getKey().equals("/metrics")) {
                    // Open unless CHAINSYNC_METRICS_REQUIRE_KEY: the key is optional in the document.
                    ArrayNode security = operation.putArray("security");
                    security.addObject();
                    security.addObject().putArray("bearer");
                    requireKeyAnswers(responses);
                    continue;
                }
                if (!v1) {
                    operation.putArray("security");
                    continue;
                }
                requireKeyAnswers(responses);
                // A query string that is not valid percent-encoding is refused on every /v1 route.
                if (!responses.has("400")) {
                    responses.putObject("400").put("$ref", "#/components/responses/BadRequest");
                }
                if (operation.has("requestBody")
                        && !responses.has("413")
                        && operation.path("requestBody").path("content").has("application/json")) {
                    // HTTP_MAX_REQUEST_SIZE: 1 MB for every JSON body.
                    responses.putObject("413").put("$ref", "#/components/responses/PayloadTooLarge");
                }
                boolean post = op.getKey().equals("post");
                if (post) {
                    acceptIdempotencyKey(operation, responses);
                }
                // The limiter runs before every /v1 handler, so every answer carries the limit headers.
                for (Iterator<Map.Entry<String, JsonNode>> rs = responses.fields(); rs.hasNext(); ) {
                    Map.Entry<String, JsonNode> r = rs.next();
                    if (r.getKey().startsWith("2") && r.getValue() instanceof ObjectNode ok && !ok.has("$ref")) {
                        ObjectNode headers = ok.withObject("/headers");
                        headers.putIfAbsent(
                                "RateLimit",
                                Json.MAPPER.createObjectNode().put("$ref", "#/components/headers/RateLimit"));
                        headers.putIfAbsent(
                                "RateLimit-Policy",
                                Json.MAPPER.createObjectNode().put("$ref", "#/components/headers/RateLimitPolicy"));
                        if (post) {
                            headers.putIfAbsent(
                                    "Idempotent-Replayed",
                                    Json.MAPPER
                                            .createObjectNode()
                                            .put("$ref", "#/components/headers/IdempotentReplayed"));
                        }
                    }
                }
            }
        }
    }

    private static void requireKeyAnswers(ObjectNode responses) {
        for (String[] r : new String[][] {{"401", "Unauthorized"}, {"403", "Forbidden"}, {"429", "TooManyRequests"}}) {
            if (!responses.has(r[0])) {
                responses.putObject(r[0]).put("$ref", "#/components/responses/" + r[1]);
            }
        }
    }

    /** Every POST takes an Idempotency-Key, with its 409 (in flight) and 422 (reused) answers. */
    private static void acceptIdempotencyKey(ObjectNode operation, ObjectNode responses) {
        String ref = "#/components/parameters/IdempotencyKey";
        ArrayNode params = operation.withArray("/parameters");
        boolean present = false;
        for (JsonNode p : params) {
            present |= ref.equals(p.path("$ref").asText());
        }
        if (!present) {
            params.addObject().put("$ref", ref);
        }
        if (!responses.has("409")) {
            responses.putObject("409").put("$ref", "#/components/responses/IdempotencyInProgress");
        }
        if (!responses.has("422")) {
            responses.putObject("422").put("$ref", "#/components/responses/Unprocessable");
        }
    }

    private static void mergeObject(ObjectNode into, JsonNode from, String what) {
        for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (into.has(e.getKey())) {
                throw new IllegalStateException("OpenAPI " + what + " '" + e.getKey() + "' is defined twice");
            }
            into.set(e.getKey(), e.getValue());
        }
    }

    private static JsonNode read(String resource) {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " missing from the jar");
            }
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
    }
}
