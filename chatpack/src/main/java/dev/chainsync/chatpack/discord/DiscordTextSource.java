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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads DiscordChatExporter's plain-text layout:
 * <pre>
 * ==============================================================
 * Guild: ...
 * Channel: ...
 * ==============================================================
 *
 * [1/15/2024 10:30 AM] alice
 * Hello
 *
 * {Attachments}
 * https://cdn.discordapp.com/attachments/1/2/photo.png
 *
 * ==============================================================
 * Exported 1 message(s)
 * ==============================================================
 * </pre>
 * The layout has no ids, nicknames or message kinds; system notices read as ordinary text.
 */
final class DiscordTextSource implements MessageSource {

    private final Skipped skipped = new Skipped();

    @Override
    public Skipped.Counts skipped() {
        return skipped.counts();
    }

    private static final String RULE = "==========";
    private static final java.util.regex.Pattern FOOTER_COUNT =
            java.util.regex.Pattern.compile("Exported [0-9][0-9,. \\u00A0\\u202F]* message\\(s\\)");
    /** Enough for the two footer lines and then some; see footerFollows. */
    private static final int FOOTER_LOOKAHEAD_CHARS = 1 << 20;

    private static final String PINNED = " (pinned)";
    private static final java.util.Set<String> SECTIONS =
            java.util.Set.of("{Attachments}", "{Embed}", "{Stickers}", "{Reactions}");

    private final String input;
    private final ReadOptions options;
    private final BufferedReader reader;
    private long lineNo;
    private boolean started;
    private boolean done;
    private boolean anyHeader;

    private String pendingSender;
    private Instant pendingTime;
    private final List<String> pendingLines = new ArrayList<>();
    // What the last header line said; becomes the pending message once the previous one is finished.
    private String headerName;
    private Instant headerTime;

    DiscordTextSource(String input, InputStream in, ReadOptions options) {
        this.input = input;
        this.options = options;
        this.reader = new BufferedReader(new Utf8Reader(in), 1 << 16);
    }

    @Override
    public Message next() throws IOException {
        if (!started) {
            started = true;
            skipPreamble();
        }
        while (!done) {
            String line = reader.readLine();
            if (line == null) {
                done = true;
                break;
            }
            lineNo++;
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.startsWith(RULE) && footerFollows()) {
                done = true;
                break;
            }
            if (parseHeader(line)) {
                Message m = finish();
                pendingSender = headerName;
                pendingTime = headerTime;
                pendingLines.clear();
                if (m != null) {
                    return m;
                }
            } else if (pendingSender != null) {
                pendingLines.add(line);
            } else if (!Text.isBlank(line)) {
                throw new ChatpackException(
                        input, "line " + lineNo, "expected a message header such as " + "'[1/15/2024 10:30 AM] alice'");
            }
        }
        Message m = finish();
        pendingSender = null;
        return m;
    }

    /**
     * After a rule line: is this the footer (a rule, {@code Exported N message(s)}, a rule)? A message
     * can hold a line of equals signs too, so the next two lines decide; they are read again as they
     * were if it is not.
     */
    private boolean footerFollows() throws IOException {
        reader.mark(FOOTER_LOOKAHEAD_CHARS);
        String count = reader.readLine();
        String rule = count == null ? null : reader.readLine();
        boolean footer =
                count != null && FOOTER_COUNT.matcher(count).matches() && rule != null && rule.startsWith(RULE);
        if (footer) {
            lineNo += 2;
            return true;
        }
        try {
            reader.reset();
        } catch (IOException e) {
            throw new ChatpackException(input, "line " + (lineNo + 1), "a line of over 1 MB right after a rule line");
        }
        return false;
    }

    /**
     * Skips the exporter's Guild/Channel block. A file without it (cut out, or written by another tool) starts
     * at its first message header, and an empty file is an empty chat, as the original reads them.
     */
    private void skipPreamble() throws IOException {
        reader.mark(FOOTER_LOOKAHEAD_CHARS);
        String line = reader.readLine();
        while (line != null && Text.isBlank(line.replace("\uFEFF", ""))) {
            lineNo++;
            reader.mark(FOOTER_LOOKAHEAD_CHARS);
            line = reader.readLine();
        }
        if (line == null) {
            done = true;
            return;
        }
        String first = line.replace("\uFEFF", "");
        if (!first.startsWith(RULE)) {
            if (DiscordReader.isMessageHeader(first)) {
                reader.reset();
                return;
            }
            throw new ChatpackException(input, "line " + (lineNo + 1), "not a DiscordChatExporter text export");
        }
        lineNo++;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            if (line.startsWith(RULE)) {
                return;
            }
        }
        throw new ChatpackException(input, "line " + lineNo, "truncated export: the header block never ends");
    }

    /** {@code [date] Name} or {@code [date] Name (pinned)}; fills {@link #headerName} and {@link #headerTime}. */
    private boolean parseHeader(String line) {
        if (!line.startsWith("[")) {
            return false;
        }
        int close = line.indexOf("] ");
        if (close < 0) {
            return false;
        }
        String date = line.substring(1, close);
        try {
            headerTime = DiscordDates.parse(date);
        } catch (DateTimeException e) {
            if (!anyHeader) {
                // The first header decides whether this file is readable at all.
                throw new ChatpackException(input, "line " + lineNo, "unknown date format '" + date + "'");
            }
            return false;
        }
        anyHeader = true;
        String name = line.substring(close + 2);
        if (name.endsWith(PINNED)) {
            name = name.substring(0, name.length() - PINNED.length());
        }
        headerName = Text.strip(name);
        return true;
    }

    /**
     * Content runs until a blank line followed by a {@code {Attachments}}, {@code {Embed}}, {@code {Stickers}}
     * or {@code {Reactions}} block; attachment and sticker URLs become placeholders.
     */
    private Message finish() {
        if (pendingSender == null) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        StringBuilder media = new StringBuilder();
        String section = null;
        int contentEnd = pendingLines.size();
        for (int i = 0; i < pendingLines.size(); i++) {
            String l = pendingLines.get(i);
            boolean sectionStart = SECTIONS.contains(l) && (i == 0 || Text.isBlank(pendingLines.get(i - 1)));
            if (sectionStart) {
                if (section == null) {
                    contentEnd = i;
                }
                section = l;
                continue;
            }
            if (section == null || Text.isBlank(l)) {
                continue;
            }
            if (section.equals("{Attachments}")) {
                Attachments.append(media, Attachments.attachment(l));
            } else if (section.equals("{Stickers}")) {
                Attachments.append(media, "[Sticker]");
            }
        }
        while (contentEnd > 0 && Text.isBlank(pendingLines.get(contentEnd - 1))) {
            contentEnd--;
        }
        for (int i = 0; i < contentEnd; i++) {
            if (i > 0) {
                text.append('\n');
            }
            text.append(pendingLines.get(i));
        }
        StringBuilder content = new StringBuilder();
        if (options.media()) {
            Attachments.append(content, media.toString());
        }
        Attachments.append(content, Text.strip(text.toString()));
        if (content.isEmpty()) {
            skipped.empty();
            return null;
        }
        return new Message(null, pendingSender, content.toString(), pendingTime, null, null, null);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
