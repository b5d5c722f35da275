package dev.chainsync.chatpack.cli;

import dev.chainsync.chatpack.Conversion;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr, redrawn from a daemon thread a few times a second from the conversion's
 * counters. Drawn only on a terminal: carriage returns in a log file are noise.
 */
final class ProgressBar {

    private static final long REDRAW_MILLIS = 200;
    private static final int WIDTH = 30;
    private static final char[] SPINNER = {'|', '/', '-', '\\'};

    private final PrintStream err;
    private final Conversion conversion;
    private final long totalBytes;
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    private volatile boolean running = true;
    private int frame;

    private ProgressBar(PrintStream err, Conversion conversion, long totalBytes) {
        this.err = err;
        this.conversion = conversion;
        this.totalBytes = totalBytes;
        this.thread = Thread.ofPlatform().daemon().name("chatpack-progress").unstarted(this::loop);
    }

    static ProgressBar start(PrintStream err, Conversion conversion, long totalBytes) {
        ProgressBar bar = new ProgressBar(err, conversion, totalBytes);
        bar.thread.start();
        return bar;
    }

    private void loop() {
        while (running) {
            draw();
            try {
                Thread.sleep(REDRAW_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void draw() {
        double fraction = conversion.progress();
        long messages = conversion.messagesRead();
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        String rate = String.format(Locale.ROOT, "%,d msgs  %,.0f msgs/s", messages, messages / seconds);
        String line;
        if (Double.isNaN(fraction) || totalBytes <= 0) {
            line = String.format(Locale.ROOT, "\r%c %s ", SPINNER[frame++ % SPINNER.length], rate);
        } else {
            int filled = (int) Math.round(fraction * WIDTH);
            line = String.format(
                    Locale.ROOT,
                    "\r[%s%s] %3.0f%%  %s ",
                    "#".repeat(filled),
                    "-".repeat(WIDTH - filled),
                    fraction * 100,
                    rate);
        }
        synchronized (err) {
            err.print(line);
            err.flush();
        }
    }

    /** Stops redrawing and clears the line. */
    void stop() {
        if (!running) {
            return;
        }
        running = false;
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (err) {
            err.print("\r" + " ".repeat(WIDTH + 60) + "\r");
            err.flush();
        }
    }
}
