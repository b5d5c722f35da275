package dev.chainsync.chatpack.whatsapp;

import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.MessageSource;
import dev.chainsync.chatpack.ReadOptions;
import dev.chainsync.chatpack.Skipped;
import dev.chainsync.chatpack.io.Progress;
import dev.chainsync.chatpack.io.Spool;
import dev.chainsync.chatpack.io.Text;
import dev.chainsync.chatpack.io.Times;
import dev.chainsync.chatpack.io.Utf8Reader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

/**
 * Reads one WhatsApp {@code .txt} export in two passes over the file (stdin is spooled to a temporary file
 * first): the first infers the date order from every header, the second emits messages. A line without a
 * header continues the previous message, and so does a header-like line whose date is impossible in the
 * file's date order but valid in the other (pasted from another chat). System notices are recognised by
 * shape, never by their words:
 * <ul>
 *   <li>Android and pre-2017: a header with no {@code Name: } part ({@code 15/01/2024, 10:31 - Alice added Bob});</li>
 *   <li>iOS: text that starts with U+200E and is not a media marker, from the chat itself: the name on the
 *       export's first line when that line is such a notice ({@code [15/01/2024, 10:31:02] Family: \u200EAlice
 *       added Bob}). The same mark from anyone else is kept as text: a line with a person's name is a
 *       message, and WhatsApp ships markers in languages a table may lack.</li>
 * </ul>
 */
final class WhatsAppSource implements MessageSource {

    private final Skipped skipped = new Skipped();

    private static final String EDITED_MARK = "<This message was edited>";
    private static final int READ_BUFFER_CHARS = 1 << 16;

    private final String input;
    private final ReadOptions options;
    private final Progress progress;
    private final Spool spool;
    private final DateOrder order;
    private long decidingLine = -1;
    private final BufferedReader reader;
    private final Header header = new Header();
    private final Senders senders = new Senders();
    private long lineNo;
    private boolean eof;

    // The message being assembled: its header line has been read, continuation lines may follow.
    private boolean pending;
    /** The layout of this export's headers (a {@link Header} constant), fixed by the first one; -1 before it. */
    private int layout = -1;
    /** iOS: the name the app writes its own notices under (the group's, or the contact's), or null. */
    private String chatName;

    private boolean seenHeader;

    private boolean pendingSystem;
    private String pendingSender;
    private long pendingTime;
    private final StringBuilder pendingText = new StringBuilder(256);

