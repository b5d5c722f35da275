package dev.chainsync.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.chainsync.credential.CredentialHash;
import dev.chainsync.db.Jdbc;
import dev.chainsync.idempotency.Idempotency;
import dev.chainsync.idempotency.Idempotency.Claim;
import dev.chainsync.idempotency.Idempotency.Outcome;
import dev.chainsync.idempotency.Idempotency.StoredResponse;
import dev.chainsync.webhook.SecretBox;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs a POST's effects in one transaction, through the Idempotency-Key machinery when the client
 * sent the header. Handlers validate first (a rejected request stores nothing), then hand over a
 * {@link Idempotency.Work} that performs the effects and builds the response.
 */
final class Idempotent {
    static final String HEADER = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";
    private static final com.fasterxml.jackson.databind.ObjectMapper CANONICAL =
            HttpApi.API_JSON.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** Marks a stored response whose body is encrypted; its value is the key's id. Never sent. */
    private static final String SEALED = "Chainsync-Sealed-Key";

    private final Jdbc jdbc;
    private final Idempotency idempotency;
    private final SecretBox box;

    Idempotent(Jdbc jdbc, Idempotency idempotency, SecretBox box) {
        this.jdbc = jdbc;
        this.idempotency = idempotency;
        this.box = box;
    }

    /** Performs {@code work} once per Idempotency-Key (or once, without the header) and writes the response. */
    void respond(Context ctx, String fingerprint, Idempotency.Work work) {
        respond(
                ctx,
                fingerprint,
                () -> jdbc.inTransaction(work::run),
                claim -> idempotency.execute(claim.apiKeyId(), claim.key(), claim.fingerprint(), work));
    }

    /**
     * As {@link #respond(Context, String, Idempotency.Work)} for responses that carry a secret (a new
     * API key, a webhook signing secret): the stored copy is encrypted (AES-GCM, bound to the API key
     * and Idempotency-Key), so a replay can return the same secret while the table never holds it in clear.
     */
    void respondSealed(Context ctx, String fingerprint, Idempotency.Work work) {
        respond(ctx, fingerprint, () -> jdbc.inTransaction(work::run), claim -> {
            String context = "idempotency:" + claim.apiKeyId() + ":" + claim.key();
            StoredResponse[] clear = new StoredResponse[1];
            return switch (idempotency.execute(claim.apiKeyId(), claim.key(), claim.fingerprint(), tx -> {
                clear[0] = work.run(tx);
                return seal(clear[0], context);
            })) {
                // The first time, answer with the response as built; only a replay needs decrypting.
                case Outcome.Executed e -> new Outcome.Executed(clear[0]);
                case Outcome.Replayed r -> new Outcome.Replayed(open(r.response(), context));
                case Outcome other -> other;
            };
        });
    }

    /**
     * As {@link #respond(Context, String, Idempotency.Work)} for effects that are not one database
     * transaction (a reconciliation run, a replay into Redis): see {@link Idempotency#executeOutside}.
     */
    void respondOutside(Context ctx, String fingerprint, Supplier<StoredResponse> effect) {
        respond(
                ctx,
                fingerprint,
                effect,
                claim -> idempotency.executeOutside(claim.apiKeyId(), claim.key(), claim.fingerprint(), effect));
    }

    private StoredResponse seal(StoredResponse r, String context) {
        Map<String, String> headers = new LinkedHashMap<>(r.headers());
        headers.put(SEALED, box.keyId());
        return new StoredResponse(r.status(), headers, box.seal(r.body(), context));
    }

    private StoredResponse open(StoredResponse r, String context) {
        String keyId = r.headers().get(SEALED);
        if (keyId == null) {
            return r;
        }
        Map<String, String> headers = new LinkedHashMap<>(r.headers());
        headers.remove(SEALED);
        return new StoredResponse(r.status(), headers, box.open(r.body(), context, keyId));
    }

    /**
     * As {@link #respond(Context, String, Idempotency.Work)} for effects applied elsewhere (the
     * ledger's batches): {@code once} runs them without a key, {@code keyed} under the request's
     * claim, storing the response in the effects' own transaction.
     */
    void respond(Context ctx, String fingerprint, Supplier<StoredResponse> once, Function<Claim, Outcome> keyed) {
        String key = ctx.header(HEADER);
        if (key == null) {
            write(ctx, once.get(), false);
            return;
        }
        if (key.isBlank() || key.length() > Idempotency.MAX_KEY_LENGTH) {
            throw ApiProblem.badRequest(HEADER + " must be 1 to " + Idempotency.MAX_KEY_LENGTH + " characters", HEADER);
        }
        Outcome outcome = keyed.apply(new Claim(Auth.principal(ctx).id(), key, fingerprint));
        switch (outcome) {
            case Outcome.Executed e -> write(ctx, e.response(), false);
            case Outcome.Replayed r -> write(ctx, r.response(), true);
            case Outcome.Mismatch m ->
                throw new ApiProblem(
                        422,
                        "idempotency-key-reused",
                        "Idempotency-Key reused",
                        "this Idempotency-Key was used with a different request",
                        Map.of("idempotency_key", key));
            case Outcome.InProgress p ->
                throw new ApiProblem(
                        409,
                        "idempotency-key-in-progress",
                        "Request in progress",
                        "a request with this Idempotency-Key is still being processed; retry later",
                        Map.of("idempotency_key", key));
        }
    }

    private static void write(Context ctx, StoredResponse r, boolean replayed) {
        r.headers().forEach(ctx::header);
        if (replayed) {
            ctx.header(REPLAYED, "true");
        }
        ctx.status(r.status()).result(r.body());
    }

    /** A JSON response to store and send. */
    static StoredResponse json(int status, Object body, String location) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        if (location != null) {
            headers.put("Location", location);
        }
        try {
            return new StoredResponse(status, headers, HttpApi.API_JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise response", e);
        }
    }

    /** Fingerprint of a request without a body (the path names everything it does). */
    static String fingerprint(Context ctx) {
        return fingerprint(ctx, HttpApi.API_JSON.createObjectNode());
    }

    /** Fingerprint of a JSON request: method, path and the body with its keys sorted. */
    static String fingerprint(Context ctx, JsonNode body) {
        try {
            Object canonical = CANONICAL.treeToValue(body, Object.class);
            return digest(ctx.method() + " " + path(ctx) + "\n" + CANONICAL.writeValueAsString(canonical));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Fingerprint of a form request: method, path, and the fields present (a file digest among them)
     * as a JSON object sorted by name. Absent fields are left out, so no value can pass for absence
     * (Map.toString() printed an absent serial exactly like the serial "null").
     */
    static String fingerprint(Context ctx, Map<String, String> fields) {
        Map<String, String> present = new TreeMap<>();
        fields.forEach((name, value) -> {
            if (value != null) {
                present.put(name, value);
            }
        });
        try {
            return digest(ctx.method() + " " + path(ctx) + "\n" + CANONICAL.writeValueAsString(present));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request path as routing sees it: Javalin ignores a trailing slash, so must the fingerprint. */
    private static String path(Context ctx) {
        String p = ctx.path();
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private static String digest(String s) {
        return CredentialHash.sha256Hex(s.getBytes(StandardCharsets.UTF_8));
    }
}
