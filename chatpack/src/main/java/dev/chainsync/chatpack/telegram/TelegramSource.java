package dev.chainsync.chatpack.telegram;

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
import dev.chainsync.chatpack.io.Progress;
import java.io.IOException;

/**
 * Pulls messages out of one {@code result.json} with Jackson's streaming parser. The export is walked as a
 * small state machine (root object, {@code chats} wrapper, chat list, chat, messages array), so a full-account
 * export of many gigabytes is read in one pass with nothing but the current message in memory.
 */
final class TelegramSource implements MessageSource {

    private static final String SAVED_MESSAGES = "Saved Messages";

    /** Where the walk is: what kind of container the parser is inside. */
    private enum Frame {
        ROOT,
        CHATS_WRAPPER,
        CHAT_LIST,
        CHAT,
        MESSAGES
    }

    private static final int MAX_DEPTH = 8;

    private final String input;
    private final ChatSelection selection;
    private final Progress progress;
    private final JsonParser p;

    private final Frame[] stack = new Frame[MAX_DEPTH];
    private int depth = -1;
    private boolean started;
    private boolean sawMessages;

    // The chat whose messages are being read.
    private String chatName;
    private String chatType;
    private String chatId;
    private String rowChat;

    private final Skipped skipped = new Skipped();
    private final MessageParser messages;

    TelegramSource(ChatInput input, ReadOptions options, ChatSelection selection, Progress progress)
            throws IOException {
        this.input = input.name();
        this.selection = selection;
        this.progress = progress;
        this.messages = new MessageParser(input.name(), options, skipped);
        this.p = Json.parser(progress.meter(input.open()));
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
        if (!started) {
            started = true;
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw Json.error(
                        input, p, "not a Telegram export: expected a JSON object but found " + Json.describe(first));
            }
            push(Frame.ROOT);
        }
        while (depth >= 0) {
            Frame frame = stack[depth];
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new ChatpackException(
                        input,
                        Json.position(p.currentLocation()),
                        "truncated JSON: the input ends in the middle of a value");
            }
            switch (frame) {
                case MESSAGES -> {
                    if (t == JsonToken.END_ARRAY) {
                        depth--;
                    } else if (t == JsonToken.START_OBJECT) {
                        Message m = messages.read(p, rowChat);
                        if (m != null) {
                            return m;
                        }
                    } else {
                        throw Json.error(input, p, "expected a message object but found " + Json.describe(t));
                    }
                }
                case CHAT_LIST -> {
                    if (t == JsonToken.END_ARRAY) {
                        depth--;
                    } else if (t == JsonToken.START_OBJECT) {
                        chatName = null;
                        chatType = null;
                        chatId = null;
                        push(Frame.CHAT);
                    } else {
                        p.skipChildren();
                    }
                }
                case ROOT, CHATS_WRAPPER, CHAT -> {
                    if (t == JsonToken.END_OBJECT) {
                        depth--;
                        if (frame == Frame.ROOT && !sawMessages) {
                            throw new ChatpackException(
                                    input,
                                    null,
                                    "not a Telegram export: no \"messages\" or "
                                            + "\"chats\" found (is this another platform's file?)");
                        }
                    } else {
                        onField(frame, p.currentName());
                    }
                }
            }
        }
        return null;
    }

    /** Handles one field of the root, a {@code chats} wrapper, or a chat object; the parser is on its name. */
    private void onField(Frame frame, String name) throws IOException {
        JsonToken value = p.nextToken();
        switch (frame) {
            case ROOT -> {
                switch (name) {
                    case "name" -> chatName = Json.textOrNull(p);
                    case "type" -> chatType = Json.textOrNull(p);
                    case "id" -> chatId = Json.textOrNull(p);
                    case "messages" -> enterMessages(value, false);
                    case "chats", "left_chats" -> {
                        if (value == JsonToken.START_OBJECT) {
                            push(Frame.CHATS_WRAPPER);
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            case CHATS_WRAPPER -> {
                if (name.equals("list") && value == JsonToken.START_ARRAY) {
                    sawMessages = true;
                    push(Frame.CHAT_LIST);
                } else {
                    p.skipChildren();
                }
            }
            case CHAT -> {
                switch (name) {
                    case "name" -> chatName = Json.textOrNull(p);
                    case "type" -> chatType = Json.textOrNull(p);
                    case "id" -> chatId = Json.textOrNull(p);
                    case "messages" -> enterMessages(value, true);
                    default -> p.skipChildren();
                }
            }
            default -> throw new IllegalStateException(frame.name());
        }
    }

    private void enterMessages(JsonToken value, boolean fullExport) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw Json.error(input, p, "\"messages\" should be an array but is " + Json.describe(value));
        }
        sawMessages = true;
        // Telegram writes name, type and id before messages, so the chat is known by now.
        if (!selection.matches(chatLabel(), chatId)) {
            p.skipChildren();
            return;
        }
        // One chat picked or a single-chat export: no chat column. All chats of a full export: label each row.
        rowChat = fullExport && selection.all() ? chatLabel() : null;
        push(Frame.MESSAGES);
    }

    private String chatLabel() {
        return chatLabel(chatName, chatType, chatId);
    }

    /** A chat's name, or what to call it when Telegram wrote none (saved messages, a deleted contact). */
    static String chatLabel(String name, String type, String id) {
        if (name != null) {
            return name;
        }
        if ("saved_messages".equals(type)) {
            return SAVED_MESSAGES;
        }
        if ("personal_chat".equals(type)) {
            return MessageParser.DELETED_ACCOUNT;
        }
        return id == null ? null : "Chat " + id;
    }

    private void push(Frame f) {
        if (depth + 1 >= MAX_DEPTH) {
            throw Json.error(input, p, "unexpected nesting");
        }
        stack[++depth] = f;
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
        p.close();
    }
}
