package dev.chainsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.testing.TestDatabases;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.file.Path;
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
            Cli.Run r = Cli.run(Cli.env(db, dir), "serve", "--port", "0");

            assertThat(lock.isValid()).isTrue();
            assertThat(r.exitCode()).as(r.err()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(r.err().strip().lines())
                    .singleElement()
                    .asString()
                    .contains(ledger.toString())
                    .contains("in use by another process")
                    .contains("CHAINSYNC_DATA_DIR");
        }
    }
}
