package dev.chainsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The sample entries docs/ingest.md tells a newcomer to push are what the parser accepts. */
class DocsSampleTest {
    private static final Pattern XADD = Pattern.compile("^redis-cli XADD (\\S+) '\\*' payload '(.*)'$");

    @Test
    void theSampleEntriesInTheDocsParseAndTheBadOneIsRefused() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "docs", "ingest.md"));
        int parsed = 0;
        for (String line : lines) {
            Matcher m = XADD.matcher(line.trim());
            if (!m.matches()) {
                continue;
            }
            StreamEntry e = new StreamEntry(m.group(1), "1-0", Map.of("payload", m.group(2)), 1);
            ParsedEntry p = EntryParser.parse(e);
            assertThat(p.events()).as(line).hasSize(1);
            assertThat(p.events().getFirst()).isNotInstanceOf(ChainEvent.Generic.class);
            parsed++;
        }
        assertThat(parsed).as("the docs' sample XADD lines").isEqualTo(2);
        String bad = lines.stream()
                .filter(l -> l.contains("payload '{}'"))
                .findFirst()
                .orElseThrow();
        assertThat(bad).contains("XADD intuition_deposited");
        assertThatThrownBy(() -> EntryParser.parse(new StreamEntry("s", "1-0", Map.of("payload", "{}"), 1)))
                .isInstanceOf(EntryParser.Unparseable.class);
    }
}
