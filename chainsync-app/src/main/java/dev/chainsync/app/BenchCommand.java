package dev.chainsync.app;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Benchmarks; each prints its figures with the machine and date so they can go into docs/benchmarks.md. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run a benchmark.",
        subcommands = {BenchCommand.Outbox.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Credentials through outbox -> relays -> devnet -> confirmed. */
    @Command(name = "outbox", mixinStandardHelpOptions = true,
            description = {"Drive N credentials through outbox -> relay -> devnet (zero latency) -> confirmed and",
                    "print operations/s and commit-to-confirmed latency. Uses a scratch database on DATABASE_URL's",
                    "server (created and dropped), or a throwaway embedded PostgreSQL."})
    static final class Outbox implements Callable<Integer> {
        @Option(names = "--count", defaultValue = "20000", description = "Credentials to issue (default ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--relays", defaultValue = "2", description = "Relay instances on the one database (default ${DEFAULT-VALUE}).")
        int relays;

        @Option(names = "--producers", defaultValue = "4", description = "Threads issuing credentials (default ${DEFAULT-VALUE}).")
        int producers;

        @Option(names = "--batch", defaultValue = "500", description = "Relay claim batch size (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--slot-ms", defaultValue = "20", description = "Devnet slot time in ms (default ${DEFAULT-VALUE}).")
        int slotMs;

        @Override
        public Integer call() throws Exception {
            OutboxBenchmark.Result r = new OutboxBenchmark(count, relays, producers, batch, slotMs).run();
            System.out.println(r.report());
            return r.allConfirmedOnce() ? 0 : 1;
        }
    }
}
