package dev.chainsync.chatpack.telegram;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.ReadOptions;
import dev.chainsync.chatpack.Skipped;
import dev.chainsync.chatpack.io.Json;
import dev.chainsync.chatpack.io.Links;
import dev.chainsync.chatpack.io.Text;
import dev.chainsync.chatpack.io.Times;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * Turns one Telegram message object into a {@link Message}. One instance per thread: it keeps its scratch
 * fields between messages, because resetting a dozen fields is cheaper than allocating a holder per message.
 * Strings the output never needs ({@code date} once {@code date_unixtime} is known to be present,
 * {@code text_entities}, {@code from_id}) are skipped without being decoded.
 */
final class MessageParser {

    static final String DELETED_ACCOUNT = "Deleted Account";
    static final String UNKNOWN_SENDER = "Unknown";
    static final long NO_TIME = Long.MIN_VALUE;
    static final int DATE_CHARS = 40;

    private final String input;
    private final ReadOptions options;
    private final NameCache names = new NameCache();
    /** Set once a message carried date_unixtime: from then on {@code date} need not be decoded. */
    boolean unixTimes;
    /** The BlockScanner skipped this message's "date", relying on a date_unixtime that may not come. */
    boolean dateSkipped;

    String id;
    boolean isService;
    /** A {@code type} other than "message" and "service" ("action", anything newer): not a message. */
    boolean isOtherType;

    boolean typeSeen;
    final char[] dateChars = new char[DATE_CHARS];
    int dateLen;
    long unixTime;
    long editedUnix;
    String editedText;
    boolean fromSeen;
    String from;
    String actor;
    String action;
    String text;
    String replyTo;
    boolean forwarded;
    String forwardedFrom;
    boolean photo;
    boolean file;
    String filePath;
    String fileName;
    String mediaType;
    String stickerEmoji;
    String pollQuestion;
    /** A to-do list's title ("" when it has none); null when the message has no list. */
    String todoTitle;

    boolean giveaway;
    boolean giveawayResults;
    boolean contact;
    boolean location;
    String placeName;
    String gameTitle;
    boolean invoice;
    private final StringBuilder scratch = new StringBuilder(256);

    private final Skipped skipped;

    /** A parser whose skipped entries nobody asks for (the scanner's header, tests). */
    MessageParser(String input, ReadOptions options) {
        this(input, options, new Skipped());
    }

    MessageParser(String input, ReadOptions options, Skipped skipped) {
        this.input = input;
        this.options = options;
        this.skipped = skipped;
    }

    /**
     * Reads one message object, the parser being on its START_OBJECT, and leaves the parser on its END_OBJECT.
     *
     * @param chat the Chat column value, or null
     * @return the message, or null for one that is skipped (service message, nothing to say)
     */
    Message read(JsonParser p, String chat) throws IOException {
        reset();
        JsonToken t;
        SerializedString expected = ID;
        while (true) {
            // Telegram writes fields in a fixed order. Guessing the next name lets Jackson compare raw bytes
            // instead of hashing the name into its symbol table; a wrong guess costs one failed comparison.
            String field;
            if (p.nextFieldName(expected)) {
                field = expected.getValue();
            } else if (p.currentToken() == JsonToken.FIELD_NAME) {
                field = p.currentName();
            } else {
                t = p.currentToken();
                break;
            }
            expected = next(field);
            JsonToken v = p.nextToken();
            switch (field) {
                case "id" -> id = Json.textOrNull(p);
                case "type" -> {
                    typeSeen = true;
                    isService = v == JsonToken.VALUE_STRING && textIs(p, "service");
                    isOtherType = v == JsonToken.VALUE_STRING && !isService && !textIs(p, "message");
                }
                // Copied even when earlier messages had date_unixtime: a message without it still has a time.
                case "date" -> copyDate(p, v);
                case "date_unixtime" -> unixTime = Json.longValue(p, NO_TIME);
                case "edited_unixtime" -> editedUnix = Json.longValue(p, NO_TIME);
                case "from" -> {
                    fromSeen = true;
                    from = v == JsonToken.VALUE_STRING ? names.intern(p) : Json.textOrNull(p);
                }
                case "text" -> text = readText(p, v);
                case "reply_to_message_id" -> replyTo = Json.textOrNull(p);
                case "from_id" -> p.skipChildren();
                case "text_entities" -> skipEntities(p, v);
                default -> readRareField(p, field, v);
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw Json.error(input, p, "malformed message object");
        }
        return build(p, chat);
    }

    /**
     * Skips {@code text_entities}, which repeats {@code text} as {@code {type, text}} objects. Guessing those
     * two names spares Jackson the symbol-table lookups a plain skipChildren() would make for each.
     */
    private void skipEntities(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
            SerializedString guess = ENTITY_TYPE;
            while (p.nextFieldName(guess) || p.currentToken() == JsonToken.FIELD_NAME) {
                guess = ENTITY_TEXT;
                if (p.nextToken().isStructStart()) {
                    p.skipChildren();
                }
            }
        }
        if (t != JsonToken.END_ARRAY) {
            p.skipChildren();
        }
    }

