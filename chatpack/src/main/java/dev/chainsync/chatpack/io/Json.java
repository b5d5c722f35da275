package dev.chainsync.chatpack.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.chainsync.chatpack.ChatpackException;
import java.io.IOException;
import java.io.InputStream;

/** The one JSON factory every reader shares, and translation of parser failures into one-line messages. */
public final class Json {

    /**
     * Byte-oriented, with field-name interning left on: readers switch on field names and the interned
     * strings make those comparisons cheap. No limit on document size, since exports may be gigabytes.
     */
    public static final JsonFactory FACTORY = JsonFactory.builder().build();

    private Json() {}

    /** A streaming parser over the given bytes; closing it closes the stream. */
    public static JsonParser parser(InputStream in) throws IOException {
        return FACTORY.createParser(in);
    }

    /** {@code line L, column C} of a location. */
    public static String position(JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 0) {
            return null;
        }
        return "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    /** A format error at the parser's current token. */
    public static ChatpackException error(String input, JsonParser p, String problem) {
        return new ChatpackException(input, position(p.currentTokenLocation()), problem);
    }

    /** Turns a Jackson read failure into a one-line message with the position. */
    public static ChatpackException translate(String input, StreamReadException e) {
        String where = position(e.getLocation());
        String problem;
        if (e instanceof JsonEOFException) {
            problem = "truncated JSON: the input ends in the middle of a value";
        } else {
            problem = "invalid JSON: " + clean(e.getOriginalMessage());
        }
        return new ChatpackException(input, where, problem, e);
    }

    /** Requires the current token to be {@code expected}, else reports what the export should have had. */
    public static void expect(String input, JsonParser p, JsonToken expected, String what) {
        if (p.currentToken() != expected) {
            throw error(input, p, "expected " + what + " but found " + describe(p.currentToken()));
        }
    }

    /** A readable name of a token for messages. */
    public static String describe(JsonToken t) {
        if (t == null) {
            return "the end of the input";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case END_OBJECT, END_ARRAY -> "the end of a container";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case FIELD_NAME -> "a field name";
            default -> t.name();
        };
    }

    /** Returns the value as text (numbers included), or null for JSON null. */
    public static String textOrNull(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        return p.getText();
    }

    /**
     * Parses the current string or number token as a long without allocating a String (Telegram writes epoch
     * seconds as strings). Returns {@code fallback} when the token is not a plain decimal integer.
     */
    public static long longValue(JsonParser p, long fallback) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        if (t != JsonToken.VALUE_STRING) {
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                p.skipChildren();
            }
            return fallback;
        }
        char[] chars = p.getTextCharacters();
        int off = p.getTextOffset();
        int len = p.getTextLength();
        if (len == 0 || len > 18) {
            return fallback;
        }
        long v = 0;
        int i = 0;
        boolean negative = chars[off] == '-';
        if (negative) {
            i = 1;
            if (len == 1) {
                return fallback;
            }
        }
        for (; i < len; i++) {
            char c = chars[off + i];
            if (c < '0' || c > '9') {
                return fallback;
            }
            v = v * 10 + (c - '0');
        }
        return negative ? -v : v;
    }

    private static String clean(String message) {
        if (message == null) {
            return "unreadable value";
        }
        String s = message;
        int nl = s.indexOf('\n');
        if (nl >= 0) {
            s = s.substring(0, nl);
        }
        // Jackson appends a redacted source description that tells the user nothing.
        int src = s.indexOf(" (start marker at [Source");
        if (src < 0) {
            src = s.indexOf(" at [Source");
        }
        if (src >= 0) {
            s = s.substring(0, src);
        }
        return Text.strip(s);
    }
}
