package dev.chainsync.chatpack.discord;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.MessageSource;
import dev.chainsync.chatpack.ReadOptions;
import dev.chainsync.chatpack.Skipped;
import dev.chainsync.chatpack.io.Json;
import dev.chainsync.chatpack.io.Text;
import dev.chainsync.chatpack.io.Times;
import java.io.IOException;
import java.io.InputStream;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Set;

/**
 * Streams a DiscordChatExporter JSON export. A real JSON parser, not brace counting, so braces inside message
 * text cannot derail it (the original's streaming reader broke on them).
 */
final class DiscordJsonSource implements MessageSource {

    private final Skipped skipped = new Skipped();

    @Override
    public Skipped.Counts skipped() {
        return skipped.counts();
    }

    /**
     * DiscordChatExporter's system notifications are kinds 1 to 18 (joins, pins, calls, renames, boosts);
     * it writes a known kind by name and an unknown one as its number.
     */
    private static final Set<String> SYSTEM_KINDS = Set.of(
            "RecipientAdd",
            "RecipientRemove",
            "Call",
            "ChannelNameChange",
            "ChannelIconChange",
            "ChannelPinnedMessage",
            "GuildMemberJoin",
            "UserPremiumGuildSubscription",
            "UserPremiumGuildSubscriptionTier1",
            "UserPremiumGuildSubscriptionTier2",
            "UserPremiumGuildSubscriptionTier3",
            "ChannelFollowAdd",
            "GuildDiscoveryDisqualified",
            "GuildDiscoveryRequalified",
            "GuildDiscoveryGracePeriodInitialWarning",
            "GuildDiscoveryGracePeriodFinalWarning",
            "ThreadCreated");

    private static final int LAST_SYSTEM_KIND = 18;
    private static final String UNKNOWN_SENDER = "Unknown";

    private final String input;
    private final ReadOptions options;
    private final JsonParser p;
    private boolean started;
    private boolean inMessages;
    private boolean done;

    /** One message, or its forwarded copy: the parts that become text. */
    private static final class Body {
        String content = "";
        final StringBuilder media = new StringBuilder();
        String embed;

        void reset() {
            content = "";
            media.setLength(0);
            embed = null;
        }
    }

    private final Body own = new Body();
    private final Body forwarded = new Body();

    DiscordJsonSource(String input, InputStream in, ReadOptions options) throws IOException {
        this.input = input;
        this.options = options;
        this.p = Json.parser(in);
    }

    @Override
    public Message next() throws IOException {
        try {
            return advance();
        } catch (StreamReadException e) {
            throw Json.translate(input, e);
        }
    }