    /**
     * Fields most messages lack (media, service details, edits). Kept out of {@link #read} so the hot loop
     * stays small enough for the JIT to compile quickly and inline fully.
     */
    private void readRareField(JsonParser p, String field, JsonToken v) throws IOException {
        switch (field) {
            case "edited" -> editedText = Json.textOrNull(p);
            case "actor" -> actor = Json.textOrNull(p);
            case "action" -> action = Json.textOrNull(p);
            case "forwarded_from" -> {
                forwarded = true;
                forwardedFrom = Json.textOrNull(p);
            }
            case "photo" -> {
                photo = true;
                p.skipChildren();
            }
            case "file" -> {
                file = true;
                filePath = Json.textOrNull(p);
            }
            case "file_name" -> fileName = Json.textOrNull(p);
            case "media_type" -> mediaType = Json.textOrNull(p);
            case "sticker_emoji" -> stickerEmoji = Json.textOrNull(p);
            case "poll" -> pollQuestion = readTitle(p, v, "question", "malformed poll");
            case "todo_list" -> todoTitle = readTitle(p, v, "title", "malformed todo_list");
            case "giveaway_information" -> {
                giveaway = true;
                p.skipChildren();
            }
            case "giveaway_results" -> {
                giveawayResults = true;
                p.skipChildren();
            }
            case "contact_information" -> {
                contact = true;
                p.skipChildren();
            }
            case "location_information" -> {
                location = true;
                p.skipChildren();
            }
            case "place_name" -> placeName = Json.textOrNull(p);
            case "game_title" -> gameTitle = Json.textOrNull(p);
            case "invoice_information" -> {
                invoice = true;
                p.skipChildren();
            }
            default -> p.skipChildren();
        }
    }

    private static final SerializedString ID = new SerializedString("id");
    private static final SerializedString TYPE = new SerializedString("type");
    private static final SerializedString DATE = new SerializedString("date");
    private static final SerializedString DATE_UNIXTIME = new SerializedString("date_unixtime");
    private static final SerializedString FROM = new SerializedString("from");
    private static final SerializedString FROM_ID = new SerializedString("from_id");
    private static final SerializedString TEXT = new SerializedString("text");
    private static final SerializedString TEXT_ENTITIES = new SerializedString("text_entities");
    private static final SerializedString ENTITY_TYPE = TYPE;
    private static final SerializedString ENTITY_TEXT = TEXT;

    /** The field Telegram Desktop usually writes after {@code field}. */
    private static SerializedString next(String field) {
        return switch (field) {
            case "id" -> TYPE;
            case "type" -> DATE;
            case "date" -> DATE_UNIXTIME;
            case "date_unixtime", "edited_unixtime" -> FROM;
            case "from" -> FROM_ID;
            case "text" -> TEXT_ENTITIES;
            default -> TEXT;
        };
    }

    void reset() {
        dateSkipped = false;
        id = null;
        isService = false;
        isOtherType = false;
        typeSeen = false;
        dateLen = 0;
        unixTime = NO_TIME;
        editedUnix = NO_TIME;
        editedText = null;
        fromSeen = false;
        from = null;
        actor = null;
        action = null;
        text = null;
        replyTo = null;
        forwarded = false;
        forwardedFrom = null;
        photo = false;
        file = false;
        filePath = null;
        fileName = null;
        mediaType = null;
        stickerEmoji = null;
        pollQuestion = null;
        todoTitle = null;
        giveaway = false;
        giveawayResults = false;
        contact = false;
        location = false;
        placeName = null;
        gameTitle = null;
        invoice = false;
    }

