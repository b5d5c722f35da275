package dev.chainsync.app;

import dev.chainsync.config.ConfigException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** Runs the service until SIGTERM or Ctrl-C. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Run the service: HTTP API, relay, reconciliation, webhooks, ingest.",
            "",
            "Configured by environment variables (see README); with no DATABASE_URL an embedded",
            "PostgreSQL keeps its data under CHAINSYNC_DATA_DIR (default ./.chainsync). Ingest runs when",
            "REDIS_URL is set, or with --ingest."
        })
final class ServeCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    Main main;

    @Option(names = "--port", description = "HTTP port (overrides HTTP_PORT).")
    Integer port;

    @Option(
            names = "--ingest",
            description = {
                "Consume rindexer's Redis Streams even without REDIS_URL",
                "(then on redis://127.0.0.1:6379); with REDIS_URL set ingest runs anyway."
            })
    boolean ingest;

    @Override
    public Integer call() throws InterruptedException {
        ChainsyncConfig config = Main.loadConfig(main.env());
        if (port != null) {
            if (port < 0 || port > MAX_PORT) {
                throw new ConfigException(List.of("--port must be between 0 and " + MAX_PORT + ", got " + port));
            }
            config = config.withHttpPort(port);
        }
        if (ingest) {
            config = config.withIngest(config.ingest().withEnabled(true));
        }
        Application app = Application.create(config);
        CountDownLatch stop = stopOnSignal(app);
        try {
            app.start();
        } catch (RuntimeException e) {
            // Close what had started (workers, their claims) before the error is reported.
            app.close();
            throw e;
        }
        stop.await();
        app.close();
        return 0;
    }

    static final int MAX_PORT = 65535;

    /**
     * A latch SIGTERM and Ctrl-C count down, so the caller shuts {@code app} down in order on its own
     * thread. The signals are taken here rather than left to the JVM's shutdown hooks, because hooks run
     * all at once: the embedded PostgreSQL's own hook would stop the database while requests and workers
     * still use it. A hook remains for other ways out (System.exit elsewhere); closing is idempotent.
     */
    static CountDownLatch stopOnSignal(Application app) {
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), signal -> stop.countDown());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "chainsync-shutdown"));
        return stop;
    }
}