    private Message advance() throws IOException {
        if (done) {
            return null;
        }
        if (!started) {
            started = true;
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw Json.error(
                        input, p, "not a Discord export: expected a JSON object but found " + Json.describe(first));
            }
            if (!seekMessages()) {
                done = true;
                throw new ChatpackException(
                        input, null, "not a Discord export: no \"messages\" found (is this another platform's file?)");
            }
            inMessages = true;
        }
        while (inMessages) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.END_ARRAY) {
                inMessages = false;
                done = true;
                return null;
            }
            if (t != JsonToken.START_OBJECT) {
                throw Json.error(input, p, "expected a message object but found " + Json.describe(t));
            }
            Message m = readMessage();
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    /** Skips guild, channel and the rest up to the messages array. */
    private boolean seekMessages() throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals("messages")) {
                if (v != JsonToken.START_ARRAY) {
                    throw Json.error(input, p, "\"messages\" should be an array but is " + Json.describe(v));
                }
                return true;
            }
            p.skipChildren();
        }
        return false;
    }

    private Message readMessage() throws IOException {
        String id = null;
        String type = null;
        String timestamp = null;
        String edited = null;
        Author author = null;
        boolean authorSeen = false;
        String replyTo = null;
        boolean isForward = false;
        own.reset();
        forwarded.reset();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "id" -> id = Json.textOrNull(p);
                case "type" -> type = Json.textOrNull(p);
                case "timestamp" -> timestamp = Json.textOrNull(p);
                case "timestampEdited" -> edited = Json.textOrNull(p);
                case "content" -> own.content = nonNull(Json.textOrNull(p));
                case "author" -> {
                    authorSeen = true;
                    author = readAuthor(v);
                }
                case "attachments" -> readAttachments(v, own);
                case "stickers" -> readStickers(v, own);
                case "embeds" -> readEmbeds(v, own);
                case "reference" -> {
                    Reference ref = readReference(v);
                    // A forward also carries a reference; only a reply is a reply.
                    if (ref != null && "Forward".equals(ref.type())) {
                        isForward = true;
                    } else if (ref != null) {
                        replyTo = ref.messageId();
                    }
                }
                case "forwardedMessage" -> {
                    if (v == JsonToken.START_OBJECT) {
                        isForward = true;
                        readForwarded();
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw Json.error(input, p, "malformed message object");
        }
        if (!authorSeen || timestamp == null) {
            throw Json.error(
                    input,
                    p,
                    "not a Discord message (no \"author\" or \"timestamp\"); " + "is this another platform's export?");
        }
        String content;
        if (isSystem(type)) {
            if (!options.serviceMessages()) {
                skipped.notice();
                return null;
            }
            content = Text.isBlank(own.content) ? "[Service: " + type + "]" : "[Service: " + type + "] " + own.content;
        } else {
            content = compose(isForward);
        }
        if (content == null) {
            skipped.empty();
            return null;
        }
        String sender = author == null ? UNKNOWN_SENDER : author.displayName();
        return new Message(
                null, sender, content, parseTime(timestamp), snowflake(id), snowflake(replyTo), parseTime(edited));
    }

    /** A message's author as the export names it. */
    private record Author(String name, String nickname) {
        /** The server nickname, else the account name, else "Unknown". */
        String displayName() {
            return nickname != null && !Text.isBlank(nickname)
                    ? nickname
                    : name != null && !Text.isBlank(name) ? name : UNKNOWN_SENDER;
        }
    }

    /** Reads an {@code author} value; null (skipped) when it is not an object. */
    private Author readAuthor(JsonToken v) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String name = null;
        String nickname = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            switch (f) {
                case "name" -> name = Json.textOrNull(p);
                case "nickname" -> nickname = Json.textOrNull(p);
                default -> p.skipChildren();
            }
        }
        return new Author(name, nickname);
    }

    /** A message's {@code reference}: a reply's or a forward's. */
    private record Reference(String type, String messageId) {}

    /** Reads a {@code reference} value; null (skipped) when it is not an object. */
    private Reference readReference(JsonToken v) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String refType = null;
        String refId = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            switch (f) {
                case "messageId" -> refId = Json.textOrNull(p);
                case "type" -> refType = Json.textOrNull(p);
                default -> p.skipChildren();
            }
        }
        return new Reference(refType, refId);
    }

    private static boolean isSystem(String type) {
        if (type == null) {
            return false;
        }
        if (SYSTEM_KINDS.contains(type)) {
            return true;
        }
        if (!type.isEmpty() && type.chars().allMatch(Character::isDigit) && type.length() < 4) {
            int kind = Integer.parseInt(type);
            return kind >= 1 && kind <= LAST_SYSTEM_KIND;
        }
        return false;
    }

    /** Own media, own text, then the forwarded message marked as such; null when nothing remains. */
    private String compose(boolean isForward) {
        StringBuilder sb = new StringBuilder(own.content.length() + 16);
        appendBody(sb, own);
        if (isForward) {
            StringBuilder fwd = new StringBuilder();
            appendBody(fwd, forwarded);
            if (!fwd.isEmpty()) {
                Attachments.append(sb, "[Forwarded] " + fwd);
            }
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    /**
     * A Discord id is a snowflake, a decimal number; anything else (a hand-edited or foreign file) is no id,
     * as the original treats it, rather than a value that could be taken for one.
     */
    static String snowflake(String id) {
        if (id == null || id.isEmpty()) {
            return null;
        }
        for (int i = 0; i < id.length(); i++) {
            if (id.charAt(i) < '0' || id.charAt(i) > '9') {
                return null;
            }
        }
        return id;
    }

    private void appendBody(StringBuilder sb, Body body) {
        if (options.media()) {
            Attachments.append(sb, body.media.toString());
            // Link previews repeat the URL already in the text; an embed matters only on its own.
            if (Text.isBlank(body.content) && body.media.isEmpty() && body.embed != null) {
                Attachments.append(sb, body.embed);
            }
        }
        if (!Text.isBlank(body.content)) {
            Attachments.append(sb, body.content);
        }
    }

    private void readForwarded() throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "content" -> forwarded.content = nonNull(Json.textOrNull(p));
                case "attachments" -> readAttachments(v, forwarded);
                case "stickers" -> readStickers(v, forwarded);
                case "embeds" -> readEmbeds(v, forwarded);
                default -> p.skipChildren();
            }
        }
    }

    private void readAttachments(JsonToken v, Body body) throws IOException {
        forEachObject(v, () -> {
            String fileName = null;
            String url = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                switch (f) {
                    case "fileName" -> fileName = Json.textOrNull(p);
                    case "url" -> url = Json.textOrNull(p);
                    default -> p.skipChildren();
                }
            }
            Attachments.append(body.media, Attachments.attachment(fileName != null ? fileName : url));
        });
    }

    private void readStickers(JsonToken v, Body body) throws IOException {
        forEachObject(v, () -> {
            String stickerName = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                if (f.equals("name")) {
                    stickerName = Json.textOrNull(p);
                } else {
                    p.skipChildren();
                }
            }
            Attachments.append(body.media, Attachments.sticker(stickerName));
        });
    }

    private void readEmbeds(JsonToken v, Body body) throws IOException {
        forEachObject(v, () -> {
            String title = null;
            String url = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                switch (f) {
                    case "title" -> title = Json.textOrNull(p);
                    case "url" -> url = Json.textOrNull(p);
                    default -> p.skipChildren();
                }
            }
            if (body.embed == null) {
                String what = title != null && !Text.isBlank(title) ? title : url;
                body.embed = what == null || Text.isBlank(what) ? "[Embed]" : "[Embed: " + what + "]";
            }
        });
    }

    @FunctionalInterface
    private interface ObjectReader {
        void read() throws IOException;
    }

    /** Calls {@code reader} on each object of an array (parser left on the object's start). */
    private void forEachObject(JsonToken v, ObjectReader reader) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.START_OBJECT) {
                reader.read();
            } else {
                p.skipChildren();
            }
        }
    }

    private Instant parseTime(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Times.parseIso(value);
        } catch (DateTimeException e) {
            throw Json.error(input, p, "unknown date format '" + value + "'");
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void close() throws IOException {
        p.close();
    }
}
