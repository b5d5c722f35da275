package dev.chainsync.app;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The URLs the demo tells its user to look at, each with what it shows; printed together with the
 * API key that opens them, and checked with that very key so the demo never points at a 403.
 */
final class DemoLinks {
    private record Link(String path, String what) {}

    private static final int MAX_ALIGNED_PATH = 40;

    private final String base;
    private final List<Link> links = new ArrayList<>();

    DemoLinks(String base) {
        this.base = base;
    }

    String base() {
        return base;
    }

    void add(String path, String what) {
        links.add(new Link(path, what));
    }

    void print(PrintStream out) {
        // Aligned descriptions, but a credential's 64-character hash does not push every one off screen.
        int width = Math.min(
                MAX_ALIGNED_PATH,
                links.stream().mapToInt(l -> l.path().length()).max().orElse(0));
        for (Link l : links) {
            out.printf("  %s%-" + width + "s   %s%n", base, l.path(), l.what());
        }
    }

    /** Every link that does not answer 200 to a GET with {@code apiKey}, with what it answered. */
    List<String> refusedWith(String apiKey) throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<String> refused = new ArrayList<>();
        for (Link l : links) {
            HttpRequest get = HttpRequest.newBuilder(URI.create(base + l.path()))
                    .header("Authorization", "Bearer " + apiKey)
                    .timeout(Duration.ofSeconds(10))
                    .build();
            try {
                int status =
                        http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status != 200) {
                    refused.add(base + l.path() + " answers " + status);
                }
            } catch (IOException e) {
                refused.add(base + l.path() + " fails: " + e.getMessage());
            }
        }
        return refused;
    }
}
