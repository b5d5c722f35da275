package dev.chainsync.chatpack.output;

import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.MessageWriter;
import dev.chainsync.chatpack.OutputOptions;
import java.io.IOException;
import java.time.Instant;

/**
 * JSONL (one compact object a line) or a pretty JSON array laid out as serde_json's pretty printer does, with
 * the original's field order {@code sender, content, timestamp, id, reply_to, edited}. Optional fields appear
 * only when enabled and present. Ids are written as strings: Discord's exceed 2^53 and JavaScript would round
 * them if they were numbers.
 */
final class JsonWriter implements MessageWriter {

    private final OutputOptions options;
    private final Utf8Sink sink;
    private final boolean pretty;
    private Columns columns;
    /** The first message of the run being written, whose metadata the run's object carries. */
    private Message run;

    private long count;

    JsonWriter(OutputOptions options, Utf8Sink sink, boolean pretty) {
        this.options = options;
        this.sink = sink;
        this.pretty = pretty;
    }

    @Override
    public void write(Message m) throws IOException {
        head(m);
        sink.jsonText(m.content());
        tail(m);
    }

    @Override
    public void beginRun(Message first, String secondContent) throws IOException {
        head(first);
        sink.jsonText(first.content());
        sink.jsonText("\n");
        sink.jsonText(secondContent);
        run = first;
    }

    @Override
    public void appendRun(String content) throws IOException {
        sink.jsonText("\n");
        sink.jsonText(content);
    }

    @Override
    public void endRun() throws IOException {
        tail(run);
        run = null;
    }

    /** The object up to the inside of the content string. */
    private void head(Message m) throws IOException {
        if (columns == null) {
            columns = Columns.of(options, m);
            if (pretty) {
                sink.ascii('[');
            }
        }
        if (pretty) {
            sink.ascii(count == 0 ? "\n  {" : ",\n  {");
        } else {
            sink.ascii('{');
        }
        boolean first = true;
        if (columns.chat() && m.chat() != null) {
            first = field("chat", m.chat(), first);
        }
        field("sender", m.sender(), first);
        key("content", false);
        sink.ascii('"');
    }

    /** From the end of the content string to the end of the object. */
    private void tail(Message m) throws IOException {
        sink.ascii('"');
        if (columns.timestamp() && m.timestamp() != null) {
            time("timestamp", m.timestamp());
        }
        if (columns.id() && m.id() != null) {
            field("id", m.id(), false);
        }
        if (columns.replyTo() && m.replyTo() != null) {
            field("reply_to", m.replyTo(), false);
        }
        if (columns.edited() && m.edited() != null) {
            time("edited", m.edited());
        }
        sink.ascii(pretty ? "\n  }" : "}\n");
        count++;
    }

    private boolean field(String name, String value, boolean first) throws IOException {
        key(name, first);
        sink.ascii('"');
        sink.jsonText(value);
        sink.ascii('"');
        return false;
    }

    private void time(String name, Instant value) throws IOException {
        key(name, false);
        sink.ascii('"');
        sink.timestamp(value.getEpochSecond(), true);
        sink.ascii('"');
    }

    private void key(String name, boolean first) throws IOException {
        if (!first) {
            sink.ascii(',');
        }
        if (pretty) {
            sink.ascii("\n    \"");
            sink.ascii(name);
            sink.ascii("\": ");
        } else {
            sink.ascii('"');
            sink.ascii(name);
            sink.ascii("\":");
        }
    }

    @Override
    public void finish() throws IOException {
        if (pretty) {
            sink.ascii(count == 0 ? "[]\n" : "\n]\n");
        }
        sink.flush();
    }

    @Override
    public long bytesWritten() {
        return sink.bytesWritten();
    }
}
