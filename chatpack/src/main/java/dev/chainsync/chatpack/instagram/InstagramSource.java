package dev.chainsync.chatpack.instagram;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.MessageSource;
import dev.chainsync.chatpack.ReadOptions;
import dev.chainsync.chatpack.Skipped;
import dev.chainsync.chatpack.io.Json;
import dev.chainsync.chatpack.io.Links;
import dev.chainsync.chatpack.io.Progress;
import dev.chainsync.chatpack.io.Spool;
import dev.chainsync.chatpack.io.Text;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Instagram parts in chronological order without holding the conversation in memory. Instagram writes
 * messages newest first, so a single forward pass cannot emit them oldest first. Pass one streams every part
 * and records, per message, its timestamp and byte offset (16 bytes a message); pass two visits the offsets
 * in time order and parses each message from a window of the file. Parts that are each newest-first (the
 * normal case) need no sort at all: the visit order is the index reversed.
 */
final class InstagramSource implements MessageSource {

    private final Skipped skipped = new Skipped();

    @Override
    public Skipped.Counts skipped() {
        return skipped.counts();
    }

    private static final Pattern PART_NUMBER = Pattern.compile("message_(\\d+)\\.json$");
    private static final int OFFSET_BITS = 40;
    private static final long OFFSET_MASK = (1L << OFFSET_BITS) - 1;
    private static final int WINDOW_BYTES = 1 << 20;
    private static final int PASSES = 2;

    private final List<ChatInput> inputs;
    private final ReadOptions options;
    private final Progress progress;
    private final List<Spool> spools = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private long[] sizes;

    private final LongArrayList times = new LongArrayList();
    private final LongArrayList offsets = new LongArrayList();
    private int[] order;
    private long cursor;
    private boolean indexed;

    // The window of file bytes pass two parses from.
    private byte[] window = new byte[WINDOW_BYTES];
    private int windowFile = -1;
    private long windowStart;
    private int windowLength;
    private long lastStart = -1;

    InstagramSource(List<ChatInput> inputs, ReadOptions options) {
        this.inputs = sortParts(inputs);
        this.options = options;
        this.progress = new Progress(Progress.totalSize(inputs), PASSES);
    }

    /** message_1.json holds the newest messages; order parts by number so ties in time keep export order. */
    private static List<ChatInput> sortParts(List<ChatInput> inputs) {
        List<ChatInput> sorted = new ArrayList<>(inputs);
        if (sorted.stream().allMatch(i -> PART_NUMBER.matcher(i.name()).find())) {
            sorted.sort(Comparator.comparingLong(i -> partNumber(i.name())));
        }
        return sorted;
    }

    private static long partNumber(String name) {
        Matcher m = PART_NUMBER.matcher(name);
        if (!m.find()) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public Message next() throws IOException {
        if (!indexed) {
            index();
            indexed = true;
        }
        long n = times.size();
        while (cursor < n) {
            long k = order == null ? n - 1 - cursor : order[(int) cursor];
            cursor++;
            Message m = readAt(k);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    // ---- pass one ----

    private void index() throws IOException {
        sizes = new long[inputs.size()];
        for (int f = 0; f < inputs.size(); f++) {
            ChatInput in = inputs.get(f);
            Spool spool = Spool.of(in, progress);
            spools.add(spool);
            names.add(in.name());
            sizes[f] = spool.size();
            try (JsonParser p = Json.parser(progress.meter(spool.open()))) {
                indexPart(f, in.name(), p);
            } catch (StreamReadException e) {
                throw Json.translate(in.name(), e);
            }
        }
        if (!newestFirst()) {
            order = chronologicalOrder();
        }
    }

    private void indexPart(int file, String name, JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw Json.error(name, p, "not an Instagram export: expected a JSON object");
        }
        boolean sawMessages = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (!field.equals("messages")) {
                p.skipChildren();
                continue;
            }
            if (v != JsonToken.START_ARRAY) {
                throw Json.error(name, p, "\"messages\" should be an array but is " + Json.describe(v));
            }
            sawMessages = true;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
                long start = p.currentTokenLocation().getByteOffset();
                indexMessage(file, name, p, start);
            }
            if (t != JsonToken.END_ARRAY) {
                throw Json.error(name, p, "expected a message object but found " + Json.describe(t));
            }
        }
        if (!sawMessages) {
            throw new ChatpackException(
                    name, null, "not an Instagram export: no \"messages\" found (is this another platform's file?)");
        }
    }

