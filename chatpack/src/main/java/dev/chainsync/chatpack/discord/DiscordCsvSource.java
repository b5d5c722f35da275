package dev.chainsync.chatpack.discord;

import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.MessageSource;
import dev.chainsync.chatpack.ReadOptions;
import dev.chainsync.chatpack.Skipped;
import dev.chainsync.chatpack.io.Text;
import dev.chainsync.chatpack.io.Utf8Reader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads DiscordChatExporter's CSV layout: {@code AuthorID,Author,Date,Content,Attachments,Reactions}, every
 * field quoted, newlines allowed inside quotes, attachment URLs comma-separated in one field. Versions of 2019
 * separated fields with semicolons and ended every line with one ({@code AuthorID;Author;...;Reactions;},
 * dates like {@code 05-Dec-19 12:31 AM}); the header line says which.
 */
final class DiscordCsvSource implements MessageSource {

    private final Skipped skipped = new Skipped();

    @Override
    public Skipped.Counts skipped() {
        return skipped.counts();
    }

    private static final int AUTHOR = 1;
    private static final int DATE = 2;
    private static final int CONTENT = 3;
    private static final int ATTACHMENTS = 4;
    /** The header line is short; this much is enough to read it and go back. */
    private static final int HEADER_CHARS = 1 << 12;

    private final String input;
    private final ReadOptions options;
    private final BufferedReader reader;
    private final List<String> record = new ArrayList<>(8);
    private final StringBuilder field = new StringBuilder(256);
    private long line = 1;
    private long recordLine;
    private boolean headerRead;
    private char delimiter = ',';

    DiscordCsvSource(String input, InputStream in, ReadOptions options) {
        this.input = input;
        this.options = options;
        this.reader = new BufferedReader(new Utf8Reader(in), 1 << 16);
    }

    @Override
    public Message next() throws IOException {
        if (!headerRead) {
            headerRead = true;
            reader.mark(HEADER_CHARS);
            String first = reader.readLine();
            reader.reset();
            if (first != null && first.replace("\uFEFF", "").startsWith("AuthorID;")) {
                delimiter = ';';
            }
            if (!readRecord()
                    || record.size() < 4
                    || !record.get(0).replace("\uFEFF", "").equals("AuthorID")
                    || !record.get(DATE).equals("Date")
                    || !record.get(CONTENT).equals("Content")) {
                throw new ChatpackException(
                        input,
                        "line 1",
                        "not a DiscordChatExporter CSV export "
                                + "(expected the header AuthorID,Author,Date,Content,... or AuthorID;Author;...)");
            }
        }
        while (readRecord()) {
            if (record.size() == 1 && record.getFirst().isEmpty()) {
                continue;
            }
            if (record.size() <= CONTENT) {
                throw new ChatpackException(
                        input, "line " + recordLine, "expected at least 4 fields, found " + record.size());
            }
            java.time.Instant time;
            try {
                time = DiscordDates.parse(record.get(DATE));
            } catch (DateTimeException e) {
                throw new ChatpackException(
                        input, "line " + recordLine, "unknown date format '" + record.get(DATE) + "'");
            }
            StringBuilder content = new StringBuilder();
            if (options.media() && record.size() > ATTACHMENTS && !Text.isBlank(record.get(ATTACHMENTS))) {
                for (String url : record.get(ATTACHMENTS).split(",")) {
                    Attachments.append(content, Attachments.attachment(url));
                }
            }
            Attachments.append(content, Text.strip(record.get(CONTENT)));
            if (content.isEmpty()) {
                skipped.empty();
                continue;
            }
            return new Message(null, record.get(AUTHOR), content.toString(), time, null, null, null);
        }
        return null;
    }

    /** Reads one RFC 4180 record into {@link #record}; false at the end of the input. */
    private boolean readRecord() throws IOException {
        record.clear();
        field.setLength(0);
        recordLine = line;
        int c = reader.read();
        if (c < 0) {
            return false;
        }
        boolean quoted = false;
        boolean fieldStart = true;
        while (true) {
            if (c < 0) {
                if (quoted) {
                    throw new ChatpackException(
                            input, "line " + recordLine, "truncated CSV: a quoted field " + "never ends");
                }
                record.add(field.toString());
                return true;
            }
            char ch = (char) c;
            if (quoted) {
                if (ch == '"') {
                    int n = reader.read();
                    if (n == '"') {
                        field.append('"');
                    } else {
                        quoted = false;
                        c = n;
                        continue;
                    }
                } else {
                    if (ch == '\n') {
                        line++;
                    }
                    field.append(ch);
                }
            } else if (ch == '"' && fieldStart) {
                quoted = true;
                fieldStart = false;
            } else if (ch == delimiter) {
                record.add(field.toString());
                field.setLength(0);
                fieldStart = true;
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r') {
                    reader.mark(1);
                    if (reader.read() != '\n') {
                        reader.reset();
                    }
                }
                line++;
                record.add(field.toString());
                return true;
            } else {
                field.append(ch);
                fieldStart = false;
            }
            c = reader.read();
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
