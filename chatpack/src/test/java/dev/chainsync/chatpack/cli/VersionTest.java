package dev.chainsync.chatpack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** chatpack has no version of its own: it reports the Maven project's, the one chainsync is built with. */
class VersionTest {

    private static final Pattern PARENT_VERSION =
            Pattern.compile("<artifactId>chainsync-parent</artifactId>\\s*<version>([^<]+)</version>");

    @Test
    void theVersionIsTheRootProjects() throws IOException {
        // Surefire runs in the module's directory; the root pom is its parent's.
        String rootPom = Files.readString(Path.of("..", "pom.xml"));
        Matcher m = PARENT_VERSION.matcher(rootPom);
        assertThat(m.find()).as("root pom declares chainsync-parent's version").isTrue();
        assertThat(Version.current()).isEqualTo(m.group(1));
        assertThat(new Version().getVersion()).containsExactly("chatpack " + m.group(1));
    }
}
