package dev.chainsync.chatpack;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Entries of an export that became no message, counted by reason so a conversion says what it left out rather
 * than dropping it without a word. Safe to add to from several threads (the parallel Telegram reader).
 */
public final class Skipped {

    private final AtomicLong notices = new AtomicLong();
    private final AtomicLong empty = new AtomicLong();
    private final AtomicLong other = new AtomicLong();

    /** A notice (join, pin, call...) left out because notices were not asked for ({@code --service}). */
    public void notice() {
        notices.incrementAndGet();
    }

    /** A message with nothing left to write: no text, or only media with {@code --no-media}. */
    public void empty() {
        empty.incrementAndGet();
    }

    /** An entry of a kind that is no message (Telegram's {@code action}, a type chatpack does not know). */
    public void other() {
        other.incrementAndGet();
    }

    /** Adds another counter's counts to this one. */
    public void add(Counts c) {
        notices.addAndGet(c.notices());
        empty.addAndGet(c.empty());
        other.addAndGet(c.other());
    }

    /** The counts so far. */
    public Counts counts() {
        return new Counts(notices.get(), empty.get(), other.get());
    }

    /**
     * Counts of entries skipped.
     *
     * @param notices notices not asked for
     * @param empty   messages with nothing left to write
     * @param other   entries that are no message
     */
    public record Counts(long notices, long empty, long other) {

        /** Nothing skipped. */
        public static final Counts NONE = new Counts(0, 0, 0);

        /** All entries skipped. */
        public long total() {
            return notices + empty + other;
        }

        /** The sum of both. */
        public Counts plus(Counts c) {
            return new Counts(notices + c.notices, empty + c.empty, other + c.other);
        }

        /** "2 notices, 1 empty", as the CLI's summary and the page say it; "" when nothing was skipped. */
        public String describe() {
            List<String> parts = new ArrayList<>(3);
            if (notices > 0) {
                parts.add(notices + (notices == 1 ? " notice" : " notices"));
            }
            if (empty > 0) {
                parts.add(empty + " empty");
            }
            if (other > 0) {
                parts.add(other + (other == 1 ? " other entry" : " other entries"));
            }
            return String.join(", ", parts);
        }
    }
}
