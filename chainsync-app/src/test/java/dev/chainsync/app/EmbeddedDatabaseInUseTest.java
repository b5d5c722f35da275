package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.db.DatabaseConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second chainsync on a data directory whose embedded PostgreSQL another live process owns is
 * refused with a message saying so (it used to fail with a NullPointerException while building
 * that message).
 */
class EmbeddedDatabaseInUseTest {
    @TempDir
    Path dataDir;

    /** Run in a child JVM: holds the embedded server's lock file until its stdin closes. */
    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                var lock = ch.lock()) {
            System.out.println("locked");
            System.out.flush();
            System.in.read();
        }
    }

    @Test
    void aDirectoryInUseByALiveProcessIsRefusedByName() throws Exception {
        Path pgDir = dataDir.resolve(Databases.EMBEDDED_DIR);
        Files.createDirectories(pgDir);
        Files.writeString(pgDir.resolve("postmaster.pid"), "2147483647\n");
        Process holder = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        EmbeddedDatabaseInUseTest.class.getName(),
                        pgDir.resolve(Databases.EMBEDDED_LOCK_FILE).toString()))
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked");

            assertThatThrownBy(() -> Databases.open(DatabaseConfig.embedded(2), dataDir, "second"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use by another chainsync process");
        } finally {
            holder.getOutputStream().close();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
