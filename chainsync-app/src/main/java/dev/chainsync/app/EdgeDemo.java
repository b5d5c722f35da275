package dev.chainsync.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.chainsync.apikey.Scope;
import dev.chainsync.json.Json;
import dev.chainsync.webhook.WebhookEndpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The demo's edge part: a webhook endpoint on a small local receiver that checks every signature
 * the way a client app would, two accounts, concurrent transfers, an Idempotency-Key replay and a
 * refused overdraft, then what arrived at the receiver.
 */
final class EdgeDemo implements AutoCloseable {
    private static final int TRANSFERS = 20;
    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(20);

    private final HttpServer receiver;
    private final Set<String> received = ConcurrentHashMap.newKeySet();
    private final AtomicInteger badSignatures = new AtomicInteger();
    private volatile byte[] secret;
    private volatile Long endpointId;

    static final String RECEIVER_DESCRIPTION = "demo receiver";
    private static final java.util.regex.Pattern RECEIVER_URL =
            java.util.regex.Pattern.compile("http://127\\.0\\.0\\.1:\\d+/hooks");

    private EdgeDemo(HttpServer receiver) {
        this.receiver = receiver;
    }

    /** Starts the receiver before the service, and lets the dispatcher deliver to this machine. */
    static EdgeDemo prepare(Map<String, String> env) throws IOException {
        env.putIfAbsent("CHAINSYNC_WEBHOOK_ALLOW_PRIVATE_TARGETS", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        EdgeDemo demo = new EdgeDemo(server);
        server.createContext("/hooks", ex -> {
            try (ex) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String id = ex.getRequestHeaders().getFirst("webhook-id");
                boolean valid = demo.verify(
                        id,
                        ex.getRequestHeaders().getFirst("webhook-timestamp"),
                        ex.getRequestHeaders().getFirst("webhook-signature"),
                        body);
                if (valid) {
                    demo.received.add(id);
                } else {
                    demo.badSignatures.incrementAndGet();
                }
                ex.sendResponseHeaders(valid ? 204 : 400, -1);
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return demo;
    }

    void run(Application app, String base, DemoLinks links) throws Exception {
        int stale = removeStaleEndpoints(app);
        if (stale > 0) {
            System.out.println("\nRemoved " + stale + " webhook endpoint(s) an earlier demo run left behind");
        }
        String key = app.services()
                .apiKeys()
                .create(
                        "demo-edge",
                        EnumSet.of(Scope.LEDGER_WRITE, Scope.WEBHOOKS_MANAGE, Scope.READ, Scope.ADMIN),
                        null)
                .secret();
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        System.out.println();
        System.out.println("Edge: webhooks, accounts and transfers through the API (a key with ledger:write, "
                + "webhooks:manage, read, admin)");
        String endpointId = createEndpoint(http, base, key);

        String alice = createAccount(http, base, key, "alice");
        String bob = createAccount(http, base, key, "bob");
        post(
                http,
                base + "/v1/admin/mints",
                key,
                null,
                Map.of("account", alice, "amount", "100.00", "currency", "USD"));
        System.out.println("  accounts " + alice + " (alice) and " + bob + " (bob); minted 100.00 USD to alice");

        int created = concurrentTransfers(http, base, key, alice, bob);
        replayAndOverdraw(http, base, key, alice, bob);

        JsonNode a = get(http, base + "/v1/accounts/" + alice, key);
        JsonNode b = get(http, base + "/v1/accounts/" + bob, key);
        System.out.println("  balances: alice " + a.at("/balances/USD").asText() + " USD, bob "
                + b.at("/balances/USD").asText() + " USD (minted 100.00; transfers only move it)");

        // The mint and every transfer made each publish transfer.completed.
        awaitWebhooks(1 + created + 1);
        links.add("/v1/accounts/" + alice, "an account and its balances");
        links.add("/v1/accounts/" + alice + "/entries", "its double-entry journal");
        links.add(
                "/v1/webhook-endpoints/" + endpointId + "/messages",
                "webhook deliveries (removed when the demo stops)");
    }

    /** Registers the receiver for transfer.* and keeps the endpoint's id and signing secret; returns the id. */
    private String createEndpoint(HttpClient http, String base, String key) throws IOException, InterruptedException {
        String hookUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks";
        JsonNode endpoint = post(
                        http,
                        base + "/v1/webhook-endpoints",
                        key,
                        null,
                        Map.of(
                                "url",
                                hookUrl,
                                "event_types",
                                List.of("transfer.*"),
                                "description",
                                RECEIVER_DESCRIPTION))
                .body;
        String endpointId = endpoint.get("id").asText();
        this.endpointId = endpoint.get("id").asLong();
        secret = Base64.getDecoder().decode(endpoint.get("secret").asText().substring("whsec_".length()));
        System.out.println("  webhook endpoint " + endpointId + " -> " + hookUrl + " (transfer.*), secret shown once");
        return endpointId;
    }

    private static String createAccount(HttpClient http, String base, String key, String name)
            throws IOException, InterruptedException {
        return post(http, base + "/v1/accounts", key, null, Map.of("name", name))
                .body
                .get("id")
                .asText();
    }

    /** Sends {@link #TRANSFERS} transfers at once; returns how many were created. */
    private static int concurrentTransfers(HttpClient http, String base, String key, String alice, String bob)
            throws Exception {
        List<Future<Reply>> sent = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < TRANSFERS; i++) {
                sent.add(pool.submit(() -> post(
                        http,
                        base + "/v1/transfers",
                        key,
                        null,
                        Map.of("from", alice, "to", bob, "amount", "1.25", "currency", "USD"))));
            }
        }
        int created = 0;
        for (Future<Reply> f : sent) {
            created += f.get().status == 201 ? 1 : 0;
        }
        System.out.println("  " + TRANSFERS + " concurrent transfers of 1.25 USD alice -> bob: " + created + " x 201");
        return created;
    }

    /** One transfer sent twice under the same Idempotency-Key, then one alice cannot afford. */
    private static void replayAndOverdraw(HttpClient http, String base, String key, String alice, String bob)
            throws IOException, InterruptedException {
        Map<String, String> once = Map.of("from", alice, "to", bob, "amount", "5.00", "currency", "USD");
        Reply first = post(http, base + "/v1/transfers", key, "demo-pay-bob-5", once);
        Reply again = post(http, base + "/v1/transfers", key, "demo-pay-bob-5", once);
        System.out.println("  the same Idempotency-Key twice: " + first.status + ", then " + again.status
                + " with Idempotent-Replayed: " + again.replayed + " (same transfer "
                + again.body.get("id").asText()
                + ")");
        Reply overdraw = post(
                http,
                base + "/v1/transfers",
                key,
                null,
                Map.of("from", alice, "to", bob, "amount", "1000.00", "currency", "USD"));
        System.out.println("  an overdraft answers " + overdraw.status + " " + overdraw.contentType + ": "
                + overdraw.body.get("detail").asText());
    }

    private void awaitWebhooks(int expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(DELIVERY_WAIT);
        while (received.size() < expected && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        System.out.println("  the receiver got " + received.size() + "/" + expected
                + " transfer.completed webhooks, each signature checked (" + badSignatures.get() + " bad)");
    }

    /**
     * Deletes this run's endpoint: its receiver stops with the demo, and an endpoint left behind would
     * be retried against a dead port for days.
     */
    void removeEndpoint(Application app) {
        Long id = endpointId;
        if (id != null) {
            app.services().webhookEndpoints().delete(id);
            endpointId = null;
        }
    }

    /** Endpoints of earlier runs that ended without removing theirs (killed, say): same description, a loopback receiver. */
    static int removeStaleEndpoints(Application app) {
        int removed = 0;
        Long before = null;
        List<WebhookEndpoint> page;
        do {
            page = app.services().webhookEndpoints().list(before, 100);
            for (WebhookEndpoint e : page) {
                if (isDemoReceiver(e) && app.services().webhookEndpoints().delete(e.id())) {
                    removed++;
                }
            }
            before = page.isEmpty() ? null : page.getLast().id();
        } while (page.size() == 100);
        return removed;
    }

    static boolean isDemoReceiver(WebhookEndpoint e) {
        return RECEIVER_DESCRIPTION.equals(e.description())
                && RECEIVER_URL.matcher(e.url()).matches();
    }

    /** What a client app does with each webhook: recompute the HMAC over id.timestamp.body. */
    private boolean verify(String id, String timestamp, String signatures, String body) {
        byte[] key = secret;
        if (key == null || id == null || timestamp == null || signatures == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            for (String s : signatures.split(" ")) {
                if (s.startsWith("v1,")
                        && MessageDigest.isEqual(expected, Base64.getDecoder().decode(s.substring(3)))) {
                    return true;
                }
            }
            return false;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private record Reply(int status, JsonNode body, boolean replayed, String contentType) {}

    private static Reply post(HttpClient http, String url, String key, String idempotencyKey, Object body)
            throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)));
        if (idempotencyKey != null) {
            r.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<String> response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 500) {
            throw new IllegalStateException(
                    "POST " + url + " failed: " + response.statusCode() + " " + response.body());
        }
        return new Reply(
                response.statusCode(),
                Json.MAPPER.readTree(response.body()),
                "true"
                        .equals(response.headers()
                                .firstValue("Idempotent-Replayed")
                                .orElse(null)),
                response.headers().firstValue("Content-Type").orElse(""));
    }

    private static JsonNode get(HttpClient http, String url, String key) throws IOException, InterruptedException {
        return Json.MAPPER.readTree(http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Authorization", "Bearer " + key)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
    }

    @Override
    public void close() {
        receiver.stop(0);
    }
}