    private void indexMessage(int file, String name, JsonParser p, long start) throws IOException {
        long timestamp = Long.MIN_VALUE;
        boolean sender = false;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "timestamp_ms" -> timestamp = Json.longValue(p, Long.MIN_VALUE);
                case "sender_name" -> sender = true;
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw Json.error(name, p, "malformed message object");
        }
        if (timestamp == Long.MIN_VALUE || !sender) {
            throw Json.error(
                    name,
                    p,
                    "not an Instagram message (no \"sender_name\" or \"timestamp_ms\"); "
                            + "is this another platform's export?");
        }
        times.add(timestamp);
        offsets.add(((long) file << OFFSET_BITS) | start);
    }

    private boolean newestFirst() {
        long n = times.size();
        for (long i = 1; i < n; i++) {
            if (times.get(i) > times.get(i - 1)) {
                return false;
            }
        }
        return true;
    }

    /** Oldest first; among equal times, later in the (newest-first) export means earlier. */
    private int[] chronologicalOrder() {
        long n = times.size();
        if (n > Integer.MAX_VALUE - 8) {
            throw new ChatpackException(names.getFirst(), null, "too many messages to sort");
        }
        int[] idx = new int[(int) n];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        IntSort.sort(idx, (a, b) -> {
            int c = Long.compare(times.get(a), times.get(b));
            return c != 0 ? c : Integer.compare(b, a);
        });
        return idx;
    }

    // ---- pass two ----

    private Message readAt(long k) throws IOException {
        long packed = offsets.get(k);
        int file = (int) (packed >>> OFFSET_BITS);
        long start = packed & OFFSET_MASK;
        long bound = sizes[file];
        if (k + 1 < offsets.size() && (offsets.get(k + 1) >>> OFFSET_BITS) == file) {
            bound = offsets.get(k + 1) & OFFSET_MASK;
        }
        load(file, start, bound);
        String name = names.get(file);
        try (JsonParser p = Json.FACTORY.createParser(window, (int) (start - windowStart), (int) (bound - start))) {
            p.nextToken();
            return parseMessage(name, p, times.get(k));
        } catch (StreamReadException e) {
            throw new ChatpackException(name, "byte " + start, "the file changed while being read", e);
        }
    }

    /** Makes the window cover [start, bound), sliding backwards when the visit order runs backwards. */
    private void load(int file, long start, long bound) throws IOException {
        boolean backwards = file == windowFile && start < lastStart;
        lastStart = start;
        if (file == windowFile && start >= windowStart && bound <= windowStart + windowLength) {
            return;
        }
        long length = Math.max(WINDOW_BYTES, bound - start);
        if (length > Integer.MAX_VALUE - 16) {
            throw new ChatpackException(names.get(file), "byte " + start, "message too large");
        }
        long from = backwards ? Math.max(0, bound - length) : start;
        long to = Math.min(sizes[file], from + length);
        if (window.length < to - from) {
            window = new byte[(int) (to - from)];
        }
        ByteBuffer buf = ByteBuffer.wrap(window, 0, (int) (to - from));
        Spool ch = spools.get(file);
        long pos = from;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new ChatpackException(names.get(file), "byte " + pos, "the file shrank while being read");
            }
            pos += n;
        }
        progress.add(to - from);
        windowFile = file;
        windowStart = from;
        windowLength = (int) (to - from);
    }

    private Message parseMessage(String name, JsonParser p, long timestampMs) throws IOException {
        Fields f = Fields.read(p);
        if (f.unsent || f.sender == null) {
            skipped.other();
            return null;
        }
        String sender = Mojibake.repair(f.sender);
        String text = f.content == null ? "" : Mojibake.repair(f.content);
        if (isNotice(text, sender, f.type)) {
            if (!options.serviceMessages()) {
                skipped.notice();
            } else if (Text.isBlank(text)) {
                skipped.empty();
            }
            return options.serviceMessages() && !Text.isBlank(text)
                    ? new Message(
                            null,
                            sender,
                            "[Service] " + Text.strip(text),
                            Instant.ofEpochMilli(timestampMs),
                            null,
                            null,
                            null)
                    : null;
        }
        String content = content(f, text);
        if (content.isEmpty()) {
            skipped.empty();
            return null;
        }
        return new Message(null, sender, content, Instant.ofEpochMilli(timestampMs), null, null, null);
    }

    /** The fields of one message object that shape its content, as the export wrote them. */
    private static final class Fields {
        String sender;
        String content;
        String shareLink;
        String shareText;
        String type;
        boolean unsent;
        boolean photos;
        boolean videos;
        boolean audio;
        boolean gifs;
        boolean sticker;
        boolean files;

        /** Reads the rest of a message object, its opening brace already read. */
        static Fields read(JsonParser p) throws IOException {
            Fields f = new Fields();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "sender_name" -> f.sender = Json.textOrNull(p);
                    case "content" -> f.content = Json.textOrNull(p);
                    case "type" -> f.type = Json.textOrNull(p);
                    case "is_unsent" -> f.unsent = v == JsonToken.VALUE_TRUE;
                    case "photos" -> f.photos = nonEmptyArray(p, v);
                    case "videos" -> f.videos = nonEmptyArray(p, v);
                    case "audio_files" -> f.audio = nonEmptyArray(p, v);
                    case "gifs" -> f.gifs = nonEmptyArray(p, v);
                    case "files" -> f.files = nonEmptyArray(p, v);
                    case "sticker" -> {
                        f.sticker = v == JsonToken.START_OBJECT;
                        p.skipChildren();
                    }
                    case "share" -> f.readShare(p, v);
                    default -> p.skipChildren();
                }
            }
            return f;
        }

        private void readShare(JsonParser p, JsonToken v) throws IOException {
            if (v != JsonToken.START_OBJECT) {
                p.skipChildren();
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                switch (f) {
                    case "link" -> shareLink = Json.textOrNull(p);
                    case "share_text" -> shareText = Json.textOrNull(p);
                    default -> p.skipChildren();
                }
            }
        }

        boolean attached() {
            return photos || videos || audio || gifs || sticker || files || shareLink != null;
        }
    }

    /** The content of a message that is not a notice: its placeholders, share text and text; empty for none. */
    private String content(Fields f, String text) {
        if (isAttachmentBoilerplate(text)) {
            // Instagram's stand-in text for what it attached ("Alice sent an attachment."): the placeholder
            // says it, and when the export kept nothing (an expired share) the message still happened.
            text = f.attached() || !options.media() ? "" : "[Attachment]";
        }
        String shareLink = f.shareLink;
        String shareText = f.shareText;
        if (shareLink != null && Links.sameTarget(text, shareLink)) {
            text = "";
        }
        if (shareLink != null && Links.sameTarget(shareText, shareLink)) {
            shareText = null;
        }
        StringBuilder sb = new StringBuilder(text.length() + 32);
        if (options.media()) {
            placeholder(sb, f.photos, "[Photo]");
            placeholder(sb, f.videos, "[Video]");
            placeholder(sb, f.audio, "[Audio]");
            placeholder(sb, f.gifs, "[GIF]");
            placeholder(sb, f.sticker, "[Sticker]");
            placeholder(sb, f.files, "[File]");
            if (shareLink != null && !shareLink.isEmpty()) {
                placeholder(sb, true, "[Share: " + shareLink + "]");
            }
        }
        String repairedShareText = Mojibake.repair(shareText);
        if (repairedShareText != null
                && !Text.isBlank(repairedShareText)
                && !repairedShareText.equals(text)
                && (options.media() || !text.isEmpty())) {
            placeholder(sb, true, repairedShareText);
        }
        if (!text.isEmpty()) {
            placeholder(sb, true, text);
        }
        return sb.toString();
    }

    private static void placeholder(StringBuilder sb, boolean present, String text) {
        if (present) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(text);
        }
    }

    private static boolean nonEmptyArray(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return false;
        }
        boolean any = p.nextToken() != JsonToken.END_ARRAY;
        if (any) {
            p.skipChildren();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                p.skipChildren();
            }
        }
        return any;
    }

    /**
     * Instagram's generated notices: entries of type Subscribe/Unsubscribe (someone joined or left the group)
     * and texts matched by their whole shape, "Reacted 😂 to your message", "Alice reacted 😂 to your
     * message", "Liked a message". Like other platforms' notices they are written only with --service.
     */
    static boolean isNotice(String text, String sender, String type) {
        if ("Subscribe".equals(type) || "Unsubscribe".equals(type)) {
            return true;
        }
        String t = Text.strip(text);
        if (t.endsWith(" to your message") && (t.startsWith("Reacted ") || t.startsWith(sender + " reacted "))) {
            return true;
        }
        return t.equals("Liked a message");
    }

    /**
     * "Alice sent an attachment.", "You sent an attachment." (the name may be the account's username rather
     * than its display name, so any one-line name is accepted).
     */
    static boolean isAttachmentBoilerplate(String text) {
        String t = Text.strip(text);
        return t.endsWith(" sent an attachment.") && t.indexOf('\n') < 0;
    }

    @Override
    public double progress() {
        return progress.fraction();
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (Spool s : spools) {
            try {
                s.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
