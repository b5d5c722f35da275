package dev.chainsync.app;

import dev.chainsync.config.ChainsyncConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the service until SIGTERM or Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the service: HTTP API, outbox relay, confirmation tracker, reconciliation.",
                "Configured by environment variables (see README); with no DATABASE_URL an embedded",
                "PostgreSQL keeps its data under CHAINSYNC_DATA_DIR (default ./.chainsync)."})
final class ServeCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    Main main;

    @Option(names = "--port", description = "HTTP port (overrides HTTP_PORT).")
    Integer port;

    @Option(names = "--ingest", description = {"Consume rindexer's Redis Streams even without REDIS_URL",
            "(then on redis://127.0.0.1:6379); with REDIS_URL set ingest runs anyway."})
    boolean ingest;

    @Override
    public Integer call() throws InterruptedException {
        ChainsyncConfig config = Main.loadConfig(main.env());
        if (port != null) {
            config = config.withHttpPort(port);
        }
        if (ingest) {
            config = config.withIngest(config.ingest().withEnabled(true));
        }
        Application app = Application.create(config);
        runUntilSignal(app.start());
        return 0;
    }

    /** Blocks until the JVM is asked to stop, then shuts the application down in order. */
    static void runUntilSignal(Application app) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "chainsync-shutdown"));
        stopped.await();
    }
}