    WhatsAppSource(ChatInput in, ReadOptions options, Progress progress) throws IOException {
        this.input = in.name();
        this.options = options;
        this.progress = progress;
        this.spool = Spool.of(in, progress);
        try {
            this.order = inferOrder();
            this.reader = open();
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
    }

    private BufferedReader open() throws IOException {
        InputStream in = progress.meter(spool.open());
        return new BufferedReader(new Utf8Reader(in), READ_BUFFER_CHARS);
    }

    /**
     * Pass one: header lines are evidence for the date order; the first real line must be a header. It stops
     * at the first line that settles the order (a field above 12, usually within the first two weeks of the
     * chat); only a file where no field ever exceeds 12 is read to the end, to check which order keeps the
     * dates going forward. A line contradicting the choice further on is still caught: its date is invalid
     * under the chosen order, and pass two reports it.
     */
    private DateOrder inferOrder() throws IOException {
        DateOrder.Evidence evidence = new DateOrder.Evidence();
        boolean any = false;
        long n = 0;
        try (BufferedReader r = new BufferedReader(new Utf8Reader(spool.open()), READ_BUFFER_CHARS)) {
            String line;
            int firstLayout = -1;
            while ((line = r.readLine()) != null) {
                n++;
                if (header.parse(line) && (firstLayout < 0 || header.layout == firstLayout)) {
                    firstLayout = header.layout;
                    evidence.add(header, n);
                    any = true;
                    if (evidence.settled()) {
                        break;
                    }
                } else if (!any && !Text.isBlank(line) && Header.skipMarks(line, 0) < line.length()) {
                    throw new ChatpackException(
                            input,
                            "line " + n,
                            "not a WhatsApp message line (" + "unknown date format, or not a WhatsApp export): '"
                                    + abbreviate(line) + "'");
                }
            }
        }
        // No header at all: an empty export (blank lines at most), which converts to an empty result.
        decidingLine = evidence.decidingLine();
        return evidence.decide();
    }

    @Override
    public Message next() throws IOException {
        while (true) {
            if (eof) {
                if (!pending) {
                    return null;
                }
                pending = false;
                Message last = finish();
                if (last != null) {
                    return last;
                }
                continue;
            }
            String line = reader.readLine();
            if (line == null) {
                eof = true;
                continue;
            }
            lineNo++;
            if (isHeader(line) && isDatedInOrder(line)) {
                Message done = pending ? finish() : null;
                start(line);
                if (done != null) {
                    return done;
                }
            } else if (pending) {
                pendingText.append('\n').append(line);
            }
        }
    }

    /**
     * A message header in this export's layout. An export is written by one app, so once the first header
     * has said iOS ({@code [date, time] ...}) or Android ({@code date, time - ...}), a line in the other
     * layout is a line of the message's text (a pasted timestamp, say), not a new message.
     */
    private boolean isHeader(String line) {
        if (!header.parse(line)) {
            return false;
        }
        if (layout < 0) {
            layout = header.layout;
        }
        return header.layout == layout;
    }

    /**
     * Whether a header's date is valid in the file's date order. One that is valid only in the other order is
     * a line pasted into the message being assembled (a chat's dates never change order), so it is text;
     * a date valid in neither order, or one with no message before it, is an error naming the line.
     */
    private boolean isDatedInOrder(String line) {
        if (header.yearFirst() || validIn(order)) {
            return true;
        }
        DateOrder other = order == DateOrder.DAY_FIRST ? DateOrder.MONTH_FIRST : DateOrder.DAY_FIRST;
        if (pending && validIn(other)) {
            return false;
        }
        String orderName = order == DateOrder.DAY_FIRST ? "day-first" : "month-first";
        throw new ChatpackException(
                input,
                "line " + lineNo,
                "unknown date format: '" + abbreviate(line)
                        + "' is not a valid " + orderName + " date"
                        + (decidingLine > 0 ? " (line " + decidingLine + " shows the file is " + orderName + ")" : ""));
    }

    private boolean validIn(DateOrder o) {
        return o == DateOrder.DAY_FIRST
                ? Times.isValidDate(DateOrder.year(header.third), header.second, header.first)
                : Times.isValidDate(DateOrder.year(header.third), header.first, header.second);
    }

    /** Begins a message from a header line. */
    private void start(String line) {
        pending = true;
        pendingTime = epochSecond(line);
        pendingText.setLength(0);
        boolean firstHeader = !seenHeader;
        seenHeader = true;
        int colon = line.indexOf(": ", header.rest);
        if (colon < 0) {
            // A notice with nobody's name on it: the app speaks.
            pendingSystem = true;
            pendingSender = "";
            pendingText.append(line, header.rest, line.length());
            return;
        }
        pendingSender = senders.get(line, header.rest, colon);
        pendingSystem = pendingSender.isEmpty() || (!header.ios && hasQuote(pendingSender));
        int textStart = colon + 2;
        if (header.ios && textStart < line.length() && line.charAt(textStart) == '\u200E') {
            String text = line.substring(Header.skipMarks(line, textStart));
            if (Media.placeholder(Text.strip(text)) == null) {
                if (firstHeader) {
                    chatName = pendingSender;
                }
                pendingSystem |= pendingSender.equals(chatName);
            }
            pendingText.append(text);
        } else {
            pendingText.append(line, textStart, line.length());
        }
    }

    /**
     * An Android notice that quotes text with ": " in it ({@code Alice changed the subject to "Re: lunch"})
     * would otherwise pass for a message from {@code Alice changed the subject to "Re}.
     */
    private static boolean hasQuote(String sender) {
        return sender.indexOf('"') >= 0 || sender.indexOf('\u201C') >= 0 || sender.indexOf('\u201D') >= 0;
    }

    private long epochSecond(String line) {
        int year;
        int month;
        int day;
        if (header.yearFirst()) {
            year = header.first;
            month = header.second;
            day = header.third;
        } else if (order == DateOrder.DAY_FIRST) {
            day = header.first;
            month = header.second;
            year = DateOrder.year(header.third);
        } else {
            month = header.first;
            day = header.second;
            year = DateOrder.year(header.third);
        }
        if (!Times.isValidDate(year, month, day)) {
            throw new ChatpackException(input, "line " + lineNo, "unknown date format: '" + abbreviate(line) + "'");
        }
        return Times.epochSecond(year, month, day, header.hour24(), header.minute, header.secondOfMinute);
    }

    /** Turns the assembled message into a Message, or null for a notice or an empty message. */
    private Message finish() {
        String text = trimTrailingLines(pendingText);
        if (pendingSystem) {
            if (!options.serviceMessages()) {
                skipped.notice();
                return null;
            }
            if (Text.isBlank(text)) {
                skipped.empty();
                return null;
            }
            String notice = "[Service] " + Text.strip(stripMarks(text));
            return new Message(null, pendingSender, notice, Instant.ofEpochSecond(pendingTime), null, null, null);
        }
        text = withoutEditedMark(text);
        int nl = text.indexOf('\n');
        String firstLine = nl < 0 ? text : text.substring(0, nl);
        String placeholder = Media.placeholder(firstLine);
        if (placeholder == null && mayHideMarker(firstLine)) {
            placeholder = Media.placeholder(Text.strip(stripMarks(firstLine)));
        }
        String content = text;
        if (placeholder != null) {
            String caption = nl < 0 ? "" : Text.strip(text.substring(nl + 1));
            if (!options.media()) {
                content = caption;
            } else {
                content = caption.isEmpty() ? placeholder : placeholder + " " + caption;
            }
        }
        if (Text.isBlank(content)) {
            skipped.empty();
            return null;
        }
        return new Message(null, pendingSender, content, Instant.ofEpochSecond(pendingTime), null, null, null);
    }

    /**
     * The text without the edit mark the app appends: {@code <This message was edited>}, or in any language
     * on iOS a {@code <...>} after U+200E ending the text ({@code Tot zaterdag \u200E<Dit bericht is bewerkt>}).
     */
    private static String withoutEditedMark(String text) {
        if (text.endsWith(EDITED_MARK)) {
            return stripTrailingMarks(text.substring(0, text.length() - EDITED_MARK.length()));
        }
        if (!text.endsWith(">")) {
            return text;
        }
        int open = text.lastIndexOf("\u200E<");
        if (open <= 0
                || text.indexOf('\n', open) >= 0
                || text.indexOf('>', open) != text.length() - 1
                || text.startsWith(Media.ATTACHED, open + 1)) {
            return text;
        }
        return stripTrailingMarks(text.substring(0, open));
    }

    /** A marker wrapped in spaces or directional marks; rare, so only then is the line cleaned up. */
    private static boolean mayHideMarker(String line) {
        if (line.isEmpty()) {
            return false;
        }
        char first = line.charAt(0);
        char last = line.charAt(line.length() - 1);
        return Header.isMark(first)
                || Header.isMark(last)
                || Character.isWhitespace(first)
                || Character.isWhitespace(last);
    }

    /** The text without trailing blank lines (an export often has one before the next header). */
    private static String trimTrailingLines(StringBuilder sb) {
        int end = sb.length();
        int i = end;
        while (i > 0) {
            char c = sb.charAt(i - 1);
            if (c == '\n') {
                end = i - 1;
            } else if (!Character.isWhitespace(c)) {
                break;
            }
            i--;
        }
        return sb.substring(0, end);
    }

    private static String stripTrailingMarks(String s) {
        int end = s.length();
        while (end > 0 && (Header.isSpace(s.charAt(end - 1)) || Header.isMark(s.charAt(end - 1)))) {
            end--;
        }
        return s.substring(0, end);
    }

    /**
     * Sender names as Strings, reused: a chat has a handful of senders and millions of lines, so most lookups
     * compare a region of the line with a cached name instead of allocating a new one.
     */
    private static final class Senders {
        private static final int SLOTS = 64;
        private final String[] raw = new String[SLOTS];
        private final String[] clean = new String[SLOTS];
        private int next;

        String get(String line, int from, int to) {
            int len = to - from;
            for (int i = 0; i < SLOTS && raw[i] != null; i++) {
                if (raw[i].length() == len && line.regionMatches(from, raw[i], 0, len)) {
                    return clean[i];
                }
            }
            String r = line.substring(from, to);
            String c = Text.strip(stripMarks(r));
            raw[next] = r;
            clean[next] = c;
            next = (next + 1) % SLOTS;
            return c;
        }
    }

    /** Removes bidirectional marks anywhere (iOS wraps phone-number names in U+202A...U+202C). */
    private static String stripMarks(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Header.isMark(s.charAt(i))) {
                StringBuilder sb = new StringBuilder(s.length());
                for (int j = 0; j < s.length(); j++) {
                    char c = s.charAt(j);
                    if (!Header.isMark(c)) {
                        sb.append(c);
                    }
                }
                return sb.toString();
            }
        }
        return s;
    }

    private static String abbreviate(String line) {
        String s = Text.strip(line);
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    @Override
    public Skipped.Counts skipped() {
        return skipped.counts();
    }

    @Override
    public double progress() {
        return progress.fraction();
    }

    @Override
    public void close() throws IOException {
        try {
            reader.close();
        } finally {
            spool.close();
        }
    }
}
