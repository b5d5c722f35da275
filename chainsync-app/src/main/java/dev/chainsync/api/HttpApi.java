package dev.chainsync.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.chainsync.json.Json;
import dev.chainsync.outbox.RelayConfig;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge: one Javalin server on virtual threads, problem+json for every error, and graceful
 * shutdown (stop accepting, let in-flight requests finish within the grace period).
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    public static final String PROBLEM_JSON = "application/problem+json";
    /** Multipart framing and form fields on top of the file itself. */
    static final long MULTIPART_OVERHEAD_BYTES = 64 * 1024;

    /** JSON as the API speaks it: snake_case fields, ISO-8601 instants, no nulls. */
    public static final ObjectMapper API_JSON = Json.MAPPER
            .copy()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setDefaultPropertyInclusion(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL));

    /**
     * What the HTTP API is configured with.
     *
     * @param uploadCache where multipart uploads larger than the in-memory limit are spooled
     * @param relay the relay's settings, which {@code /health} reports against
     */
    public record Settings(HttpConfig http, EdgeConfig edge, RelayConfig relay, Path uploadCache) {}

    private final HttpConfig config;
    private final Javalin javalin;
    private boolean closed;

    /** Every route of the API over {@code services}; nothing listens until {@link #start()}. */
    public HttpApi(Settings settings, ApiServices services) {
        this(
                settings.http(),
                settings.uploadCache(),
                services.registry(),
                javalin -> routes(javalin, settings, services));
    }

    /**
     * A server with the error handling every route relies on and only the routes {@code routes}
     * registers: a test of one route class starts just that route.
     */
    HttpApi(HttpConfig config, Path uploadCache, PrometheusMeterRegistry registry, Consumer<Javalin> routes) {
        this.config = config;
        long maxUpload = config.maxUploadBytes();
        try {
            Files.createDirectories(uploadCache);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + uploadCache, e);
        }
        HttpMetrics metrics = new HttpMetrics(registry);
        this.javalin = Javalin.create(cfg -> {
            cfg.useVirtualThreads = true;
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.jsonMapper(new JavalinJackson(API_JSON, true));
            cfg.http.maxRequestSize = 1024 * 1024;
            cfg.http.prefer405over404 = true;
            cfg.requestLogger.http(metrics::record);
            cfg.jetty.multipartConfig.cacheDirectory(
                    uploadCache.toAbsolutePath().toString());
            cfg.jetty.multipartConfig.maxFileSize(maxUpload, SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxTotalRequestSize(maxUpload + MULTIPART_OVERHEAD_BYTES, SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxInMemoryFileSize(256 * 1024, SizeUnit.BYTES);
            cfg.jetty.modifyServer(server -> {
                // Jetty only drains in-flight requests on stop when a StatisticsHandler counts them.
                StatisticsHandler requests = new StatisticsHandler();
                server.insertHandler(requests);
                Gauge.builder("chainsync_http_requests_active", requests, StatisticsHandler::getRequestsActive)
                        .description("HTTP requests being handled now, this scrape included")
                        .register(registry);
                server.setStopTimeout(config.shutdownGrace().toMillis());
                server.setStopAtShutdown(false);
                server.setErrorHandler(new ProblemErrorHandler());
            });
        });
        routes.accept(javalin);
        javalin.exception(ApiProblem.class, (e, ctx) -> problem(ctx, e));
        // Javalin answers an unmatched route with a NotFoundResponse; RFC 9457 wants a stable title per type.
        javalin.exception(HttpResponseException.class, (e, ctx) -> problem(ctx, ApiProblem.of(e, ctx)));
        javalin.exception(Exception.class, (e, ctx) -> {
            log.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
            problem(
                    ctx,
                    new ApiProblem(
                            500,
                            "internal",
                            "Internal error",
                            "the request failed on the server; it has been logged",
                            null));
        });
        javalin.error(404, ctx -> {
            if (!PROBLEM_JSON.equals(ctx.res().getContentType())) {
                problem(ctx, ApiProblem.notFound("no route for " + ctx.method() + " " + ctx.path()));
            }
        });
    }

    /** The API's filters and routes, each route class given only the services it uses. */
    private static void routes(Javalin javalin, Settings settings, ApiServices s) {
        Auth auth = new Auth(s.apiKeys(), s.rateLimiter());
        // Only requests that reach a route are authenticated: an unknown route is 404 and a wrong method 405, whatever
        // the key.
        javalin.beforeMatched("/v1/*", auth::check);
        javalin.beforeMatched("/v1/*", Parameters::check);
        if (settings.edge().metricsRequireKey()) {
            javalin.before("/metrics", auth::checkRead);
        }
        new HealthRoutes(
                        s.database(),
                        s.chain(),
                        s.outbox(),
                        settings.relay(),
                        new HealthRoutes.Workers(s.relay(), s.transfers(), s.ownershipListener()),
                        s.webhookDispatcher(),
                        s.ingest(),
                        s.registry())
                .register(javalin);
        Idempotent idempotent = new Idempotent(s.database().jdbc(), s.idempotency(), s.secretBox());
        new CredentialRoutes(s.credentials(), s.outbox(), settings.http().maxUploadBytes(), idempotent)
                .register(javalin);
        new OperationRoutes(s.outbox(), s.reconciler(), s.devnetFaults(), s.clock(), idempotent).register(javalin);
        new IngestRoutes(s.ingest(), idempotent).register(javalin);
        new ReviewRoutes(s.reviews(), idempotent).register(javalin);
        new LedgerRoutes(s.ledger(), idempotent, s.transfers()).register(javalin);
        new ApiKeyRoutes(s.apiKeys(), s.rateLimiter(), idempotent).register(javalin);
        new WebhookRoutes(s.webhookEndpoints(), idempotent).register(javalin);
        new StatusRoutes(new StatusRoutes.Sources(
                        s.clock(),
                        s.chain(),
                        s.outbox(),
                        settings.relay(),
                        s.ingest(),
                        s.registry(),
                        s.reconcileEngine(),
                        s.reviews(),
                        s.webhookEndpoints(),
                        s.webhookDispatcher()))
                .register(javalin);
        new TicketRoutes(s.tickets(), idempotent).register(javalin);
        javalin.get(
                "/openapi.json",
                ctx -> ctx.contentType("application/json")
                        .result(OpenApiDocument.json(ctx.req().getLocalPort())));
    }

    /**
     * Fails with a message naming the port when another process listens on it, before anything else of
     * the service starts: Javalin's own failure report loses the reason, and exits the process.
     */
    public void ensurePortFree() {
        int port = config.port();
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(port));
        } catch (IOException bind) {
            throw new UncheckedIOException(
                    "cannot listen on HTTP port " + port + ": " + bind.getMessage(),
                    bind instanceof BindException b ? b : new BindException(bind.getMessage()));
        }
    }

    public HttpApi start() {
        javalin.start(config.port());
        return this;
    }

    public int port() {
        return javalin.port();
    }

    /** Renders a problem as RFC 9457 JSON. */
    static void problem(Context ctx, ApiProblem p) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", p.type());
        body.put("title", p.title());
        body.put("status", p.status());
        body.put("detail", p.getMessage());
        body.put("instance", ctx.path());
        body.putAll(p.extensions());
        try {
            ctx.status(p.status()).contentType(PROBLEM_JSON).result(API_JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops accepting connections and waits for in-flight requests up to the grace period. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        javalin.stop();
    }
}
