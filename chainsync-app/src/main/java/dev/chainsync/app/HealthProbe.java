package dev.chainsync.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The container's health check: exits 0 when {@code /health/ready} answers 200, 1 otherwise. The
 * image has no shell or curl, so the check is this class on the image's own Java runtime.
 */
public final class HealthProbe {
    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private HealthProbe() {}

    /** Argument: the URL to ask; default {@code http://localhost:$HTTP_PORT/health/ready}. */
    public static void main(String[] args) {
        String port = System.getenv().getOrDefault("HTTP_PORT", "8080");
        URI uri = URI.create(args.length > 0 ? args[0] : "http://localhost:" + port + "/health/ready");
        System.exit(ready(uri) ? 0 : 1);
    }

    static boolean ready(URI uri) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            HttpResponse<Void> r = client.send(
                    HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
