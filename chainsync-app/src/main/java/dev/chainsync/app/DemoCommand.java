package dev.chainsync.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chainsync.api.HttpApi;
import dev.chainsync.apikey.Scope;
import dev.chainsync.json.Json;
import dev.chainsync.reconcile.CredentialReconciler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts the service on embedded defaults, drives a small workload through its own HTTP API
 * (including dropped transactions the relay must recover from), and prints where to look.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run the service on embedded defaults with a demo workload.",
            "",
            "Starts an embedded PostgreSQL and the in-process devnet, issues credentials through the HTTP",
            "API while the devnet drops some transactions, waits until every one is confirmed, runs a",
            "reconciliation, feeds ingest, exercises webhooks and the ledger, and prints the URLs to look",
            "at with a key that opens them."
        })
final class DemoCommand implements Callable<Integer> {
    static final Duration DEMO_SLOT_TIME = Duration.ofMillis(50);
    static final String DEMO_DATA_DIR = ".chainsync/demo";
    static final Duration WORKLOAD_TIMEOUT = Duration.ofMinutes(3);

    @CommandLine.ParentCommand
    Main main;

    @Option(names = "--port", description = "HTTP port (overrides HTTP_PORT; default 8080).")
    Integer port;

    @Option(
            names = "--credentials",
            defaultValue = "12",
            description = "How many credentials to issue (default ${DEFAULT-VALUE}).")
    int count;

    @Option(
            names = "--drop-rate",
            defaultValue = "0.25",
            description =
                    "Fraction of transactions the devnet accepts but never lands during the workload (default ${DEFAULT-VALUE}).")
    double dropRate;

    @Option(names = "--exit", description = "Stop after the workload instead of serving until Ctrl-C.")
    boolean exit;

    @Option(
            names = "--chain",
            defaultValue = DemoChain.DEVNET,
            description = "devnet (default) or solana: the Solana runtime server of testing/solana-rpc"
                    + " (needs Node.js), or the cluster --solana-rpc names.")
    String chainKind;

    @Option(
            names = "--solana-rpc",
            description = "With --chain solana: this JSON-RPC URL instead of a runtime server started here"
                    + " (the issuer must hold SOL there).")
    String solanaRpc;

    private DemoChain chain;

