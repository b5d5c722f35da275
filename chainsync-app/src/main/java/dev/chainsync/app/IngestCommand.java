package dev.chainsync.app;

import dev.chainsync.config.Redact;
import dev.chainsync.db.Database;
import dev.chainsync.ingest.Ingest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code chainsync ingest rebuild} and {@code chainsync ingest status}. */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = "Rebuild the derived tables, or show the streams' status.",
        subcommands = {IngestCommand.Rebuild.class, IngestCommand.Status.class})
final class IngestCommand implements Callable<Integer> {
    static final int BAR_WIDTH = 30;

    @CommandLine.ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return Main.missingSubcommand(spec);
    }

    /** Recomputes every derived table from the event tables. */
    @Command(
            name = "rebuild",
            mixinStandardHelpOptions = true,
            description = {
                "Recompute the derived tables from the event tables.",
                "",
                "Recompute atom, triple, position, vault, term, triple_vault, triple_term, predicate_object",
                "and subject_predicate from the event tables, in one transaction (readers see the old rows until",
                "it commits; running consumers wait). The result equals what live ingestion produced."
            })
    static final class Rebuild implements Callable<Integer> {
        @CommandLine.ParentCommand
        IngestCommand ingest;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ChainsyncConfig config = Main.loadConfig(ingest.main.env());
            PrintWriter out = spec.commandLine().getOut();
            try (Database db = Databases.open(config.database(), config.dataDir(), "chainsync-rebuild")) {
                db.migrate();
                boolean[] barShown = {false};
                Ingest.RebuildResult r;
                try {
                    r = Ingest.rebuild(db.jdbc(), (i, n, name) -> {
                        int filled = (i + 1) * BAR_WIDTH / n;
                        out.printf(
                                "\r[%s%s] %d/%d %-18s",
                                "#".repeat(filled), ".".repeat(BAR_WIDTH - filled), i + 1, n, name);
                        out.flush();
                        barShown[0] = true;
                    });
                } finally {
                    if (barShown[0]) {
                        // Ends the bar's line, so what follows (the summary, or an error) starts on its own.
                        out.println();
                    }
                }
                out.printf("rebuilt in %.1f s:%n", r.took().toMillis() / 1000.0);
                for (Map.Entry<String, Long> e : r.rows().entrySet()) {
                    out.printf("  %-18s %,d rows%n", e.getKey(), e.getValue());
                }
                out.flush();
            }
            return 0;
        }
    }

    /** Streams, lag, pending, dead letters. */
    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = {
                "Show streams, lag, pending entries, dead letters and reorgs.",
                "",
                "Show each stream's length, the consumer group's lag and pending entries, what has been",
                "committed from it, dead letters, unknown events and reorgs (REDIS_URL, REDIS_STREAMS, CONSUMER_GROUP).",
                "Exits with 1 when Redis does not answer, after printing what the database knows."
            })
    static final class Status implements Callable<Integer> {
        @CommandLine.ParentCommand
        IngestCommand ingestCommand;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ChainsyncConfig config = Main.loadConfig(ingestCommand.main.env());
            PrintWriter out = spec.commandLine().getOut();
            try (Database db = Databases.open(config.database(), config.dataDir(), "chainsync-status");
                    Ingest ingest =
                            new Ingest(db.jdbc(), config.ingest(), Clock.systemUTC(), new SimpleMeterRegistry())) {
                db.requireCurrentSchema(); // a status query never changes the schema
                Ingest.Status s = ingest.status();
                out.printf("consumer group %s, database %s%n", s.consumerGroup(), db.describe());
                out.printf(
                        "%-40s %10s %8s %8s %12s %12s %10s  %s%n",
                        "stream", "length", "lag", "pending", "entries", "new events", "block", "last committed entry");
                for (Ingest.StreamStatus st : s.streams()) {
                    out.printf(
                            "%-40s %10s %8s %8s %12d %12d %10s  %s%n",
                            // Progress the database holds for another group is shown with its name.
                            st.consumerGroup().equals(s.consumerGroup())
                                    ? st.stream()
                                    : st.stream() + " (group " + st.consumerGroup() + ")",
                            text(st.length()),
                            text(st.lag()),
                            text(st.pending()),
                            st.committedEntries(),
                            st.newEvents(),
                            text(st.lastBlockNumber()),
                            st.lastCommittedEntryId() == null ? "-" : st.lastCommittedEntryId());
                }
                out.printf(
                        "dead letters: %d (%d not replayed)   reorgs applied: %d%n",
                        s.deadLetters(), s.deadLettersNotReplayed(), s.reorgs());
                if (!s.unknownEvents().isEmpty()) {
                    out.println("unknown events kept in generic_events: " + s.unknownEvents());
                }
                out.flush();
                if (s.redisError() != null) {
                    // A monitoring script must not read a table of dashes as "nothing waiting".
                    spec.commandLine()
                            .getErr()
                            .println(spec.qualifiedName() + ": Redis at "
                                    + Redact.url(config.ingest().redisUrl()) + " not reachable (" + s.redisError()
                                    + "): stream length, lag and pending unknown");
                    return Main.EXIT_FAILURE;
                }
            }
            return 0;
        }

        private static String text(Long v) {
            return v == null ? "-" : String.valueOf(v);
        }
    }
}
