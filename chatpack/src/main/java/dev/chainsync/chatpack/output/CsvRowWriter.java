package dev.chainsync.chatpack.output;

import dev.chainsync.chatpack.OutputOptions;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes {@link CsvRows} in order, joining runs of the same sender when merging: the byte-level counterpart of
 * the Merger followed by {@link CsvWriter}, with the same output. Runs may span batches.
 */
public final class CsvRowWriter {

    private final Utf8Sink sink;
    private final OutputOptions options;
    private final boolean merge;
    private boolean headerDone;
    private long rows;
    // The row waiting to see whether the next one continues its run.
    private CsvRows pending;
    private int pendingRow;
    private String pendingSender;
    /** Whether the pending row's head, opening quote and body are written already (a run is open). */
    private boolean open;

    /** A writer onto {@code out}, which the caller closes after {@link #finish()}. */
    public CsvRowWriter(OutputOptions options, OutputStream out, boolean merge) {
        this.sink = new Utf8Sink(out);
        this.options = options;
        this.merge = merge;
    }

    /** Appends a batch. */
    public void write(CsvRows batch) throws IOException {
        if (!headerDone) {
            header();
        }
        int n = batch.size();
        for (int i = 0; i < n; i++) {
            String sender = batch.sender(i);
            if (pending != null) {
                if (sender.equals(pendingSender)) {
                    if (!open) {
                        open = true;
                        CsvRows p = pending;
                        int r = pendingRow;
                        copy(p, p.headStart(r), p.bodyStart(r));
                        sink.ascii('"');
                        copy(p, p.bodyStart(r), p.tailStart(r));
                    }
                    sink.ascii('\n');
                    copy(batch, batch.bodyStart(i), batch.tailStart(i));
                    continue;
                }
                closePending();
            }
            if (merge) {
                pending = batch;
                pendingRow = i;
                pendingSender = sender;
            } else {
                whole(batch, i);
            }
        }
    }

    private void closePending() throws IOException {
        CsvRows p = pending;
        int r = pendingRow;
        if (open) {
            sink.ascii('"');
            copy(p, p.tailStart(r), p.end(r));
            sink.ascii('\n');
            rows++;
            open = false;
        } else {
            whole(p, r);
        }
        pending = null;
        pendingSender = null;
    }

    private void whole(CsvRows b, int r) throws IOException {
        copy(b, b.headStart(r), b.bodyStart(r));
        boolean quoted = b.quoted(r);
        if (quoted) {
            sink.ascii('"');
        }
        copy(b, b.bodyStart(r), b.tailStart(r));
        if (quoted) {
            sink.ascii('"');
        }
        copy(b, b.tailStart(r), b.end(r));
        sink.ascii('\n');
        rows++;
    }

    private void copy(CsvRows b, int from, int to) throws IOException {
        sink.bytes(b.bytes(), from, to - from);
    }

    private void header() throws IOException {
        headerDone = true;
        sink.text(CsvWriter.header(Columns.of(options, null), options.delimiter()));
    }

    /** Ends the last run, writes the header if nothing came, and flushes. */
    public void finish() throws IOException {
        if (!headerDone) {
            header();
        }
        if (pending != null) {
            closePending();
        }
        sink.flush();
    }

    /** Rows written so far, after merging; the last run counts once {@link #finish()} has ended it. */
    public long rowsWritten() {
        return rows;
    }

    /** Bytes written so far, header included. */
    public long bytesWritten() {
        return sink.bytesWritten();
    }
}
