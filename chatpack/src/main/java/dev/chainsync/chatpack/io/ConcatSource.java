package dev.chainsync.chatpack.io;

import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.MessageSource;
import dev.chainsync.chatpack.OutputOptions;
import dev.chainsync.chatpack.Skipped;
import dev.chainsync.chatpack.output.CsvRows;
import java.io.IOException;
import java.util.List;

/**
 * Reads several inputs one after another as one conversation, opening each only when the previous one is
 * exhausted, so at most one file is open at a time.
 */
public final class ConcatSource implements MessageSource {

    /** Opens a source for one input. */
    @FunctionalInterface
    public interface Opener {
        MessageSource open(ChatInput input) throws IOException;
    }

    private final List<ChatInput> inputs;
    private final Opener opener;
    private final Progress progress;
    private int nextInput;
    private MessageSource current;
    /** What the inputs already read skipped. */
    private Skipped.Counts skippedBefore = Skipped.Counts.NONE;

    public ConcatSource(List<ChatInput> inputs, Progress progress, Opener opener) {
        this.inputs = List.copyOf(inputs);
        this.opener = opener;
        this.progress = progress;
    }

    @Override
    public Message next() throws IOException {
        while (true) {
            if (current == null) {
                if (nextInput >= inputs.size()) {
                    return null;
                }
                current = opener.open(inputs.get(nextInput++));
            }
            Message m = current.next();
            if (m != null) {
                return m;
            }
            skippedBefore = skippedBefore.plus(current.skipped());
            current.close();
            current = null;
        }
    }

    /**
     * Rows from the only input's source, if it gives them; with several inputs, null (messages), because a
     * later input's source could not promise rows too.
     */
    @Override
    public CsvRows nextCsvRows(OutputOptions options) throws IOException {
        if (inputs.size() != 1) {
            return null;
        }
        if (current == null) {
            if (nextInput > 0) {
                return null;
            }
            current = opener.open(inputs.get(nextInput++));
        }
        return current.nextCsvRows(options);
    }

    @Override
    public Skipped.Counts skipped() {
        return current == null ? skippedBefore : skippedBefore.plus(current.skipped());
    }

    @Override
    public double progress() {
        return progress.fraction();
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
