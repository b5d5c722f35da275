package dev.chainsync.chatpack.detect;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.Platform;
import dev.chainsync.chatpack.discord.DiscordReader;
import dev.chainsync.chatpack.io.Json;
import dev.chainsync.chatpack.io.Utf8;
import dev.chainsync.chatpack.whatsapp.WhatsAppReader;
import java.io.IOException;
import java.io.InputStream;

/**
 * Tells the platform from an export's first bytes ({@code --source auto}). JSON exports are told apart by
 * field names only one platform uses; text exports by their first lines.
 */
public final class SourceDetector {

    /** How much of the input is examined; the decisive fields come within the first message or two. */
    public static final int HEAD_BYTES = 64 * 1024;
    /** Field names past which the head stops being worth scanning. */
    private static final int MAX_FIELDS = 2_000;

    private static final int MAX_TEXT_LINES = 50;

    private SourceDetector() {}

    /** Reads the head of a file input and detects its platform. */
    public static Platform detect(ChatInput input) throws IOException {
        if (!input.reopenable()) {
            throw new IllegalArgumentException("detection needs a file; buffer a stream and use detect(name, head)");
        }
        byte[] head;
        try (InputStream in = input.open()) {
            head = in.readNBytes(HEAD_BYTES);
        }
        return detect(input.name(), head);
    }

    /**
     * Detects the platform from the first bytes of an export.
     *
     * @throws ChatpackException when no platform fits
     */
    public static Platform detect(String name, byte[] head) {
        String text = Utf8.decode(head);
        String trimmed = text.replace("\uFEFF", "").stripLeading();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            Platform p = fromJsonFields(head);
            if (p != null) {
                return p;
            }
        }
        // Not JSON, or JSON nobody claims: an iOS WhatsApp line also starts with '['.
        if (trimmed.startsWith("==========") && trimmed.contains("\nGuild: ")) {
            return Platform.DISCORD;
        }
        if (trimmed.startsWith("AuthorID,") || trimmed.startsWith("AuthorID;") || trimmed.startsWith("\"AuthorID\",")) {
            return Platform.DISCORD;
        }
        String[] lines = trimmed.split("\r?\n", MAX_TEXT_LINES + 1);
        // A Discord TXT export without its Guild/Channel block starts at a header such as [1/15/2024 10:30 AM]
        // alice: a name alone after the date, where a WhatsApp line has "Name: text".
        if (lines.length > 0 && DiscordReader.isMessageHeader(lines[0]) && !lines[0].contains(": ")) {
            return Platform.DISCORD;
        }
        for (int i = 0; i < Math.min(lines.length, MAX_TEXT_LINES); i++) {
            if (WhatsAppReader.isMessageLine(lines[i])) {
                return Platform.WHATSAPP;
            }
        }
        throw new ChatpackException(
                name,
                null,
                "cannot tell which platform this export comes from; "
                        + "name it instead of 'auto': telegram, whatsapp, instagram or discord");
    }

    private static Platform fromJsonFields(byte[] head) {
        try (JsonParser p = Json.FACTORY.createParser(head)) {
            int fields = 0;
            JsonToken t;
            while ((t = p.nextToken()) != null && fields < MAX_FIELDS) {
                if (t != JsonToken.FIELD_NAME) {
                    continue;
                }
                fields++;
                switch (p.currentName()) {
                    case "sender_name", "timestamp_ms", "participants", "is_geoblocked_for_viewer" -> {
                        return Platform.INSTAGRAM;
                    }
                    case "guild", "timestampEdited", "isPinned", "inlineEmojis" -> {
                        return Platform.DISCORD;
                    }
                    case "date_unixtime",
                            "from_id",
                            "text_entities",
                            "personal_information",
                            "frequent_contacts",
                            "left_chats" -> {
                        return Platform.TELEGRAM;
                    }
                    default -> {
                        // Not decisive.
                    }
                }
            }
        } catch (StreamReadException truncatedHead) {
            // The head ends mid-document; whatever was seen before that still counts.
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