    private String apiKey;

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = new HashMap<>(main.env());
        // The demo's devnet runs faster slots than serve's, and a devnet ledger keeps its slot time:
        // give the demo its own data directory so `serve` can use the default one afterwards.
        env.putIfAbsent("CHAINSYNC_DATA_DIR", DEMO_DATA_DIR);
        // A short slot keeps the demo's blockhash expiry (150 slots) to a few seconds.
        env.putIfAbsent("CHAINSYNC_DEVNET_SLOT_MS", String.valueOf(DEMO_SLOT_TIME.toMillis()));
        env.putIfAbsent("CHAINSYNC_RETRY_BASE_MS", "200");
        env.putIfAbsent("CHAINSYNC_RETRY_MAX_MS", "2000");
        chain = DemoChain.prepare(chainKind, solanaRpc, env);
        IngestDemo ingestDemo = IngestDemo.prepare(env);
        EdgeDemo edgeDemo = EdgeDemo.prepare(env);
        ChainsyncConfig config = Main.loadConfig(env);
        if (port != null) {
            config = config.withHttpPort(port);
        }
        Application app = Application.create(config).start();
        try {
            chain.fund(app);
            String base = "http://localhost:" + app.httpPort();
            apiKey = app.services()
                    .apiKeys()
                    .create("demo", DEMO_KEY_SCOPES, null)
                    .secret();
            DemoLinks links = new DemoLinks(base);
            List<String> hashes = runWorkload(app, base);
            links(links, hashes);
            ingestDemo.run(app, base, links);
            edgeDemo.run(app, base, links);
            printSummary(links);
        } catch (Exception e) {
            stop(app, ingestDemo, edgeDemo, chain);
            throw e;
        }
        if (exit) {
            stop(app, ingestDemo, edgeDemo, chain);
            return 0;
        }
        System.out.println("\nServing until Ctrl-C.");
        ingestDemo.closeAfter(app);
        ServeCommand.stopOnSignal(app).await();
        stop(app, ingestDemo, edgeDemo, chain);
        return 0;
    }

    /**
     * What the printed key may do: everything the printed links need (a test checks each link with
     * it), and issuing credentials for the curl example; not admin.
     */
    static final java.util.Set<Scope> DEMO_KEY_SCOPES =
            EnumSet.of(Scope.CREDENTIALS_WRITE, Scope.READ, Scope.WEBHOOKS_MANAGE);

    /** The receiver's webhook endpoint goes first, while the service runs: none is left retrying a dead port. */
    private static void stop(Application app, IngestDemo ingestDemo, EdgeDemo edgeDemo, DemoChain chain) {
        try {
            edgeDemo.removeEndpoint(app);
        } finally {
            app.close();
            ingestDemo.close();
            edgeDemo.close();
            chain.close();
        }
    }

    private List<String> runWorkload(Application app, String base) throws IOException, InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        chain.dropRate(app, dropRate);
        System.out.printf(
                "Issuing %d credentials through POST %s/v1/credentials (%s, drop rate %.0f%%)%n",
                count, base, chain.description(), chain.canDrop() ? dropRate * 100 : 0);
        List<String> hashes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            byte[] file = ("Diploma #" + i + "\nawarded to student-" + i + "\n" + UUID.randomUUID())
                    .getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> r = http.send(
                    multipart(base + "/v1/credentials", file, "university-1", "student-" + i, apiKey),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) {
                throw new IllegalStateException("issue failed: " + r.statusCode() + " " + r.body());
            }
            hashes.add(Json.MAPPER.readTree(r.body()).get("hash").asText());
        }
        // One bad upload, to show the error shape.
        HttpResponse<String> bad = http.send(
                multipart(
                        base + "/v1/credentials",
                        "x".getBytes(StandardCharsets.UTF_8),
                        "bad issuer!",
                        "student-0",
                        apiKey),
                HttpResponse.BodyHandlers.ofString());
        System.out.println("A malformed request answers " + bad.statusCode() + " "
                + bad.headers().firstValue("content-type").orElse("") + ": " + bad.body());

        Instant deadline = Instant.now().plus(WORKLOAD_TIMEOUT);
        Map<String, String> status = new HashMap<>();
        while (Instant.now().isBefore(deadline)) {
            for (String h : hashes) {
                JsonNode n = Json.MAPPER.readTree(http.send(
                                HttpRequest.newBuilder(URI.create(base + "/v1/credentials/" + h))
                                        .header("Authorization", "Bearer " + apiKey)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
                status.put(h, n.get("status").asText());
            }
            long done = status.values().stream()
                    .filter(s -> s.equals("confirmed") || s.equals("finalized"))
                    .count();
            System.out.printf("  %d/%d confirmed%n", done, hashes.size());
            if (done == hashes.size()) {
                break;
            }
            if (done >= hashes.size() / 2) {
                chain.dropRate(app, 0);
            }
            Thread.sleep(1000);
        }
        chain.dropRate(app, 0);
        CredentialReconciler.Run run = app.services().reconciler().runOnce();
        System.out.println("Reconciliation run: " + HttpApi.API_JSON.writeValueAsString(run));
        if (run.recovered() + run.flagged() == 0 && "succeeded".equals(run.status())) {
            System.out.println("  " + CredentialReconciler.agreement(run.chainRecords(), run.dbRecords()));
        }
        return hashes;
    }

    private static void links(DemoLinks links, List<String> hashes) {
        String h = hashes.getFirst();
        links.add("/health", "component health");
        links.add("/metrics", "Prometheus metrics");
        links.add("/openapi.json", "the API description");
        links.add("/v1/credentials", "issued credentials (keyset-paginated)");
        links.add("/v1/credentials/" + h, "one credential with its history");
        links.add("/v1/verify/" + h, "database and chain agree?");
        links.add("/v1/operations", "the chain outbox");
        links.add("/v1/reconciliations", "reconciliation runs");
    }

    private void printSummary(DemoLinks links) throws InterruptedException {
        String scopes =
                DEMO_KEY_SCOPES.stream().map(Scope::wireName).sorted().toList().toString();
        System.out.println();
        System.out.println("chainsync demo is running. /v1 needs an API key; this demo's, with scopes " + scopes + ":");
        System.out.println("  Authorization: Bearer " + apiKey);
        System.out.println("  e.g. curl -H 'Authorization: Bearer " + apiKey + "' " + links.base() + "/v1/credentials");
        System.out.println("Look at:");
        links.print(System.out);
        List<String> refused = links.refusedWith(apiKey);
        if (refused.isEmpty()) {
            System.out.println("(each URL above was just opened with this key)");
        } else {
            refused.forEach(r -> System.out.println("warning: with this key " + r));
        }
    }

    static HttpRequest multipart(String url, byte[] file, String issuer, String recipient, String apiKey) {
        String boundary = "chainsync-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        field(body, boundary, "issuer_id", issuer);
        field(body, boundary, "recipient_id", recipient);
        body.writeBytes(
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"diploma.txt\"\r\n"
                                + "Content-Type: application/octet-stream\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
    }

    private static void field(ByteArrayOutputStream body, String boundary, String name, String value) {
        body.writeBytes(
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                        .getBytes(StandardCharsets.UTF_8));
    }
}
