package dev.chainsync.chatpack.output;

import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.MessageWriter;
import dev.chainsync.chatpack.OutputOptions;
import java.io.IOException;

/**
 * The original's CSV dialect: header always, {@code ;} by default, a field quoted only when it needs to be,
 * LF line ends, {@code 2024-01-15 10:30:00} UTC timestamps, empty cells for absent values.
 */
final class CsvWriter implements MessageWriter {

    private final OutputOptions options;
    private final Utf8Sink sink;
    private final char d;
    private final boolean quoteTimestamps;
    private Columns columns;
    /** The first message of the run being written, whose metadata the run's row carries. */
    private Message run;

    CsvWriter(OutputOptions options, Utf8Sink sink) {
        this.options = options;
        this.sink = sink;
        this.d = options.delimiter();
        this.quoteTimestamps = options.quotesTimestamps();
    }

    @Override
    public void write(Message m) throws IOException {
        head(m);
        sink.csvField(m.content(), d);
        tail(m);
    }

    @Override
    public void beginRun(Message first, String secondContent) throws IOException {
        head(first);
        // Joined by a newline, a run's cell always needs quotes.
        sink.ascii('"');
        sink.csvQuotedBody(first.content());
        sink.ascii('\n');
        sink.csvQuotedBody(secondContent);
        run = first;
    }

    @Override
    public void appendRun(String content) throws IOException {
        sink.ascii('\n');
        sink.csvQuotedBody(content);
    }

    @Override
    public void endRun() throws IOException {
        sink.ascii('"');
        tail(run);
        run = null;
    }

    /** The cells before Content. */
    private void head(Message m) throws IOException {
        if (columns == null) {
            header(m);
        }
        Columns c = columns;
        if (c.chat()) {
            sink.csvField(m.chat() == null ? "" : m.chat(), d);
            sink.ascii(d);
        }
        if (c.id()) {
            if (m.id() != null) {
                sink.csvField(m.id(), d);
            }
            sink.ascii(d);
        }
        if (c.timestamp()) {
            if (m.timestamp() != null) {
                timestampCell(m.timestamp().getEpochSecond());
            }
            sink.ascii(d);
        }
        sink.csvField(m.sender(), d);
        sink.ascii(d);
    }

    /** The cells after Content, and the line end. */
    private void tail(Message m) throws IOException {
        Columns c = columns;
        if (c.replyTo()) {
            sink.ascii(d);
            if (m.replyTo() != null) {
                sink.csvField(m.replyTo(), d);
            }
        }
        if (c.edited()) {
            sink.ascii(d);
            if (m.edited() != null) {
                timestampCell(m.edited().getEpochSecond());
            }
        }
        sink.ascii('\n');
    }

    private void timestampCell(long epochSecond) throws IOException {
        if (quoteTimestamps) {
            sink.ascii('"');
            sink.timestamp(epochSecond, false);
            sink.ascii('"');
        } else {
            sink.timestamp(epochSecond, false);
        }
    }

    private void header(Message first) throws IOException {
        columns = Columns.of(options, first);
        sink.text(header(columns, d));
    }

    /** The header line, newline included. */
    static String header(Columns columns, char d) {
        StringBuilder h = new StringBuilder(64);
        if (columns.chat()) {
            h.append("Chat").append(d);
        }
        if (columns.id()) {
            h.append("ID").append(d);
        }
        if (columns.timestamp()) {
            h.append("Timestamp").append(d);
        }
        h.append("Sender").append(d).append("Content");
        if (columns.replyTo()) {
            h.append(d).append("ReplyTo");
        }
        if (columns.edited()) {
            h.append(d).append("Edited");
        }
        return h.append('\n').toString();
    }

    @Override
    public void finish() throws IOException {
        if (columns == null) {
            header(null);
        }
        sink.flush();
    }

    @Override
    public long bytesWritten() {
        return sink.bytesWritten();
    }
}
