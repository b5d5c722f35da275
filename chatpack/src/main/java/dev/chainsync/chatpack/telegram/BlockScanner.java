package dev.chainsync.chatpack.telegram;

import static dev.chainsync.chatpack.io.Swar.HIGHS;
import static dev.chainsync.chatpack.io.Swar.LONGS;
import static dev.chainsync.chatpack.io.Swar.ONES;
import static dev.chainsync.chatpack.io.Swar.QUOTES;
import static dev.chainsync.chatpack.io.Swar.SPACES;

import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.output.CsvRows;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the message objects of one block of a pretty-printed export straight from its bytes, for
 * {@link ParallelTelegramSource}'s workers. It fills the same {@link MessageParser} fields Jackson's path fills,
 * with the same rules per field, and lets {@link MessageParser#build} make the message, so both paths give the
 * same messages.
 *
 * <p>Why not Jackson here: a Telegram message is mostly bytes nobody needs ({@code text_entities} repeats the
 * text, {@code from_id}, the local {@code date}), and a tokenizer that decodes every token into its text buffer,
 * tracks locations and hashes names does several times the work of checking those bytes and jumping over them.
 * It is also less code for the JIT to compile on a cold start.
 *
 * <p>It is strict: it accepts only well-formed JSON (RFC 8259 grammar, escapes, well-formed UTF-8, no raw control
 * characters in strings), in fact a subset of what Jackson accepts. Anything else, and anything unusual (escaped
 * field names, deep nesting, huge strings or numbers, a message {@link MessageParser#build} rejects), throws
 * {@link #ABANDON}; the caller then parses the block with Jackson, which yields the same messages or the error
 * with its position. So a malformed export fails exactly as before.
 */
final class BlockScanner {

    /** Thrown, without a stack trace, to hand the block to Jackson. */
    static final RuntimeException ABANDON = new RuntimeException("block left to Jackson", null, false, false) {};

    private static final int MAX_DEPTH = 64;
    private static final int MAX_STRING_BYTES = 1 << 20;
    private static final int MAX_NUMBER_LENGTH = 100;
    private static final int MAX_NAME_BYTES = 256;

    // Field names, as bytes.
    private static final byte[] ID = ascii("id");
    private static final byte[] TYPE = ascii("type");
    private static final byte[] DATE = ascii("date");
    private static final byte[] DATE_UNIXTIME = ascii("date_unixtime");
    private static final byte[] EDITED_UNIXTIME = ascii("edited_unixtime");
    private static final byte[] FROM = ascii("from");
    private static final byte[] FROM_ID = ascii("from_id");
    private static final byte[] TEXT = ascii("text");
    private static final byte[] TEXT_ENTITIES = ascii("text_entities");
    private static final byte[] REPLY_TO = ascii("reply_to_message_id");
    private static final byte[] EDITED = ascii("edited");
    private static final byte[] ACTOR = ascii("actor");
    private static final byte[] ACTION = ascii("action");
    private static final byte[] FORWARDED_FROM = ascii("forwarded_from");
    private static final byte[] PHOTO = ascii("photo");
    private static final byte[] FILE = ascii("file");
    private static final byte[] FILE_NAME = ascii("file_name");
    private static final byte[] MEDIA_TYPE = ascii("media_type");
    private static final byte[] STICKER_EMOJI = ascii("sticker_emoji");
    private static final byte[] POLL = ascii("poll");
    private static final byte[] CONTACT = ascii("contact_information");
    private static final byte[] LOCATION = ascii("location_information");
    private static final byte[] PLACE_NAME = ascii("place_name");
    private static final byte[] GAME_TITLE = ascii("game_title");
    private static final byte[] INVOICE = ascii("invoice_information");
    private static final byte[] HREF = ascii("href");
    private static final byte[] QUESTION = ascii("question");
    private static final byte[] SERVICE = ascii("service");
    private static final byte[] MESSAGE = ascii("message");
    private static final byte[] TODO_LIST = ascii("todo_list");
    private static final byte[] GIVEAWAY_INFORMATION = ascii("giveaway_information");
    private static final byte[] GIVEAWAY_RESULTS = ascii("giveaway_results");
    private static final byte[] NAME = ascii("name");
    private static final byte[] MESSAGES = ascii("messages");
    private static final byte[] CHATS = ascii("chats");
    private static final byte[] LEFT_CHATS = ascii("left_chats");

    /** Kinds of the value at {@link #pos}. */
    private static final int STRING = 0;

    private static final int NUMBER = 1;
    private static final int LITERAL = 2;
    private static final int CONTAINER = 3;

    /** {@link #strFlags} bits. */
    private static final int ESCAPED = 1;

    private static final int NON_ASCII = 2;

    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

    /**
     * Stands for the text in {@link MessageParser#text} while encoding rows: compared by identity, it marks a
     * plain string whose bytes are still at {@link #rawStart}.
     */
    static final String RAW_TEXT = new String("<raw text>");

    private final MessageParser m;
    /** Where messages go: a row batch when encoding CSV on the worker, else null (the list). */
    private CsvRows rows;

    private int rawStart;
    private int rawEnd;
    private int rawFlags;
    /** The message's text string, b[textStart, textEnd), when it was a string; textStart is -1 otherwise. */
    private int textStart = -1;

    private int textEnd;
    /** Whether message ids are read; CSV rows without the ID column do not need them. */
    private boolean ids = true;

    private final NameCache names = new NameCache();
    private final StringBuilder scratch = new StringBuilder(256);

    private byte[] b;
    private int pos;
    private int end;
    // The string scanned last: its content is b[strStart, strEnd).
    private int strStart;
    private int strEnd;
    private int strFlags;
    // The field name read last.
    private int nameStart;
    private int nameLen;

    BlockScanner(MessageParser parser) {
        this.m = parser;
    }

    /**
     * Reads {@code [ {message}, {message}, ... ]} from {@code bytes[from, to)} into {@code out}.
     *
     * @throws RuntimeException {@link #ABANDON} when the block must be read by Jackson instead; {@code out} may
     *                          then hold some of its messages already
     */
    void scan(byte[] bytes, int from, int to, List<Message> out) {
        rows = null;
        ids = true;
        scan(bytes, from, to, out, null);
    }

    /**
     * The same into CSV rows: a message whose content is its plain (unescaped) text goes in as the text's bytes,
     * the rest as {@link CsvRows#add(Message)}; either way the bytes {@link CsvRows} would write for the message.
     */
    void scan(byte[] bytes, int from, int to, CsvRows out) {
        rows = out;
        ids = out.hasIds();
        scan(bytes, from, to, null, out);
    }

    private void scan(byte[] bytes, int from, int to, List<Message> list, CsvRows out) {
        b = bytes;
        pos = from;
        end = to;
        skipWs();
        expect('[');
        skipWs();
        if (peek() == ']') {
            pos++;
            return;
        }
        do {
            expect('{');
            Message msg = message();
            if (msg == null) {
                continue;
            }
            if (out == null) {
                list.add(msg);
            } else if (msg.content() == RAW_TEXT) {
                out.addUtf8(msg, b, rawStart, rawEnd - rawStart);
            } else {
                out.add(msg);
            }
        } while (another(']'));
    }

    /** The root object's fields before its messages array, and where that array opens. */
    record Header(String name, String type, String id, long arrayStart) {}

    /**
     * Reads an export's root object from {@code bytes[0, to)} up to the opening bracket of its {@code messages}
     * array, taking {@code name}, {@code type} and {@code id} as Json.textOrNull does and checking everything
     * else it passes. Spares a cold start Jackson's class loading and initialisation for a few hundred bytes.
     *
     * @throws RuntimeException {@link #ABANDON} for anything unusual (a full-account export, no messages array,
     *                          more than {@code to} bytes before it): the caller then reads the header with Jackson
     */
    Header header(byte[] bytes, int to) {
        b = bytes;
        pos = 0;
        end = to;
        rows = null;
        skipWs();
        expect('{');
        skipWs();
        String name = null;
        String type = null;
        String id = null;
        do {
            fieldName();
            if (nameIs(MESSAGES)) {
                if (peek() != '[') {
                    throw ABANDON;
                }
                return new Header(name, type, id, pos);
            }
            if (nameIs(NAME)) {
                name = textOrNull();
            } else if (nameIs(TYPE)) {
                type = textOrNull();
            } else if (nameIs(ID)) {
                id = textOrNull();
            } else if (nameIs(CHATS) || nameIs(LEFT_CHATS)) {
                throw ABANDON;
            } else {
                skipValue();
            }
        } while (another('}'));
        throw ABANDON;
    }

    /** One message object, after its opening brace. */
    private Message message() {
        MessageParser m = this.m;
        m.reset();
        textStart = -1;
        skipWs();
        if (peek() == '}') {
            pos++;
        } else {
            do {
                fieldName();
                field();
            } while (another('}'));
        }
        if (m.text == RAW_TEXT && (!m.contentIsText() || mayBeBlank())) {
            m.text = new String(
                    b,
                    rawStart,
                    rawEnd - rawStart,
                    rawFlags == 0 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        }
        return m.build(null, null);
    }

    /**
     * Whether the raw text might be only whitespace, which MessageParser skips: then it is decoded so the
     * parser can tell. Only escapes, hex digits, spaces and non-ASCII bytes can spell a blank text.
     */
    private boolean mayBeBlank() {
        for (int i = rawStart; i < rawEnd; i++) {
            byte c = b[i];
            boolean maybe = c < 0
                    || c == ' '
                    || c == '\t'
                    || c == '\\'
                    || c == 'n'
                    || c == 'r'
                    || c == 't'
                    || c == 'u'
                    || Character.digit(c, 16) >= 0;
            if (!maybe) {
                return false;
            }
        }
        return true;
    }

    /** Reads {@code "name" :} and leaves {@link #pos} on the value. */
    private void fieldName() {
        if (peek() != '"') {
            throw ABANDON;
        }
        scanString();
        if ((strFlags & ESCAPED) != 0 || strEnd - strStart > MAX_NAME_BYTES) {
            // Escaped names are not Telegram's; decoding them is Jackson's business.
            throw ABANDON;
        }
        nameStart = strStart;
        nameLen = strEnd - strStart;
        skipWs();
        expect(':');
        skipWs();
    }

    private boolean nameIs(byte[] name) {
        if (nameLen != name.length) {
            return false;
        }
        byte[] b = this.b;
        int at = nameStart;
        for (int i = 0; i < name.length; i++) {
            if (b[at + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    // Field codes. Those up to LAST_TEXT_FIELD take their value as Json.textOrNull does.
    private static final int F_ID = 0;
    private static final int F_REPLY_TO = 1;
    private static final int F_EDITED = 2;
    private static final int F_ACTOR = 3;
    private static final int F_ACTION = 4;
    private static final int F_FORWARDED_FROM = 5;
    private static final int F_FILE = 6;
    private static final int F_FILE_NAME = 7;
    private static final int F_MEDIA_TYPE = 8;
    private static final int F_STICKER_EMOJI = 9;
    private static final int F_PLACE_NAME = 10;
    private static final int F_GAME_TITLE = 11;
    private static final int LAST_TEXT_FIELD = F_GAME_TITLE;
    private static final int F_TYPE = 12;
    private static final int F_DATE = 13;
    private static final int F_DATE_UNIXTIME = 14;
    private static final int F_EDITED_UNIXTIME = 15;
    private static final int F_FROM = 16;
    private static final int F_TEXT = 17;
    private static final int F_TEXT_ENTITIES = 18;
    private static final int F_POLL = 19;
    private static final int F_PHOTO = 20;
    private static final int F_CONTACT = 21;
    private static final int F_LOCATION = 22;
    private static final int F_INVOICE = 23;
    private static final int F_OTHER = -1;

    /** Names by code; {@link #FIELD_SLOTS} finds a name's code from its length and end bytes. */
    private static final byte[][] FIELD_NAMES = {
        ID, REPLY_TO, EDITED, ACTOR, ACTION, FORWARDED_FROM, FILE, FILE_NAME, MEDIA_TYPE, STICKER_EMOJI,
        PLACE_NAME, GAME_TITLE, TYPE, DATE, DATE_UNIXTIME, EDITED_UNIXTIME, FROM, TEXT, TEXT_ENTITIES, POLL,
        PHOTO, CONTACT, LOCATION, INVOICE,
    };

    private static final int SLOT_MASK = 63;
    private static final byte[] FIELD_SLOTS = new byte[SLOT_MASK + 1];

    static {
        java.util.Arrays.fill(FIELD_SLOTS, (byte) F_OTHER);
        for (int code = 0; code < FIELD_NAMES.length; code++) {
            byte[] name = FIELD_NAMES[code];
            int slot = slot(name, 0, name.length);
            if (FIELD_SLOTS[slot] != F_OTHER) {
                throw new AssertionError("field slot collision: " + new String(name, StandardCharsets.US_ASCII));
            }
            FIELD_SLOTS[slot] = (byte) code;
        }
    }

    private static int slot(byte[] b, int start, int len) {
        return ((len << 2) ^ b[start] ^ (b[start + len - 1] << 1)) & SLOT_MASK;
    }

    /** The code of the field name read last, or F_OTHER. */
    private int fieldCode() {
        int len = nameLen;
        if (len == 0) {
            return F_OTHER;
        }
        int code = FIELD_SLOTS[slot(b, nameStart, len)];
        return code != F_OTHER && nameIs(FIELD_NAMES[code]) ? code : F_OTHER;
    }

    /** One field's value, by the rules of {@link MessageParser#read} and its helpers. */
    private void field() {
        MessageParser m = this.m;
        int code = fieldCode();
        if (code >= 0 && code <= LAST_TEXT_FIELD) {
            if (code == F_ID && !ids) {
                skipValue();
                return;
            }
            String value = textOrNull();
            switch (code) {
                case F_ID -> m.id = value;
                case F_REPLY_TO -> m.replyTo = value;
                case F_EDITED -> m.editedText = value;
                case F_ACTOR -> m.actor = value;
                case F_ACTION -> m.action = value;
                case F_FORWARDED_FROM -> {
                    m.forwarded = true;
                    m.forwardedFrom = value;
                }
                case F_FILE -> {
                    m.file = true;
                    m.filePath = value;
                }
                case F_FILE_NAME -> m.fileName = value;
                case F_MEDIA_TYPE -> m.mediaType = value;
                case F_STICKER_EMOJI -> m.stickerEmoji = value;
                case F_PLACE_NAME -> m.placeName = value;
                default -> m.gameTitle = value;
            }
            return;
        }
        switch (code) {
            case F_TYPE -> type();
            case F_DATE -> {
                if (m.unixTimes) {
                    m.dateSkipped = true;
                    skipValue();
                } else {
                    date();
                }
            }
            case F_DATE_UNIXTIME, F_EDITED_UNIXTIME -> {
                long value = longValue();
                if (code == F_DATE_UNIXTIME) {
                    m.unixTime = value;
                } else {
                    m.editedUnix = value;
                }
            }
            case F_FROM -> {
                m.fromSeen = true;
                m.from = kind() == STRING ? name() : textOrNull();
            }
            case F_TEXT -> m.text = text();
            case F_TEXT_ENTITIES -> skipEntities();
            case F_POLL -> m.pollQuestion = pollQuestion();
            default -> {
                switch (code) {
                    case F_PHOTO -> m.photo = true;
                    case F_CONTACT -> m.contact = true;
                    case F_LOCATION -> m.location = true;
                    case F_INVOICE -> m.invoice = true;
                    default -> {
                        // from_id and everything else nobody reads, but for rare media Jackson's pass reads.
                        if (nameIs(TODO_LIST) || nameIs(GIVEAWAY_INFORMATION) || nameIs(GIVEAWAY_RESULTS)) {
                            throw ABANDON;
                        }
                    }
                }
                skipValue();
            }
        }
    }

    /** MessageParser: {@code type} makes a service message when it is the string "service". */
    private void type() {
        m.typeSeen = true;
        int k = kind();
        if (k == CONTAINER) {
            // MessageParser does not skip a container here; whatever it makes of one is its call.
            throw ABANDON;
        }
        if (k == STRING) {
            scanString();
            m.isService = stringIs(SERVICE);
            m.isOtherType = !m.isService && !stringIs(MESSAGE);
        } else {
            m.isService = false;
            skipValue();
        }
    }

    /**
     * Skips {@code text_entities}. MessageParser.skipEntities expects an array of objects; an element of
     * another kind derails it into an error, so such an array is left to it.
     */
    private void skipEntities() {
        if (kind() != CONTAINER || b[pos] != '[') {
            skipValue();
            return;
        }
        pos++;
        skipWs();
        if (peek() == ']') {
            pos++;
            return;
        }
        do {
            if (peek() != '{') {
                throw ABANDON;
            }
            skipEntity();
        } while (another(']'));
    }

    /**
     * Skips one entity object, checking it as {@link #skipValue} does. Its {@code text} is usually a byte-for-byte
     * copy of the message's plain text, checked already: then one (vectorised) comparison replaces the check.
     */
    private void skipEntity() {
        pos++;
        skipWs();
        if (peek() == '}') {
            pos++;
            return;
        }
        do {
            fieldName();
            if (!(nameIs(TEXT) && skipCopyOfText())) {
                skipValue();
            }
        } while (another('}'));
    }

    /**
     * If the string at {@link #pos} has exactly the bytes of this message's text string, moves past it and
     * returns true. Identical bytes are equally well-formed, and the quote after them is a closing quote: the
     * text's own closing quote was preceded by the same bytes, so by the same run of backslashes.
     */
    private boolean skipCopyOfText() {
        int len = textEnd - textStart;
        int from = pos + 1;
        if (textStart < 0 || b[pos] != '"' || from + len >= end || b[from + len] != '"') {
            return false;
        }
        if (java.util.Arrays.mismatch(b, from, from + len, b, textStart, textEnd) >= 0) {
            return false;
        }
        pos = from + len + 1;
        return true;
    }

    /** {@code date}, kept as characters in case {@code date_unixtime} is missing (MessageParser.copyDate). */
    private void date() {
        if (kind() != STRING) {
            skipValue();
            return;
        }
        scanString();
        MessageParser m = this.m;
        if (strFlags == 0) {
            int len = strEnd - strStart;
            if (len > m.dateChars.length) {
                m.dateLen = -1;
                return;
            }
            for (int i = 0; i < len; i++) {
                m.dateChars[i] = (char) b[strStart + i];
            }
            m.dateLen = len;
            return;
        }
        String s = decoded();
        if (s.length() > m.dateChars.length) {
            m.dateLen = -1;
            return;
        }
        s.getChars(0, s.length(), m.dateChars, 0);
        m.dateLen = s.length();
    }

    /** A string, number or literal as text, null for null or a container (Json.textOrNull). */
    private String textOrNull() {
        switch (kind()) {
            case STRING -> {
                scanString();
                return decoded();
            }
            case NUMBER -> {
                int start = pos;
                skipNumber();
                return new String(b, start, pos - start, StandardCharsets.ISO_8859_1);
            }
            case LITERAL -> {
                return literal();
            }
            default -> {
                skipValue();
                return null;
            }
        }
    }

    /** Json.longValue: an integer, or a string of at most 18 digits with an optional minus; else NO_TIME. */
    private long longValue() {
        long fallback = MessageParser.NO_TIME;
        switch (kind()) {
            case NUMBER -> {
                int start = pos;
                boolean integer = skipNumber();
                if (!integer) {
                    return fallback;
                }
                int len = pos - start;
                // Jackson refuses an integer beyond a long; leave that error to it.
                if (len - (b[start] == '-' ? 1 : 0) > 18) {
                    throw ABANDON;
                }
                return digits(start, len, fallback);
            }
            case STRING -> {
                scanString();
                if (strFlags != 0) {
                    return digits(decoded(), fallback);
                }
                int len = strEnd - strStart;
                if (len == 0 || len > 18) {
                    return fallback;
                }
                return digits(strStart, len, fallback);
            }
            case LITERAL -> {
                literal();
                return fallback;
            }
            default -> {
                skipValue();
                return fallback;
            }
        }
    }

    private long digits(int start, int len, long fallback) {
        byte[] b = this.b;
        int i = start;
        int stop = start + len;
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
            if (len == 1) {
                return fallback;
            }
        }
        long v = 0;
        for (; i < stop; i++) {
            int c = b[i];
            if (c < '0' || c > '9') {
                return fallback;
            }
            v = v * 10 + (c - '0');
        }
        return negative ? -v : v;
    }

    private static long digits(String s, long fallback) {
        int len = s.length();
        if (len == 0 || len > 18) {
            return fallback;
        }
        int i = 0;
        boolean negative = s.charAt(0) == '-';
        if (negative) {
            i = 1;
            if (len == 1) {
                return fallback;
            }
        }
        long v = 0;
        for (; i < len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return fallback;
            }
            v = v * 10 + (c - '0');
        }
        return negative ? -v : v;
    }

    /** A sender name, reusing the String of a recent identical one. */
    private String name() {
        scanString();
        if ((strFlags & ESCAPED) != 0) {
            return decoded();
        }
        return names.get(b, strStart, strEnd - strStart, (strFlags & NON_ASCII) != 0);
    }

    /** MessageParser.readText: a string, or an array of strings and entity objects. */
    private String text() {
        int k = kind();
        if (k == STRING) {
            scanString();
            textStart = strStart;
            textEnd = strEnd;
            if (rows != null && (strFlags & ESCAPED) == 0) {
                rawStart = strStart;
                rawEnd = strEnd;
                rawFlags = strFlags;
                return strEnd > strStart ? RAW_TEXT : "";
            }
            return decoded();
        }
        if (k != CONTAINER || b[pos] != '[') {
            skipValue();
            return null;
        }
        pos++;
        StringBuilder sb = scratch;
        sb.setLength(0);
        skipWs();
        if (peek() == ']') {
            pos++;
            return "";
        }
        do {
            int c = peek();
            if (c == '"') {
                scanString();
                appendDecoded(sb);
            } else if (c == '{') {
                pos++;
                entity(sb);
            } else {
                skipValue();
            }
        } while (another(']'));
        return sb.toString();
    }

    /** MessageParser.appendEntity, after the entity's opening brace. */
    private void entity(StringBuilder sb) {
        String entityText = null;
        String href = null;
        skipWs();
        if (peek() == '}') {
            pos++;
        } else {
            do {
                fieldName();
                if (nameIs(TEXT)) {
                    entityText = textOrNull();
                } else if (nameIs(HREF)) {
                    href = textOrNull();
                } else {
                    skipValue();
                }
            } while (another('}'));
        }
        MessageParser.appendEntity(sb, entityText, href);
    }

    /** MessageParser.readTitle for a poll's question. */
    private String pollQuestion() {
        if (kind() != CONTAINER || b[pos] != '{') {
            skipValue();
            return null;
        }
        pos++;
        String question = "";
        skipWs();
        if (peek() == '}') {
            pos++;
            return question;
        }
        do {
            fieldName();
            if (nameIs(QUESTION)) {
                String q = textOrNull();
                question = q == null ? "" : q;
            } else {
                skipValue();
            }
        } while (another('}'));
        return question;
    }

    /** After an array element or object member: true at a comma (skipping to what follows), false at {@code close}. */
    private boolean another(int close) {
        skipWs();
        int c = next();
        if (c == close) {
            return false;
        }
        if (c != ',') {
            throw ABANDON;
        }
        skipWs();
        return true;
    }

    // ---- Tokens ----

    private int kind() {
        int c = peek();
        if (c == '"') {
            return STRING;
        }
        if (c == '{' || c == '[') {
            return CONTAINER;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return NUMBER;
        }
        if (c == 't' || c == 'f' || c == 'n') {
            return LITERAL;
        }
        throw ABANDON;
    }

    /** Skips any value, checking it; {@link #pos} must be on its first byte. */
    private void skipValue() {
        skipValue(0);
    }

    private void skipValue(int depth) {
        switch (kind()) {
            case STRING -> scanString();
            case NUMBER -> skipNumber();
            case LITERAL -> literal();
            default -> {
                if (depth >= MAX_DEPTH) {
                    throw ABANDON;
                }
                boolean object = b[pos++] == '{';
                int close = object ? '}' : ']';
                skipWs();
                if (peek() == close) {
                    pos++;
                    return;
                }
                do {
                    if (object) {
                        if (peek() != '"') {
                            throw ABANDON;
                        }
                        scanString();
                        skipWs();
                        expect(':');
                        skipWs();
                    }
                    skipValue(depth + 1);
                } while (another(close));
            }
        }
    }

    /** true, false or null; returns its text, null for null. */
    private String literal() {
        if (matches("true")) {
            return "true";
        }
        if (matches("false")) {
            return "false";
        }
        if (matches("null")) {
            return null;
        }
        throw ABANDON;
    }

    private boolean matches(String word) {
        int n = word.length();
        if (end - pos < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[pos + i] != word.charAt(i)) {
                return false;
            }
        }
        // A literal must end there ("nullx" is not JSON); the caller checks what follows for separators.
        if (pos + n < end && isWordByte(b[pos + n])) {
            throw ABANDON;
        }
        pos += n;
        return true;
    }

    private static boolean isWordByte(int c) {
        return c < 0 || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /**
     * Skips a number in JSON's grammar, {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. Returns whether
     * it is an integer.
     */
    private boolean skipNumber() {
        byte[] b = this.b;
        int start = pos;
        int i = pos;
        if (i < end && b[i] == '-') {
            i++;
        }
        if (i >= end) {
            throw ABANDON;
        }
        if (b[i] == '0') {
            i++;
        } else if (b[i] >= '1' && b[i] <= '9') {
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
        } else {
            throw ABANDON;
        }
        boolean integer = true;
        if (i < end && b[i] == '.') {
            integer = false;
            i = requireDigits(i + 1);
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            integer = false;
            i++;
            if (i < end && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            i = requireDigits(i);
        }
        if (i - start > MAX_NUMBER_LENGTH || (i < end && (isWordByte(b[i]) || b[i] == '.'))) {
            // "01", "1x", "1.2.3": not JSON, or numbers too long for Jackson's defaults.
            throw ABANDON;
        }
        pos = i;
        return integer;
    }

    private int requireDigits(int from) {
        int i = from;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        if (i == from) {
            throw ABANDON;
        }
        return i;
    }

    /**
     * Checks the string at {@link #pos} (on its opening quote) and moves past it: escapes must be JSON's, bytes
     * well-formed UTF-8, no raw control characters. Sets {@link #strStart}, {@link #strEnd}, {@link #strFlags}.
     */
    private void scanString() {
        byte[] b = this.b;
        int i = pos + 1;
        int start = i;
        int limit = end;
        int flags = 0;
        while (true) {
            // Eight bytes at a time up to the first quote, backslash, control or non-ASCII byte.
            while (i <= limit - Long.BYTES) {
                long v = (long) LONGS.get(b, i);
                long q = v ^ QUOTES;
                long s = v ^ BACKSLASHES;
                long special = (((q - ONES) & ~q) | ((s - ONES) & ~s) | (v - SPACES) | v) & HIGHS;
                if (special != 0) {
                    // The lowest flagged byte is a true hit; borrows only spill into higher ones.
                    i += Long.numberOfTrailingZeros(special) >>> 3;
                    break;
                }
                i += Long.BYTES;
            }
            if (i >= limit) {
                throw ABANDON;
            }
            int c = b[i];
            if (c >= 0x20) {
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    flags |= ESCAPED;
                    i = escape(i + 1);
                } else {
                    i++;
                }
            } else if (c < 0) {
                flags |= NON_ASCII;
                i = utf8(i, c);
                // Non-ASCII text comes in runs (a word in Cyrillic): stay byte by byte while it lasts.
                while (i < limit && (c = b[i]) < 0) {
                    i = utf8(i, c);
                }
            } else {
                throw ABANDON;
            }
        }
        if (i - start > MAX_STRING_BYTES) {
            throw ABANDON;
        }
        strStart = start;
        strEnd = i;
        strFlags = flags;
        pos = i + 1;
    }

    /** Checks the escape whose letter is at {@code i}; returns the index after it. */
    private int escape(int i) {
        if (i >= end) {
            throw ABANDON;
        }
        switch (b[i]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return i + 1;
            }
            case 'u' -> {
                if (i + 4 >= end) {
                    throw ABANDON;
                }
                for (int k = 1; k <= 4; k++) {
                    if (hex(b[i + k]) < 0) {
                        throw ABANDON;
                    }
                }
                return i + 5;
            }
            default -> throw ABANDON;
        }
    }

    private static int hex(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /**
     * Checks one multi-byte UTF-8 sequence starting at {@code i} with lead byte {@code c} (negative); returns
     * the index after it. Well-formed means shortest form, no surrogates, at most U+10FFFF (Unicode table 3-7).
     */
    private int utf8(int i, int c) {
        byte[] b = this.b;
        int lead = c & 0xFF;
        int n;
        int lo = 0x80;
        int hi = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            n = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            n = 2;
            if (lead == 0xE0) {
                lo = 0xA0;
            } else if (lead == 0xED) {
                hi = 0x9F;
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            n = 3;
            if (lead == 0xF0) {
                lo = 0x90;
            } else if (lead == 0xF4) {
                hi = 0x8F;
            }
        } else {
            throw ABANDON;
        }
        if (i + n >= end) {
            throw ABANDON;
        }
        int second = b[i + 1] & 0xFF;
        if (second < lo || second > hi) {
            throw ABANDON;
        }
        for (int k = 2; k <= n; k++) {
            if ((b[i + k] & 0xC0) != 0x80) {
                throw ABANDON;
            }
        }
        return i + n + 1;
    }

    /** Whether the string scanned last is exactly {@code word} (ASCII). */
    private boolean stringIs(byte[] word) {
        if (strFlags != 0) {
            return decoded().equals(new String(word, StandardCharsets.US_ASCII));
        }
        if (strEnd - strStart != word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (b[strStart + i] != word[i]) {
                return false;
            }
        }
        return true;
    }

    /** The string scanned last, decoded. */
    private String decoded() {
        int len = strEnd - strStart;
        return switch (strFlags) {
            case 0 -> new String(b, strStart, len, StandardCharsets.ISO_8859_1);
            // Checked well-formed, so the JDK's (vectorised) decoder gives exactly Jackson's characters.
            case NON_ASCII -> new String(b, strStart, len, StandardCharsets.UTF_8);
            default -> {
                StringBuilder sb = new StringBuilder(len);
                appendDecoded(sb);
                yield sb.toString();
            }
        };
    }

    private void appendDecoded(StringBuilder sb) {
        if ((strFlags & ESCAPED) == 0) {
            sb.append(decoded());
            return;
        }
        byte[] b = this.b;
        int i = strStart;
        int stop = strEnd;
        while (i < stop) {
            int run = i;
            while (i < stop && b[i] != '\\') {
                i++;
            }
            if (i > run) {
                sb.append(new String(b, run, i - run, StandardCharsets.UTF_8));
            }
            if (i >= stop) {
                break;
            }
            byte e = b[i + 1];
            i += 2;
            switch (e) {
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append((char) (hex(b[i]) << 12 | hex(b[i + 1]) << 8 | hex(b[i + 2]) << 4 | hex(b[i + 3])));
                    i += 4;
                }
                default -> sb.append((char) e);
            }
        }
    }

    private void skipWs() {
        byte[] b = this.b;
        int i = pos;
        while (i < end) {
            byte c = b[i];
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                i++;
            } else {
                break;
            }
        }
        pos = i;
    }

    private int peek() {
        if (pos >= end) {
            throw ABANDON;
        }
        return b[pos];
    }

    private int next() {
        if (pos >= end) {
            throw ABANDON;
        }
        return b[pos++];
    }

    private void expect(char c) {
        if (pos >= end || b[pos] != c) {
            throw ABANDON;
        }
        pos++;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reuses the String of a sender name seen recently, keyed by its UTF-8 bytes. A chat has few senders and
     * millions of messages, so this saves a decode and an allocation per message; a miss simply decodes.
     */
    static final class NameCache {
        private static final int SLOTS = 256;
        private static final int MAX_LENGTH = 128;
        private final byte[][] keys = new byte[SLOTS][];
        private final String[] values = new String[SLOTS];

        String get(byte[] b, int off, int len, boolean nonAscii) {
            if (len > MAX_LENGTH) {
                return decode(b, off, len, nonAscii);
            }
            int h = len;
            for (int i = 0; i < len; i++) {
                h = 31 * h + b[off + i];
            }
            // Two-way: two names that share a slot would otherwise evict each other on every alternation.
            int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
            for (int way = 0; way < 2; way++) {
                byte[] key = keys[slot ^ way];
                if (key != null && java.util.Arrays.equals(key, 0, key.length, b, off, off + len)) {
                    return values[slot ^ way];
                }
            }
            if (keys[slot] != null && keys[slot ^ 1] == null) {
                slot ^= 1;
            }
            String fresh = decode(b, off, len, nonAscii);
            keys[slot] = java.util.Arrays.copyOfRange(b, off, off + len);
            values[slot] = fresh;
            return fresh;
        }

        private static String decode(byte[] b, int off, int len, boolean nonAscii) {
            return new String(b, off, len, nonAscii ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        }
    }
}
