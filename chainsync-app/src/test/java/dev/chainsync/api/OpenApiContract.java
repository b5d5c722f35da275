package dev.chainsync.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The served OpenAPI document used as a contract: every response a test receives is checked
 * against what the document says for its method, path and status (media type and JSON schema).
 * Implements the subset of JSON Schema the document uses: $ref, type, properties, required,
 * additionalProperties, items, enum, pattern, minimum, maximum, format date-time and oneOf.
 */
final class OpenApiContract {
    private final JsonNode doc;

    OpenApiContract(JsonNode doc) {
        this.doc = doc;
    }

    /** The document as packaged on the classpath (what {@code GET /openapi.json} serves). */
    static OpenApiContract fromClasspath() {
        try {
            return new OpenApiContract(Json.MAPPER.readTree(OpenApiDocument.json()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode doc() {
        return doc;
    }

    /** The documented path template matching a concrete request path, or null. */
    String templateFor(String path) {
        Iterator<String> names = doc.path("paths").fieldNames();
        while (names.hasNext()) {
            String template = names.next();
            String regex = template.replaceAll("\\{[^/]+}", "[^/]+").replace(".", "\\.");
            if (Pattern.matches(regex, path)) {
                return template;
            }
        }
        return null;
    }

    /**
     * Checks a response against the document. Returns the list of violations (empty when it
     * conforms); requests to undocumented paths are not checked here.
     */
    List<String> violations(String method, String path, HttpResponse<String> response) {
        List<String> out = new ArrayList<>();
        String template = templateFor(path);
        if (template == null) {
            return out;
        }
        String where = method + " " + template + " -> " + response.statusCode();
        JsonNode operation = doc.path("paths").path(template).path(method.toLowerCase(Locale.ROOT));
        if (operation.isMissingNode()) {
            // A wrong method on a known path is a 405 problem document (with Allow), never anything else.
            if (response.statusCode() != 405) {
                out.add(where + ": method not documented");
            }
            return out;
        }
        JsonNode resp = resolve(operation.path("responses").path(String.valueOf(response.statusCode())));
        if (resp.isMissingNode()) {
            out.add(where + ": status not documented (body " + response.body() + ")");
            return out;
        }
        String mediaType = ApiHarness.contentType(response).split(";")[0].trim();
        JsonNode content = resp.path("content");
        if (content.isMissingNode()) {
            return out;
        }
        JsonNode media = content.path(mediaType);
        if (media.isMissingNode()) {
            out.add(where + ": media type " + mediaType + " not documented ("
                    + content.fieldNames().next() + ")");
            return out;
        }
        JsonNode schema = media.path("schema");
        if (!mediaType.endsWith("json")) {
            return out;
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            out.add(where + ": body is not JSON: " + response.body());
            return out;
        }
        validate(schema, body, where + " $", out);
        return out;
    }

    /** Validates {@code value} against a component schema by name. */
    List<String> violations(String schemaName, JsonNode value) {
        List<String> out = new ArrayList<>();
        validate(doc.path("components").path("schemas").path(schemaName), value, schemaName + " $", out);
        return out;
    }

    JsonNode resolve(JsonNode node) {
        JsonNode n = node;
        while (n.has("$ref")) {
            String ref = n.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                throw new IllegalArgumentException("only local refs are supported: " + ref);
            }
            n = doc.at(ref.substring(1));
            if (n.isMissingNode()) {
                throw new IllegalStateException("unresolvable $ref " + ref);
            }
        }
        return n;
    }

    private void validate(JsonNode schemaRef, JsonNode value, String at, List<String> out) {
        JsonNode schema = resolve(schemaRef);
        if (schema.has("oneOf")) {
            // Exactly one branch must accept the value.
            List<String> reasons = new ArrayList<>();
            int matching = 0;
            for (JsonNode branch : schema.get("oneOf")) {
                List<String> branchOut = new ArrayList<>();
                validate(branch, value, at, branchOut);
                matching += branchOut.isEmpty() ? 1 : 0;
                reasons.addAll(branchOut);
            }
            if (matching != 1) {
                out.add(at + ": " + matching + " of the oneOf schemas match " + value + " " + reasons);
            }
            return;
        }
        if (schema.has("type") && !typeMatches(schema.get("type"), value)) {
            out.add(at + ": expected " + schema.get("type") + " but was " + value);
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) {
                found |= e.equals(value);
            }
            if (!found) {
                out.add(at + ": " + value + " not in " + schema.get("enum"));
            }
        }
        if (value.isTextual()) {
            if (schema.has("pattern")
                    && !Pattern.compile(schema.get("pattern").asText())
                            .matcher(value.asText())
                            .find()) {
                out.add(at + ": '" + value.asText() + "' does not match "
                        + schema.get("pattern").asText());
            }
            if ("date-time".equals(schema.path("format").asText())) {
                try {
                    OffsetDateTime.parse(value.asText());
                } catch (DateTimeParseException e) {
                    out.add(at + ": '" + value.asText() + "' is not a date-time");
                }
            }
        }
        if (value.isNumber()) {
            if (schema.has("minimum")
                    && value.asDouble() < schema.get("minimum").asDouble()) {
                out.add(at + ": " + value + " below minimum " + schema.get("minimum"));
            }
            if (schema.has("maximum")
                    && value.asDouble() > schema.get("maximum").asDouble()) {
                out.add(at + ": " + value + " above maximum " + schema.get("maximum"));
            }
        }
        if (value.isObject()) {
            for (JsonNode req : schema.path("required")) {
                if (!value.has(req.asText())) {
                    out.add(at + ": required property '" + req.asText() + "' missing in " + value);
                }
            }
            JsonNode props = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                JsonNode propSchema = props.path(field.getKey());
                if (!propSchema.isMissingNode()) {
                    validate(propSchema, field.getValue(), at + "." + field.getKey(), out);
                } else if (additional.isBoolean() && !additional.asBoolean()) {
                    out.add(at + ": undocumented property '" + field.getKey() + "'");
                } else if (additional.isObject()) {
                    validate(additional, field.getValue(), at + "." + field.getKey(), out);
                }
            }
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                validate(schema.get("items"), value.get(i), at + "[" + i + "]", out);
            }
        }
    }

    private static boolean typeMatches(JsonNode type, JsonNode value) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (typeMatches(t, value)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> throw new IllegalArgumentException("unknown type " + type);
        };
    }
}
