package dev.chainsync.chatpack;

import java.util.Objects;

/**
 * Joins runs of messages from the same sender (in the same chat) with a newline, keeping the first message's
 * metadata. Holds at most one pending run, so memory is bounded by the longest run, not the input.
 */
final class Merger {

    private Message pending;
    private StringBuilder content;

    /** Offers the next message; returns a finished run when the sender changes, otherwise null. */
    Message offer(Message m) {
        if (pending == null) {
            pending = m;
            return null;
        }
        if (sameRun(pending, m)) {
            if (content == null) {
                content = new StringBuilder(
                                pending.content().length() + m.content().length() + 16)
                        .append(pending.content());
            }
            content.append('\n').append(m.content());
            return null;
        }
        Message done = flush();
        pending = m;
        return done;
    }

    /** Consecutive messages that belong to one run: the same sender in the same chat. */
    static boolean sameRun(Message a, Message b) {
        return a.sender().equals(b.sender()) && Objects.equals(a.chat(), b.chat());
    }

    /** Returns the run still pending, or null, and resets. */
    Message flush() {
        Message done = pending;
        if (done != null && content != null) {
            done = done.withContent(content.toString());
        }
        pending = null;
        content = null;
        return done;
    }
}
