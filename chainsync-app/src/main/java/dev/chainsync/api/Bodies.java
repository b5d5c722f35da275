package dev.chainsync.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Locale;

/**
 * Reading JSON request bodies, the one place every route's body goes through: anything but one
 * JSON object (null, a number, an array, two values, trailing garbage, a field given twice) is a
 * 400, and text fields are checked for control characters and broken UTF-16. Amounts are read as
 * exact decimals, never through a double.
 */
final class Bodies {
    private static final ObjectReader STRICT = HttpApi.API_JSON
            .reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** For binding to a record: a field the record lacks is refused too. */
    private static final ObjectReader STRICT_TYPED = STRICT.with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Longest account name, in characters (the ledger refuses longer ones too). */
    static final int MAX_NAME_CHARS = 200;

    private Bodies() {}

    /** The body as a JSON object, or a 400 saying what it is instead. */
    static JsonNode json(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw ApiProblem.badRequest("expected a JSON body (Content-Type: application/json)", null);
        }
        JsonNode node;
        try {
            node = STRICT.readTree(ctx.bodyAsBytes());
        } catch (JsonProcessingException e) {
            throw ApiProblem.badRequest("the body is not valid JSON: " + e.getOriginalMessage(), null);
        } catch (IOException e) {
            throw ApiProblem.badRequest("the body could not be read", null);
        }
        if (node == null || node.isMissingNode()) {
            throw ApiProblem.badRequest("the body is empty; it must be a JSON object", null);
        }
        if (!node.isObject()) {
            throw ApiProblem.badRequest(
                    "the body must be a JSON object, not "
                            + node.getNodeType().name().toLowerCase(Locale.ROOT),
                    null);
        }
        return node;
    }

    /**
     * The body bound to a record; a field of the wrong type, or one the record does not have (a typo
     * would otherwise leave its setting at the default), is a 400 naming it, with {@code example}
     * showing a body that works.
     */
    static <T> T json(Context ctx, Class<T> type, String example) {
        JsonNode body = json(ctx);
        try {
            return STRICT_TYPED.treeToValue(body, type);
        } catch (UnrecognizedPropertyException e) {
            throw ApiProblem.badRequest(
                    "unknown field '" + e.getPropertyName() + "'; send JSON like " + example, e.getPropertyName());
        } catch (JsonMappingException e) {
            String field = e.getPath().isEmpty() ? null : e.getPath().getFirst().getFieldName();
            throw ApiProblem.badRequest(
                    (field == null ? "the body" : field) + " has the wrong type; send JSON like " + example, field);
        } catch (JsonProcessingException e) {
            throw ApiProblem.badRequest("the body does not fit; send JSON like " + example, null);
        }
    }

    /** A string field, checked with {@link #checkText}. */
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
        return checkText(field, v.asText());
    }

    /**
     * A required name without its surrounding blanks: not blank, at most {@code maxChars} characters;
     * each failure told apart.
     */
    static String name(JsonNode body, String field, int maxChars) {
        String name = text(body, field, true).strip();
        if (name.isEmpty()) {
            throw ApiProblem.badRequest(field + " is required and must not be blank", field);
        }
        if (name.length() > maxChars) {
            throw ApiProblem.badRequest(
                    field + " is " + name.length() + " characters long; at most " + maxChars + " are allowed", field);
        }
        return name;
    }

    /**
     * Refuses text no client means to send and no reader can show: control characters (a NUL would
     * be cut by PostgreSQL, others disappear on screen) and unpaired UTF-16 surrogates (stored as
     * '?', so what is read back differs from what was accepted). Returns the text unchanged.
     */
    static String checkText(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw ApiProblem.badRequest(
                        field + " must not contain control characters (U+%04X at position %d)".formatted((int) c, i),
                        field);
            }
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw ApiProblem.badRequest(
                        field
                                + " is not valid Unicode text (an unpaired surrogate U+%04X at position %d)"
                                        .formatted((int) c, i),
                        field);
            }
        }
        return value;
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
            return checkText(field, v.asText());
        }
        throw ApiProblem.badRequest(field + " must be a decimal string such as \"12.50\"", field);
    }
}
