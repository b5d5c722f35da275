package dev.chainsync.app;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Benchmarks; each prints its figures with the machine and date so they can go into docs/benchmarks.md. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Run a benchmark: outbox, tickets, transfers, webhooks or ingest.",
        subcommands = {
            BenchCommand.Outbox.class,
            BenchCommand.Tickets.class,
            BenchCommand.Transfers.class,
            BenchCommand.Webhooks.class,
            BenchCommand.IngestBench.class
        })
final class BenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return Main.missingSubcommand(spec);
    }

    /** rindexer entries in Redis -> ingest -> fully updated Intuition tables. */
    @Command(
            name = "ingest",
            mixinStandardHelpOptions = true,
            description = {
                "Measure ingest: rindexer entries or EVM logs into Intuition tables.",
                "",
                "--source redis: generate an Intuition workload in rindexer's format (with duplicates and",
                "out-of-order delivery), load it into Redis (REDIS_URL, else 127.0.0.1:6379, else an embedded Redis),",
                "consume it into fully updated tables and print events/s, the COPY ceiling, their ratio,",
                "append-to-commit latency at a steady load, and whether a rebuild reproduces the live tables.",
                "--source evm: fill anvil (testing/evm) with the Intuition events contract's events, read them with",
                "the native EVM source and print events/s beside the node's raw eth_getLogs rate, the database",
                "floor and Ponder (bench/peers/ponder) on the same blocks. Scratch database as for `bench outbox`."
            })
    static final class IngestBench implements Callable<Integer> {
        @Option(
                names = "--source",
                defaultValue = "redis",
                description = "redis (rindexer entries) or evm (logs read from anvil) (default ${DEFAULT-VALUE}).")
        String source;

        @Option(
                names = "--events-per-block",
                defaultValue = "500",
                description = "With --source evm: events per block (default ${DEFAULT-VALUE}).")
        int eventsPerBlock;

        @Option(
                names = "--max-range",
                defaultValue = "2000",
                description = "With --source evm: most blocks per eth_getLogs (default ${DEFAULT-VALUE}).")
        int maxRange;

        @Option(
                names = "--ponder",
                negatable = true,
                defaultValue = "true",
                fallbackValue = "true",
                description = "With --source evm: also run Ponder on the same blocks (default ${DEFAULT-VALUE}).")
        boolean ponder;

        @Option(
                names = "--events",
                defaultValue = "200000",
                description = "Distinct events (default ${DEFAULT-VALUE}).")
        int events;

        @Option(names = "--workers", defaultValue = "2", description = "Consumer workers (default ${DEFAULT-VALUE}).")
        int workers;

        @Option(names = "--batch", defaultValue = "500", description = "Entries per batch (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(
                names = "--duplicates",
                defaultValue = "0.05",
                description = "Fraction of entries delivered twice (default ${DEFAULT-VALUE}).")
        double duplicates;

        @Option(
                names = "--window",
                defaultValue = "200",
                description = "Entries shuffled together, for out-of-order delivery (default ${DEFAULT-VALUE}).")
        int window;

        @Option(
                names = "--tx-per-block",
                defaultValue = "40",
                description = "Transactions per block (default ${DEFAULT-VALUE}).")
        int txPerBlock;

        @Option(
                names = "--latency-events",
                defaultValue = "30000",
                description =
                        "Events pushed at a steady rate for the latency figure; 0 skips it (default ${DEFAULT-VALUE}).")
        int latencyEvents;

        @Option(
                names = "--latency-rate",
                defaultValue = "0",
                description =
                        "Events/s offered in the latency phase; 0 = half the measured rate (default ${DEFAULT-VALUE}).")
        double latencyRate;

        @Override
        public Integer call() throws Exception {
            if (source.equals("evm")) {
                EvmIngestBenchmark.Result r = new EvmIngestBenchmark(events, eventsPerBlock, maxRange, ponder).run();
                System.out.println(r.report(eventsPerBlock, maxRange));
                return r.rebuildEqualsLive() ? 0 : 1;
            }
            if (!source.equals("redis")) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--source must be redis or evm, not " + source);
            }
            IngestBenchmark.Result r = new IngestBenchmark(
                            events, workers, batch, duplicates, window, txPerBlock, latencyEvents, latencyRate)
                    .run();
            System.out.println(r.report(workers, batch));
            return r.rebuildEqualsLive() ? 0 : 1;
        }
    }

    /** Contended ledger transfers. */
    @Command(
            name = "transfers",
            mixinStandardHelpOptions = true,
            description = {
                "Measure ledger transfers under contended row locks.",
                "",
                "Random transfers among a few accounts on many threads (contended row locks); prints",
                "transfers/s and latency, and checks the total is conserved. Scratch database as for `bench outbox`."
            })
    static final class Transfers implements Callable<Integer> {
        @Option(names = "--count", defaultValue = "20000", description = "Transfers (default ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--accounts", defaultValue = "20", description = "Accounts (default ${DEFAULT-VALUE}).")
        int accounts;

        @Option(
                names = "--threads",
                defaultValue = "32",
                description = "Concurrent clients (default ${DEFAULT-VALUE}).")
        int threads;

        @Override
        public Integer call() throws Exception {
            String report = new TransfersBenchmark(count, accounts, threads).run();
            System.out.println(report);
            return report.contains("BROKEN") ? 1 : 0;
        }
    }

    /** Signed webhook deliveries to a local receiver. */
    @Command(
            name = "webhooks",
            mixinStandardHelpOptions = true,
            description = {
                "Measure webhook delivery throughput and latency.",
                "",
                "Emit N events (in transactions, fanned out per endpoint) and deliver them to an in-process",
                "HTTP receiver: deliveries/s draining a backlog, then deliveries/s and event -> delivered p50/p99",
                "while emitting at --rate. Scratch database as for `bench outbox`."
            })
    static final class Webhooks implements Callable<Integer> {
        @Option(names = "--count", defaultValue = "20000", description = "Events per phase (default ${DEFAULT-VALUE}).")
        int count;

        @Option(
                names = "--rate",
                defaultValue = "5000",
                description = "Events/s emitted in the steady phase (default ${DEFAULT-VALUE}).")
        int rate;

        @Option(
                names = "--endpoints",
                defaultValue = "1",
                description = "Endpoints subscribed to every event (default ${DEFAULT-VALUE}).")
        int endpoints;

        @Option(
                names = "--concurrency",
                defaultValue = "32",
                description = "Deliveries in flight per endpoint (default ${DEFAULT-VALUE}).")
        int concurrency;

        @Option(
                names = "--producers",
                defaultValue = "4",
                description = "Threads emitting events (default ${DEFAULT-VALUE}).")
        int producers;

        @Option(
                names = "--events-per-tx",
                defaultValue = "10",
                description = "Events emitted per transaction (default ${DEFAULT-VALUE}).")
        int eventsPerTx;

        @Option(
                names = "--receiver",
                defaultValue = "socket",
                description =
                        "Receiver: socket (a minimal HTTP/1.1 server) or jdk (the JDK's HttpServer) (default ${DEFAULT-VALUE}).")
        String receiver;

        @Override
        public Integer call() throws Exception {
            WebhookBenchmark.Result r =
                    new WebhookBenchmark(count, rate, endpoints, concurrency, producers, eventsPerTx, receiver).run();
            System.out.println(r.report());
            return r.allDeliveredOnce() ? 0 : 1;
        }
    }

    /** NFT tickets through outbox -> relays -> the Solana runtime server -> confirmed. */
    @Command(
            name = "tickets",
            mixinStandardHelpOptions = true,
            description = {
                "Measure ticket mints and transfers to confirmed on the Solana runtime.",
                "",
                "Queue N ticket mints, drain them through the relays to confirmed Token-2022 mints on the",
                "Solana runtime server (testing/solana-rpc; needs Node.js), then N transfers the same way;",
                "print mints/s and transfers/s beside the server's raw rate for the same transactions sent",
                "directly, and check every ticket's owner on chain equals the database's. Scratch database",
                "as for `bench outbox`."
            })
    static final class Tickets implements Callable<Integer> {
        @Option(names = "--count", defaultValue = "1000", description = "Tickets (default ${DEFAULT-VALUE}).")
        int count;

        @Option(
                names = "--relays",
                defaultValue = "2",
                description = "Relay instances on the one database (default ${DEFAULT-VALUE}).")
        int relays;

        @Option(
                names = "--batch",
                defaultValue = "500",
                description = "Relay claim batch size (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(
                names = "--slot-ms",
                defaultValue = "400",
                description = "The runtime server's block time in ms (default ${DEFAULT-VALUE}, Solana's).")
        int slotMs;

        @Option(
                names = "--wallets",
                defaultValue = "100",
                description = "Owner wallets the tickets are spread over (default ${DEFAULT-VALUE}).")
        int wallets;

        @Override
        public Integer call() throws Exception {
            TicketsBenchmark.Result r = new TicketsBenchmark(count, relays, batch, slotMs, wallets).run();
            System.out.println(r.report());
            return r.chainAndDatabaseAgree() ? 0 : 1;
        }
    }

    /** Credentials through outbox -> relays -> devnet -> confirmed. */
    @Command(
            name = "outbox",
            mixinStandardHelpOptions = true,
            description = {
                "Measure the outbox: credentials through relay and chain to confirmed.",
                "",
                "Drive N credentials through outbox -> relay -> chain (devnet, zero latency; or --chain solana) -> confirmed and",
                "print operations/s and commit-to-confirmed latency. Uses a scratch database on DATABASE_URL's",
                "server (created and dropped), or a throwaway embedded PostgreSQL."
            })
    static final class Outbox implements Callable<Integer> {
        @Option(
                names = "--count",
                defaultValue = "20000",
                description = "Credentials to issue (default ${DEFAULT-VALUE}).")
        int count;

        @Option(
                names = "--relays",
                defaultValue = "2",
                description = "Relay instances on the one database (default ${DEFAULT-VALUE}).")
        int relays;

        @Option(
                names = "--producers",
                defaultValue = "4",
                description = "Threads issuing credentials (default ${DEFAULT-VALUE}).")
        int producers;

        @Option(
                names = "--batch",
                defaultValue = "500",
                description = "Relay claim batch size (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(
                names = "--slot-ms",
                defaultValue = "20",
                description = "Devnet slot time in ms (default ${DEFAULT-VALUE}).")
        int slotMs;

        @Option(
                names = "--chain",
                defaultValue = "devnet",
                description = "devnet (default) or solana: the Solana runtime server of testing/solana-rpc (needs"
                        + " Node.js; --slot-ms is then its block time, 400 is Solana's), reporting the server's raw"
                        + " rate and send-to-confirmed latency in the same run.")
        String chain;

        @Option(
                names = "--warmup",
                defaultValue = "10000",
                description =
                        "Credentials issued and drained first, reported apart, so the measured drain runs compiled"
                                + " code (default ${DEFAULT-VALUE}; 0 measures a cold JVM).")
        int warmup;

        @Override
        public Integer call() throws Exception {
            OutboxBenchmark.Result r =
                    new OutboxBenchmark(count, relays, producers, batch, slotMs, warmup, chain).run();
            System.out.println(r.report());
            return r.allConfirmedOnce() ? 0 : 1;
        }
    }
}
