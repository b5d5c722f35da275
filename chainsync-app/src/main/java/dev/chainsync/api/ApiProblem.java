package dev.chainsync.api;

import java.util.List;
import java.util.Map;

/**
 * An error answer in RFC 9457 form ({@code application/problem+json}); thrown by handlers and
 * rendered by {@link HttpApi}.
 */
public class ApiProblem extends RuntimeException {
    public static final String TYPE_BASE = "https://chainsync.dev/problems/";

    private final int status;
    private final String type;
    private final String title;
    private final Map<String, Object> extensions;

    public ApiProblem(int status, String type, String title, String detail, Map<String, Object> extensions) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
    }

    public static ApiProblem badRequest(String detail, String field) {
        return new ApiProblem(
                400, "invalid-request", "Invalid request", detail, field == null ? Map.of() : Map.of("field", field));
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(404, "not-found", "Not found", detail, null);
    }

    public static ApiProblem conflict(String detail) {
        return new ApiProblem(409, "conflict", "Conflict", detail, null);
    }

    public static ApiProblem tooLarge(String detail, long limit) {
        return new ApiProblem(413, "payload-too-large", "Payload too large", detail, Map.of("limit_bytes", limit));
    }

    /**
     * Javalin's own answers as problems: an unmatched route, and a known route asked with a method it
     * does not have (405, with the {@code Allow} header RFC 9110 requires).
     */
    static ApiProblem of(io.javalin.http.HttpResponseException e, io.javalin.http.Context ctx) {
        if (e.getStatus() == 404) {
            return notFound(e.getMessage());
        }
        if (e.getStatus() == 405) {
            String allow = e.getDetails().values().stream().findFirst().orElse("");
            ctx.header("Allow", allow);
            return new ApiProblem(
                    405,
                    "method-not-allowed",
                    "Method not allowed",
                    ctx.method() + " is not allowed on " + ctx.path() + "; allowed: " + allow,
                    Map.of("allowed_methods", List.of(allow.split(",\\s*"))));
        }
        return new ApiProblem(
                e.getStatus(),
                "http-" + e.getStatus(),
                io.javalin.http.HttpStatus.forStatus(e.getStatus()).getMessage(),
                e.getMessage(),
                null);
    }

    public int status() {
        return status;
    }

    public String type() {
        return TYPE_BASE + type;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }
}
