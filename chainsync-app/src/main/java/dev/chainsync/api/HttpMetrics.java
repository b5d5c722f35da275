package dev.chainsync.api;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Times every HTTP request by route template, method and status ({@code
 * http_server_requests_seconds}). The label is the matched route ({@code /v1/credentials/{hash}}),
 * never the raw path: one series per route, however many hashes are asked for; a request no
 * route matched gets a fixed label, so a scan of random paths cannot grow the series.
 */
final class HttpMetrics {
    static final String NAME = "http.server.requests";
    /** The route label of a request no route matched and that was answered 404. */
    static final String NOT_FOUND = "NOT_FOUND";
    /** The route label of any other request no route matched (405, a body refused before routing). */
    static final String UNMATCHED = "UNMATCHED";

    private final MeterRegistry registry;

    HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Javalin's request logger: called once per request after every handler, with its duration. */
    void record(Context ctx, float executionTimeMs) {
        int status = ctx.statusCode();
        Timer.builder(NAME)
                .description("HTTP requests by route template, method and status")
                .tag("method", ctx.method().name())
                .tag("uri", route(ctx, status))
                .tag("status", Integer.toString(status))
                .register(registry)
                .record((long) (executionTimeMs * 1_000_000.0), TimeUnit.NANOSECONDS);
    }

    static String route(Context ctx, int status) {
        String template;
        try {
            template = ctx.endpointHandlerPath();
        } catch (IllegalStateException beforeMatching) {
            template = null;
        }
        if (template != null && template.startsWith("/")) {
            return template;
        }
        return status == 404 ? NOT_FOUND : UNMATCHED;
    }
}
