package dev.chainsync.chatpack.cli;

import dev.chainsync.chatpack.web.PageServer;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chatpack web}: serves the browser page on 127.0.0.1 until stopped. */
@Command(
        name = "chatpack web",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        usageHelpAutoWidth = true,
        description = {
            "Serve the chatpack page on 127.0.0.1 and print its address. The page converts in the browser: "
                    + "your file is never sent to this server or anywhere else. Stop with Ctrl-C.",
            ""
        })
final class WebCommand implements Callable<Integer> {

    private final Io io;
    /** Released only by tests; the command itself serves until the process is stopped. */
    final CountDownLatch stop = new CountDownLatch(1);
    /** Released once {@link #server} serves (or the command gave up). */
    final CountDownLatch started = new CountDownLatch(1);

    volatile PageServer server;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "8390",
            description = "Port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    WebCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws InterruptedException {
        try {
            return serve();
        } finally {
            started.countDown();
        }
    }

    private int serve() throws InterruptedException {
        if (port < 0 || port > 65_535) {
            io.err().println("chatpack: --port must be from 0 to 65535, not " + port);
            return Main.EXIT_USAGE;
        }
        if (!PageServer.pageBuilt()) {
            io.err()
                    .println("chatpack: error: this jar was built without the page (-Dchatpack.web.skip); "
                            + "rebuild without that flag");
            return Main.EXIT_RUNTIME;
        }
        try (PageServer s = PageServer.start(port)) {
            server = s;
            io.out().println("chatpack: serving the page on " + s.uri() + " (Ctrl-C to stop)");
            io.out().flush();
            started.countDown();
            stop.await();
        } catch (IOException e) {
            io.err()
                    .println("chatpack: error: cannot serve on 127.0.0.1:" + port + ": " + e.getMessage()
                            + " (--port 0 picks a free port)");
            return Main.EXIT_RUNTIME;
        }
        return 0;
    }
}
