package dev.chainsync.app;

import dev.chainsync.db.Jdbc;
import dev.chainsync.ingest.Ingest;
import dev.chainsync.testkit.EmbeddedRedis;
import dev.chainsync.testkit.IntuitionWorkload;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The demo's ingest part: with no REDIS_URL, an embedded Redis (a real binary from Maven) fed
 * with rindexer-format Intuition entries, some duplicated, out of order, one unparseable and one
 * of an event chainsync has no handler for, consumed by the running service.
 */
final class IngestDemo implements AutoCloseable {
    static final String PREFIX = "demo_intuition";
    static final int EVENTS = 3000;
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final EmbeddedRedis redis;
    private final IntuitionWorkload workload = IntuitionWorkload.create("intuition", PREFIX, 50, true, 2026);

    private IngestDemo(EmbeddedRedis redis) {
        this.redis = redis;
    }

    /** Starts the embedded Redis and points the configuration at it, unless REDIS_URL is set. */
    static IngestDemo prepare(Map<String, String> env) {
        if (env.get("REDIS_URL") != null && !env.get("REDIS_URL").isBlank()) {
            return new IngestDemo(null);
        }
        EmbeddedRedis r = EmbeddedRedis.start();
        IngestDemo demo = new IngestDemo(r);
        env.put("REDIS_URL", r.url());
        env.put("REDIS_STREAMS", String.join(",", demo.workload.streams()));
        env.putIfAbsent("WORKERS", "2");
        env.putIfAbsent("BATCH_TIMEOUT_MS", "200");
        return demo;
    }

    /** Feeds the workload (embedded Redis only), waits until it is committed, prints what happened. */
    void run(Application app, String base, DemoLinks links) throws InterruptedException {
        links.add("/v1/ingest/status", "ingest: streams, lag, pending, dead letters");
        if (redis == null) {
            System.out.println("\nIngest consumes " + app.config().ingest().streams() + " on the configured REDIS_URL; "
                    + "see " + base + "/v1/ingest/status");
            return;
        }
        links.add("/v1/ingest/dead-letters", "the truncated entry, with its raw payload and why");
        List<IntuitionWorkload.Entry> chain = workload.events(EVENTS, 20);
        List<IntuitionWorkload.Entry> delivered = deliveries(chain);
        int events = chain.stream().mapToInt(IntuitionWorkload.Entry::events).sum();
        System.out.printf(
                "%nIngest: pushing %,d Intuition events in %,d rindexer entries (10%% duplicated, shuffled across"
                        + " %d streams) into the embedded Redis at %s, plus one truncated entry and one unknown event%n",
                events, delivered.size(), workload.streams().size(), redis.url());
        Instant start = Instant.now();
        push(delivered);
        Ingest.Status s = awaitCommitted(app, events);
        System.out.printf(
                "Ingest: committed in %.1f s; %d dead letter(s), unknown events kept: %s%n",
                Duration.between(start, Instant.now()).toMillis() / 1000.0, s.deadLetters(), s.unknownEvents());
        printRowCounts(app.services().database().jdbc());
    }

    /** The chain's entries, a tenth of them again, shuffled: what an at-least-once publisher delivers. */
    private static List<IntuitionWorkload.Entry> deliveries(List<IntuitionWorkload.Entry> chain) {
        List<IntuitionWorkload.Entry> delivered = new ArrayList<>(chain);
        Random random = new Random(1);
        for (int i = 0; i < chain.size() / 10; i++) {
            delivered.add(chain.get(random.nextInt(chain.size())));
        }
        Collections.shuffle(delivered, random);
        return delivered;
    }

    /** Adds the entries to their streams, then one truncated entry and one of an event nobody decodes. */
    private void push(List<IntuitionWorkload.Entry> delivered) {
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            for (IntuitionWorkload.Entry e : delivered) {
                c.sync().xadd(e.stream(), Map.of("payload", e.payload()));
            }
            String deposited = workload.stream("deposited");
            c.sync()
                    .xadd(
                            deposited,
                            Map.of("payload", delivered.getFirst().payload().substring(0, 60)));
            c.sync()
                    .xadd(
                            deposited,
                            Map.of(
                                    "payload",
                                    delivered
                                            .getFirst()
                                            .payload()
                                            .replaceFirst(
                                                    "\"event_name\":\"[A-Za-z]+\"",
                                                    "\"event_name\":\"ProtocolFeeAccrued\"")
                                            .replaceFirst(
                                                    "\"event_signature_hash\":\"0x[0-9a-f]+\"",
                                                    // A topic0 is 32 bytes; a shorter one would be dead-lettered.
                                                    "\"event_signature_hash\":\"0x" + "fe".repeat(32) + "\"")));
        } finally {
            client.shutdown();
        }
    }

    /** Waits (up to the timeout) until every event is committed and the truncated entry dead-lettered. */
    private static Ingest.Status awaitCommitted(Application app, int events) throws InterruptedException {
        Instant deadline = Instant.now().plus(TIMEOUT);
        Ingest.Status s = app.services().ingest().status();
        while (Instant.now().isBefore(deadline)) {
            s = app.services().ingest().status();
            long pending = s.streams().stream()
                    .mapToLong(st -> st.pending() == null ? 0 : st.pending())
                    .sum();
            long fresh = s.streams().stream()
                    .mapToLong(Ingest.StreamStatus::newEvents)
                    .sum();
            if (pending == 0 && fresh >= events && s.deadLetters() >= 1) {
                break;
            }
            Thread.sleep(200);
        }
        return s;
    }

    private static void printRowCounts(Jdbc jdbc) {
        for (String t : List.of(
                "deposited_events",
                "redeemed_events",
                "share_price_changed_events",
                "atom",
                "triple",
                "position",
                "vault",
                "term",
                "triple_vault",
                "triple_term",
                "predicate_object",
                "subject_predicate")) {
            long n = jdbc.queryOne("SELECT count(*) FROM " + t, r -> r.getLong(1))
                    .orElse(0L);
            System.out.printf("  %-28s %,8d rows%n", t, n);
        }
    }

    /** After the application: stops the embedded Redis, if this demo started one. */
    void closeAfter(Application app) {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            app.close();
                            close();
                        },
                        "demo-redis-shutdown"));
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
    }
}
