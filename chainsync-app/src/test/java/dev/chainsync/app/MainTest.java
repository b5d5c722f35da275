package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line: help for every command, and usage errors. */
class MainTest {
    /** Exit code and what a run of {@link Main#execute} printed. */
    record Run(int exitCode, String out, String err) {}

    static synchronized Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            System.out.flush();
            System.err.flush();
            return new Run(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void topLevelHelpListsEveryCommand() {
        Run r = run("--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("Usage: chainsync").contains("Keeps PostgreSQL consistent with a blockchain.");
        assertThat(r.out())
                .containsPattern("(?m)^\\s+serve\\s")
                .containsPattern("(?m)^\\s+demo\\s")
                .containsPattern("(?m)^\\s+migrate\\s")
                .containsPattern("(?m)^\\s+bench\\s");
        assertThat(r.err()).isEmpty();
    }

    /** A command that only groups others, called alone, is a usage error: usage on stderr, exit 2. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "(nothing) | Usage: chainsync | serve",
                "bench | Usage: chainsync bench | outbox",
                "keys | Usage: chainsync keys | revoke"
            })
    void aCommandGroupWithoutASubcommandPrintsUsageAndExitsTwo(String args, String usage, String mentions) {
        Run r = args.equals("(nothing)") ? run() : run(args.split(" "));

        assertThat(r.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(r.err()).contains("missing a command").contains(usage).contains(mentions);
        assertThat(r.out()).isEmpty();
    }

    /** The command list shows each description's first line, so that line is a whole sentence. */
    @Test
    void everyCommandsSummaryIsAWholeSentence() {
        List<String> summaries = new ArrayList<>();
        collectSummaries(new picocli.CommandLine(new Main(java.util.Map.of())), summaries);
        // "chainsync bench outbox: Measure ...": a capital, a full stop, short enough for one line of the list.
        assertThat(summaries)
                .hasSizeGreaterThanOrEqualTo(14)
                .allSatisfy(line -> assertThat(line).matches("[^:]+: [A-Z].{0,68}\\."));
    }

    private static void collectSummaries(picocli.CommandLine cli, List<String> into) {
        for (picocli.CommandLine sub : cli.getSubcommands().values()) {
            // What picocli lists: the header when there is one, else the description's first line.
            String[] header = sub.getCommandSpec().usageMessage().header();
            String[] description = sub.getCommandSpec().usageMessage().description();
            String[] shown = header.length > 0 ? header : description;
            into.add(sub.getCommandSpec().qualifiedName() + ": " + (shown.length == 0 ? "" : shown[0]));
            collectSummaries(sub, into);
        }
    }

    /** README's command block is what {@code --help} prints, line for line. */
    @Test
    void readmeShowsTheRealHelp() throws java.io.IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String marker = "java -jar chainsync-app/target/chainsync.jar --help\n";
        int start = readme.indexOf(marker);
        assertThat(start).as("README shows the --help command").isPositive();
        String block = readme.substring(start + marker.length(), readme.indexOf("```", start));

        assertThat(block).isEqualTo(run("--help").out());
    }

    @Test
    void versionIsTheMavenProjectsAsChatpacksIs() throws IOException {
        // Surefire runs in the module's directory; the root pom is its parent's.
        Matcher m = Pattern.compile("<artifactId>chainsync-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("..", "pom.xml")));
        assertThat(m.find()).as("root pom declares chainsync-parent's version").isTrue();

        Run r = run("--version");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out().strip()).isEqualTo("chainsync " + m.group(1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "serve --help | Usage: chainsync serve | --port",
                "demo --help | Usage: chainsync demo | --drop-rate",
                "migrate --help | Usage: chainsync migrate | DATABASE_URL",
                "bench --help | Usage: chainsync bench | outbox",
                "bench outbox --help | Usage: chainsync bench outbox | --count",
                "ingest --help | Usage: chainsync ingest | rebuild",
                "ingest rebuild --help | Usage: chainsync ingest rebuild | one transaction",
                "ingest status --help | Usage: chainsync ingest status | Exits with 1 when Redis does not answer",
                "help serve | Usage: chainsync serve | --port",
                "help bench | Usage: chainsync bench | outbox"
            })
    void everyCommandHasHelp(String args, String usage, String mentions) {
        Run r = run(args.split(" "));

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith(usage).contains(mentions).contains("-h, --help");
        assertThat(r.err()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "frobnicate | Unmatched argument",
                "serve --port abc | Invalid value",
                "bench outbox --count many | Invalid value",
                "migrate --force | Unknown option"
            })
    void usageErrorsExitWithTwoAndExplain(String args, String message) {
        Run r = run(args.split(" "));

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(message);
        assertThat(r.out()).isEmpty();
    }
}
