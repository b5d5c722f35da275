package dev.chainsync.app;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the application acquired, in order, so that closing releases all of it in reverse however
 * far the start got: a start that fails half way holds nothing afterwards (no pool, no file lock).
 */
final class Resources implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Resources.class);

    private record Named(String what, AutoCloseable resource) {}

    private final Deque<Named> acquired = new ArrayDeque<>();

    /** Takes {@code resource} into care; it is closed before everything added earlier. */
    <T extends AutoCloseable> T add(String what, T resource) {
        acquired.push(new Named(what, resource));
        return resource;
    }

    /** Closes everything, newest first; a failure is logged and the rest still close. */
    @Override
    public void close() {
        while (!acquired.isEmpty()) {
            Named next = acquired.pop();
            try {
                next.resource().close();
            } catch (Exception e) {
                log.warn("closing {} failed", next.what(), e);
            }
        }
    }
}