    private static boolean textIs(JsonParser p, String expected) throws IOException {
        if (p.getTextLength() != expected.length()) {
            return false;
        }
        char[] chars = p.getTextCharacters();
        int off = p.getTextOffset();
        for (int i = 0; i < expected.length(); i++) {
            if (chars[off + i] != expected.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Keeps the local-time {@code date} without allocating; it matters only when date_unixtime is missing. */
    private void copyDate(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return;
        }
        int len = p.getTextLength();
        if (len > dateChars.length) {
            dateLen = -1;
            return;
        }
        System.arraycopy(p.getTextCharacters(), p.getTextOffset(), dateChars, 0, len);
        dateLen = len;
    }

    /**
     * The message from the fields read, or null when it is skipped. {@code p} only locates errors; without
     * a parser (the {@link BlockScanner}) a problem abandons the block, which Jackson then reads again.
     */
    Message build(JsonParser p, String chat) {
        if (!typeSeen && dateLen == 0 && unixTime == NO_TIME) {
            throw error(p, "not a Telegram message (no \"type\" or \"date\"); " + "is this another platform's export?");
        }
        if (unixTime != NO_TIME) {
            unixTimes = true;
        } else if (dateSkipped) {
            // Only the scanner skips: this abandons its block, and Jackson's pass reads the date.
            throw error(p, "a message without date_unixtime after messages with one");
        }
        Instant timestamp = timestamp(p);
        if (isOtherType) {
            skipped.other();
            return null;
        }
        if (isService && !options.serviceMessages()) {
            skipped.notice();
            return null;
        }
        Instant editedAt =
                editedUnix != NO_TIME ? epochSecond(p, editedUnix, "edited_unixtime") : parseLocal(p, editedText);
        String body = text == null ? "" : text;
        String sender;
        String content;
        if (isService) {
            sender = actor != null ? actor : from != null ? from : DELETED_ACCOUNT;
            String what = action == null ? "service" : action;
            content = body.isEmpty() ? "[Service: " + what + "]" : "[Service: " + what + "] " + body;
        } else {
            sender = from != null ? from : fromSeen ? DELETED_ACCOUNT : UNKNOWN_SENDER;
            content = compose(body);
            if (content == null) {
                skipped.empty();
                return null;
            }
        }
        return new Message(chat, sender, content, timestamp, id, replyTo, editedAt);
    }

    /**
     * Whether {@link #build} would make the content exactly the text (no service line, forward mark or media
     * placeholder), so a worker may copy the text's bytes instead of decoding them.
     */
    boolean contentIsText() {
        return !isService && !forwarded && !(options.media() && hasPlaceholder());
    }

    /** Whether {@link #placeholder()} gives something: the same conditions, without building the text. */
    private boolean hasPlaceholder() {
        return pollQuestion != null
                || todoTitle != null
                || giveaway
                || giveawayResults
                || placeName != null
                || mediaType != null
                || photo
                || file
                || contact
                || location
                || gameTitle != null
                || invoice;
    }

    private RuntimeException error(JsonParser p, String problem) {
        return p == null ? BlockScanner.ABANDON : Json.error(input, p, problem);
    }

    /** Forward mark, placeholder and text joined; null when nothing is left to say. */
    private String compose(String text) {
        // A text of only spaces says nothing (the original skips such messages too).
        String body = Text.isBlank(text) ? "" : text;
        String placeholder = options.media() ? placeholder() : null;
        if (!forwarded && placeholder == null) {
            return body.isEmpty() ? null : body;
        }
        if (placeholder == null && body.isEmpty()) {
            // A forwarded photo with --no-media: the forward mark alone says nothing.
            return null;
        }
        StringBuilder sb = scratch;
        sb.setLength(0);
        if (forwarded) {
            sb.append(
                    forwardedFrom == null || forwardedFrom.isEmpty()
                            ? "[Forwarded]"
                            : "[Forwarded from " + forwardedFrom + "]");
        }
        if (placeholder != null) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(placeholder);
        }
        if (!body.isEmpty()) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(body);
        }
        return sb.toString();
    }

    /** What a media attachment becomes in text, or null when the message has none. */
    private String placeholder() {
        if (pollQuestion != null) {
            return "[Poll: " + pollQuestion + "]";
        }
        if (todoTitle != null) {
            return todoTitle.isEmpty() ? "[To-do list]" : "[To-do list: " + todoTitle + "]";
        }
        if (giveaway) {
            return "[Giveaway]";
        }
        if (giveawayResults) {
            return "[Giveaway results]";
        }
        if (mediaType != null) {
            return switch (mediaType) {
                case "sticker" ->
                    stickerEmoji == null || Text.isBlank(stickerEmoji) ? "[Sticker]" : "[Sticker " + stickerEmoji + "]";
                case "voice_message" -> "[Voice message]";
                case "video_message" -> "[Video message]";
                case "video_file" -> "[Video]";
                case "animation" -> "[GIF]";
                case "audio_file" -> "[Audio]";
                default -> "[Media]";
            };
        }
        if (photo) {
            return "[Photo]";
        }
        if (file) {
            String name = fileName != null ? fileName : baseName(filePath);
            return name == null ? "[File]" : "[File: " + name + "]";
        }
        if (contact) {
            return "[Contact]";
        }
        if (location || placeName != null) {
            // A venue has a name, and coordinates only when Telegram knew them.
            return placeName == null ? "[Location]" : "[Location: " + placeName + "]";
        }
        if (gameTitle != null) {
            return "[Game: " + gameTitle + "]";
        }
        if (invoice) {
            return "[Invoice]";
        }
        return null;
    }

