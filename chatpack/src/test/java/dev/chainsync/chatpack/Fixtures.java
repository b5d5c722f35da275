package dev.chainsync.chatpack;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: fixture paths, reading a whole source, converting to a string. */
public final class Fixtures {

    private Fixtures() {}

    /** A file under src/test/resources. */
    public static Path resource(String name) {
        URL url = Fixtures.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalArgumentException("no test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ChatInput input(String resource) {
        return ChatInput.of(resource(resource));
    }

    public static ChatInput text(String name, String content) {
        return ChatInput.of(name, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    }

    /** Every message of the inputs, read with the given options. */
    public static List<Message> readAll(Platform platform, ReadOptions options, ChatInput... inputs) {
        try {
            return drain(ChatPack.open(platform, List.of(inputs), options));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every message a source gives, then closes it. */
    public static List<Message> drain(MessageSource source) throws IOException {
        List<Message> out = new ArrayList<>();
        try (source) {
            Message m;
            while ((m = source.next()) != null) {
                out.add(m);
            }
        }
        return out;
    }

    public static List<Message> readAll(Platform platform, ChatInput... inputs) {
        return readAll(platform, ReadOptions.DEFAULTS, inputs);
    }

    /** The whole conversion's output as text. */
    public static String convert(Platform platform, ConvertOptions options, ChatInput... inputs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChatPack.convert(platform, List.of(inputs), options, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public static List<String> senders(List<Message> messages) {
        return messages.stream().map(Message::sender).toList();
    }

    public static List<String> contents(List<Message> messages) {
        return messages.stream().map(Message::content).toList();
    }
}
