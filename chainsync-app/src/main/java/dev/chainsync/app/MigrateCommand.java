package dev.chainsync.app;

import dev.chainsync.db.Database;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Applies the database migrations and exits. */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = {
            "Apply pending database migrations and exit.",
            "",
            "On DATABASE_URL, or on the embedded PostgreSQL under CHAINSYNC_DATA_DIR."
        })
final class MigrateCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    Main main;

    @Override
    public Integer call() {
        ChainsyncConfig config = Main.loadConfig(main.env());
        try (Database db = Databases.open(config.database(), config.dataDir(), "chainsync-migrate")) {
            int applied = db.migrate();
            System.out.println("migrations applied: " + applied + " (" + db.describe() + ")");
        }
        return 0;
    }
}
