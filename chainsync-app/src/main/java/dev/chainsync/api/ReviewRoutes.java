package dev.chainsync.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.json.Json;
import dev.chainsync.reconcile.ReviewQueue;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The manual review queue: list, read, assign and resolve the discrepancies a person decides. */
final class ReviewRoutes {
    /** Longest assignee and note accepted. */
    static final int MAX_ASSIGNEE_CHARS = 200;

    static final int MAX_NOTE_CHARS = 2000;

    private final ReviewQueue reviews;
    private final Idempotent idempotent;

    ReviewRoutes(ReviewQueue reviews, Idempotent idempotent) {
        this.reviews = reviews;
        this.idempotent = idempotent;
    }

    void register(Javalin javalin) {
        javalin.get("/v1/reviews", this::list);
        javalin.get("/v1/reviews/{id}", this::get);
        javalin.post("/v1/reviews/{id}/assign", this::assign);
        javalin.post("/v1/reviews/{id}/resolve", this::resolve);
    }

    private void list(Context ctx) {
        String param = ctx.queryParam("status");
        ReviewQueue.Status status =
                param == null || param.isBlank() ? null : parse(ReviewQueue.Status.class, "status", param);
        int limit = Paging.limit(ctx);
        List<ReviewQueue.Review> page = reviews.list(status, Paging.cursor(ctx), limit + 1);
        ctx.json(Paging.page(page, limit, ReviewQueue.Review::id, ReviewRoutes::view));
    }

    private void get(Context ctx) {
        long id = idParam(ctx);
        ReviewQueue.Review r = reviews.find(id).orElseThrow(() -> ApiProblem.notFound("no review " + id));
        Map<String, Object> body = view(r);
        body.put("history", reviews.history(id).stream().map(ReviewRoutes::view).toList());
        ctx.json(body);
    }

    private void assign(Context ctx) {
        long id = idParam(ctx);
        JsonNode body = Bodies.json(ctx);
        only(body, Set.of("assignee"), "{\"assignee\": \"ops@example.org\"}");
        String assignee = Bodies.name(body, "assignee", MAX_ASSIGNEE_CHARS);
        String actor = Auth.principal(ctx).name();
        idempotent.respond(ctx, Idempotent.fingerprint(ctx, body), tx -> {
            try {
                return Idempotent.json(
                        200,
                        view(reviews.assign(tx, id, assignee, actor)
                                .orElseThrow(() -> ApiProblem.notFound("no review " + id))),
                        null);
            } catch (ReviewQueue.ConflictException e) {
                throw ApiProblem.conflict(e.getMessage());
            }
        });
    }

    private void resolve(Context ctx) {
        long id = idParam(ctx);
        JsonNode body = Bodies.json(ctx);
        String example = "{\"resolution\": \"accept_chain\", \"note\": \"the chain is right\"}";
        only(body, Set.of("resolution", "note"), example);
        ReviewQueue.Resolution resolution =
                parse(ReviewQueue.Resolution.class, "resolution", Bodies.text(body, "resolution", true));
        String note = Bodies.text(body, "note", false);
        if (note != null && note.length() > MAX_NOTE_CHARS) {
            throw ApiProblem.badRequest(
                    "note is " + note.length() + " characters long; at most " + MAX_NOTE_CHARS + " are allowed",
                    "note");
        }
        String actor = Auth.principal(ctx).name();
        idempotent.respond(ctx, Idempotent.fingerprint(ctx, body), tx -> {
            try {
                return Idempotent.json(
                        200,
                        view(reviews.resolve(tx, id, resolution, note, actor)
                                .orElseThrow(() -> ApiProblem.notFound("no review " + id))),
                        null);
            } catch (ReviewQueue.ConflictException e) {
                throw ApiProblem.conflict(e.getMessage());
            }
        });
    }

    /** A field the route does not know is a 400 naming it: a typo must not pass as an absent note. */
    private static void only(JsonNode body, Set<String> fields, String example) {
        body.fieldNames().forEachRemaining(f -> {
            if (!fields.contains(f)) {
                throw ApiProblem.badRequest("unknown field '" + f + "'; send JSON like " + example, f);
            }
        });
    }

    /** An enum value by its lower-case name; anything else is a 400 listing the values. */
    private static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(value)) {
                return e;
            }
        }
        List<String> names = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .toList();
        throw ApiProblem.badRequest(field + " must be one of " + names + ", got '" + value + "'", field);
    }

    private static long idParam(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("id must be an integer", "id");
        }
    }

    static Map<String, Object> view(ReviewQueue.Review r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("run_id", r.runId());
        m.put("data_type", r.dataType());
        m.put("key", r.key());
        m.put("finding", r.finding());
        m.put("chain", r.chain() == null ? null : Json.read(r.chain()));
        m.put("database", r.database() == null ? null : Json.read(r.database()));
        m.put("status", r.status());
        m.put("assignee", r.assignee());
        m.put("resolution", r.resolution());
        m.put("note", r.note());
        m.put("opened_at", r.openedAt());
        m.put("updated_at", r.updatedAt());
        m.put("resolved_at", r.resolvedAt());
        return m;
    }

    private static Map<String, Object> view(ReviewQueue.Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("event", e.event());
        m.put("actor", e.actor());
        m.put("detail", Json.read(e.detail()));
        m.put("at", e.at());
        return m;
    }
}
