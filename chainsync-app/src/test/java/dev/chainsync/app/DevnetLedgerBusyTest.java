package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.testing.TestDatabases;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A devnet ledger held by another process is an operator's error: one line naming the file, exit 1. */
class DevnetLedgerBusyTest {
    @TempDir
    Path dir;

    @Test
    void serveOnALedgerInUseSaysSoInOneLine() throws Exception {
        Path ledger = dir.resolve(Application.DEVNET_LEDGER_FILE);
        try (TestDatabases.Scratch db = TestDatabases.create("ledger_busy");
                RandomAccessFile held = new RandomAccessFile(ledger.toFile(), "rw");
                FileLock lock = held.getChannel().lock()) {
            String url = db.jdbcUrl();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.execute(
                    Map.of(
                            "DATABASE_URL",
                            url + (url.contains("?") ? "&" : "?") + "user=postgres",
                            "CHAINSYNC_DATA_DIR",
                            dir.toString()),
                    new PrintWriter(out, true),
                    new PrintWriter(err, true),
                    "serve",
                    "--port",
                    "0");

            assertThat(lock.isValid()).isTrue();
            assertThat(code).as(err.toString()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(err.toString().strip().lines())
                    .singleElement()
                    .asString()
                    .contains(ledger.toString())
                    .contains("in use by another process")
                    .contains("CHAINSYNC_DATA_DIR");
        }
    }
}
