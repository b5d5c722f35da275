package dev.chainsync.api;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Keyset pagination: an opaque cursor wraps the id of the last row returned. */
final class Paging {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private static final String PREFIX = "id:";

    private Paging() {}

    static int limit(Context ctx) {
        String raw = ctx.queryParam("limit");
        if (raw == null || raw.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v < 1 || v > MAX_LIMIT) {
                throw ApiProblem.badRequest("limit must be between 1 and " + MAX_LIMIT, "limit");
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("limit must be an integer", "limit");
        }
    }

    /** The id encoded in the {@code cursor} query parameter, or null for the first page. */
    static Long cursor(Context ctx) {
        String raw = ctx.queryParam("cursor");
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(raw.trim()), StandardCharsets.UTF_8);
            if (!decoded.startsWith(PREFIX)) {
                throw new IllegalArgumentException();
            }
            return Long.parseLong(decoded.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("cursor is not one this API returned", "cursor");
        }
    }

    /**
     * The page body for rows fetched with {@code limit + 1}: the first {@code limit} as {@code data},
     * and a {@code next_cursor} when the extra row shows there is more.
     */
    static <T> java.util.Map<String, Object> page(
            java.util.List<T> fetched,
            int limit,
            java.util.function.ToLongFunction<T> id,
            java.util.function.Function<T, ?> view) {
        boolean more = fetched.size() > limit;
        java.util.List<T> shown = more ? fetched.subList(0, limit) : fetched;
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("data", shown.stream().map(view).toList());
        body.put("next_cursor", more ? encode(id.applyAsLong(shown.getLast())) : null);
        return body;
    }

    static String encode(long id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + id).getBytes(StandardCharsets.UTF_8));
    }
}
