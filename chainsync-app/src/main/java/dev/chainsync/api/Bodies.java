package dev.chainsync.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;

/** Reading JSON request bodies with clear 400s; amounts are read as exact decimals, never through a double. */
final class Bodies {
    private Bodies() {}

    static JsonNode json(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw ApiProblem.badRequest("expected a JSON body (Content-Type: application/json)", null);
        }
        try {
            JsonNode node = HttpApi.API_JSON.readTree(ctx.bodyAsBytes());
            if (node == null || !node.isObject()) {
                throw ApiProblem.badRequest("the body must be a JSON object", null);
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiProblem.badRequest("the body is not valid JSON: " + e.getOriginalMessage(), null);
        } catch (IOException e) {
            throw ApiProblem.badRequest("the body could not be read", null);
        }
    }

    static String text(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiProblem.badRequest(field + " is required", field);
            }
            return null;
        }
        if (!v.isTextual()) {
            throw ApiProblem.badRequest(field + " must be a string", field);
        }
        return v.asText();
    }

    /** A decimal given as a JSON string ("12.50") or number (12.50), kept exact. */
    static String decimal(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw ApiProblem.badRequest(field + " is required", field);
        }
        if (v.isNumber()) {
            // toString, not toPlainString: 1e1000000 stays ten characters instead of a million digits.
            return v.decimalValue().toString();
        }
        if (v.isTextual()) {
            return v.asText();
        }
        throw ApiProblem.badRequest(field + " must be a decimal string such as \"12.50\"", field);
    }
}
