package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real Javalin server with the metrics' request logger, scraped as Prometheus would. */
class HttpMetricsTest {
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final HttpClient client = HttpClient.newHttpClient();
    Javalin javalin;

    @BeforeEach
    void start() {
        HttpMetrics metrics = new HttpMetrics(registry);
        javalin = Javalin.create(cfg -> {
                    cfg.showJavalinBanner = false;
                    cfg.http.prefer405over404 = true;
                    cfg.requestLogger.http(metrics::record);
                })
                .get("/v1/credentials/{hash}", ctx -> {
                    if (ctx.pathParam("hash").equals("missing")) {
                        ctx.status(404);
                    }
                })
                .start(0);
    }

    @AfterEach
    void stop() {
        javalin.stop();
    }

    int get(String path) throws Exception {
        return client.send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + javalin.port() + path))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    List<String> counts() {
        return Arrays.stream(registry.scrape().split("\n"))
                .filter(l -> l.startsWith("http_server_requests_seconds_count"))
                .toList();
    }

    @Test
    void twoHashesMakeOneSeriesLabelledWithTheTemplate() throws Exception {
        get("/v1/credentials/aaa");
        get("/v1/credentials/bbb");
        assertThat(counts())
                .singleElement()
                .asString()
                .contains("uri=\"/v1/credentials/{hash}\"", "method=\"GET\"", "status=\"200\"")
                .endsWith(" 2");
    }

    @Test
    void aMatchedRouteAnswering404KeepsItsTemplate() throws Exception {
        assertThat(get("/v1/credentials/missing")).isEqualTo(404);
        assertThat(counts()).singleElement().asString().contains("uri=\"/v1/credentials/{hash}\"", "status=\"404\"");
    }

    @Test
    void unmatchedPathsShareOneBoundedLabelAndNeverTheRawPath() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(get("/scan/" + i)).isEqualTo(404);
        }
        assertThat(registry.scrape()).doesNotContain("/scan/");
        assertThat(counts())
                .singleElement()
                .asString()
                .contains("uri=\"NOT_FOUND\"")
                .endsWith(" 5");
    }
}