    /** File name from an export-relative path; Telegram writes "(File not included...)" when media was skipped. */
    private static String baseName(String path) {
        if (path == null || path.isEmpty() || path.startsWith("(")) {
            return null;
        }
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return path.substring(slash + 1);
    }

    /** {@code seconds} as an instant, or an error naming the field and position when no instant is that far out. */
    private Instant epochSecond(JsonParser p, long seconds, String field) {
        if (seconds < Instant.MIN.getEpochSecond() || seconds > Instant.MAX.getEpochSecond()) {
            throw error(p, "\"" + field + "\" is out of range: " + seconds);
        }
        return Instant.ofEpochSecond(seconds);
    }

    private Instant timestamp(JsonParser p) {
        if (unixTime != NO_TIME) {
            return epochSecond(p, unixTime, "date_unixtime");
        }
        if (dateLen == 0) {
            return null;
        }
        if (dateLen < 0) {
            throw error(p, "unrecognised date format in \"date\"");
        }
        return parseLocal(p, new String(dateChars, 0, dateLen));
    }

    /** Telegram's {@code date} is local time without a zone; older exports have nothing better, so read it as UTC. */
    private Instant parseLocal(JsonParser p, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Times.parseIso(value);
        } catch (DateTimeException e) {
            throw error(p, "unrecognised date format '" + value + "'");
        }
    }

    /**
     * Message text is a string, or an array mixing strings with entity objects {@code {type, text, href}}.
     * Link entities keep their target: {@code text (href)} unless the text already is the URL.
     */
    private String readText(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        StringBuilder sb = scratch;
        sb.setLength(0);
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_STRING) {
                sb.append(p.getText());
            } else if (t == JsonToken.START_OBJECT) {
                appendEntity(p, sb);
            } else if (t == null) {
                throw new ChatpackException(
                        input,
                        Json.position(p.currentLocation()),
                        "truncated JSON: the input ends in the middle of a value");
            } else {
                p.skipChildren();
            }
        }
        return sb.toString();
    }

    private void appendEntity(JsonParser p, StringBuilder sb) throws IOException {
        String entityText = null;
        String href = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "text" -> entityText = Json.textOrNull(p);
                case "href" -> href = Json.textOrNull(p);
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw Json.error(input, p, "malformed text entity");
        }
        appendEntity(sb, entityText, href);
    }

    /** An entity's text, then its link target in parentheses unless the text already is that link. */
    static void appendEntity(StringBuilder sb, String entityText, String href) {
        if (entityText != null) {
            sb.append(entityText);
        }
        if (href != null && !href.isEmpty() && !Links.sameTarget(entityText, href)) {
            sb.append(entityText == null || entityText.isEmpty() ? "" : " ")
                    .append('(')
                    .append(href)
                    .append(')');
        }
    }

    /** The string field {@code name} of an object such as a poll or a to-do list; "" without one. */
    private String readTitle(JsonParser p, JsonToken v, String name, String malformed) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String question = "";
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals(name)) {
                String q = Json.textOrNull(p);
                question = q == null ? "" : q;
            } else {
                p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw Json.error(input, p, malformed);
        }
        return question;
    }

    /**
     * Reuses the String of a sender name seen recently. A chat has few senders and millions of messages, so
     * this saves an allocation per message; a miss simply allocates.
     */
    static final class NameCache {
        private static final int SLOTS = 256;
        private static final int MAX_LENGTH = 64;
        private final String[] slots = new String[SLOTS];

        String intern(JsonParser p) throws IOException {
            int len = p.getTextLength();
            if (len > MAX_LENGTH) {
                return p.getText();
            }
            char[] chars = p.getTextCharacters();
            int off = p.getTextOffset();
            int h = len;
            for (int i = 0; i < len; i++) {
                h = 31 * h + chars[off + i];
            }
            int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
            String cached = slots[slot];
            if (cached != null && cached.length() == len) {
                boolean same = true;
                for (int i = 0; i < len; i++) {
                    if (cached.charAt(i) != chars[off + i]) {
                        same = false;
                        break;
                    }
                }
                if (same) {
                    return cached;
                }
            }
            String fresh = new String(chars, off, len);
            slots[slot] = fresh;
            return fresh;
        }
    }
}
