package dev.chainsync.app;

import dev.chainsync.db.Database;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Applies the database migrations and exits. */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = "Apply pending database migrations (DATABASE_URL, or the embedded PostgreSQL) and exit.")
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
