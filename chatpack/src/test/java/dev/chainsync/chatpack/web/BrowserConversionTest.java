package dev.chainsync.chatpack.web;

import static dev.chainsync.chatpack.Fixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.ChatPack;
import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.ConvertOptions;
import dev.chainsync.chatpack.OutputFormat;
import dev.chainsync.chatpack.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The page's conversion on the JVM: bytes in memory, the single-threaded opener, the same output as a file
 * through the library, which is what the CLI runs. The browser itself is tested in BrowserPageTest.
 */
class BrowserConversionTest {

    private static final ConvertOptions ALL_COLUMNS = ConvertOptions.builder()
            .format(OutputFormat.JSONL)
            .timestamps(true)
            .replies(true)
            .edited(true)
            .ids(true)
            .build();

    @ParameterizedTest
    @CsvSource({
        "telegram/full_account.json, TELEGRAM",
        "whatsapp/android_24h_dayfirst.txt, WHATSAPP",
        "instagram/message_2.json, INSTAGRAM",
        "discord/export.csv, DISCORD"
    })
    void bytesInMemoryConvertAsTheFileDoes(String fixture, Platform platform) throws IOException {
        Path file = resource(fixture);
        List<Double> progress = new ArrayList<>();

        BrowserConversion.Outcome out = BrowserConversion.convert(
                file.getFileName().toString(),
                Files.readAllBytes(file),
                "auto",
                ALL_COLUMNS,
                (stage, fraction, read) -> progress.add(fraction));

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        long read = ChatPack.convert(platform, List.of(ChatInput.of(file)), ALL_COLUMNS, expected)
                .messagesRead();
        assertThat(out.platform()).isEqualTo(platform);
        assertThat(new String(out.output(), StandardCharsets.UTF_8))
                .isEqualTo(expected.toString(StandardCharsets.UTF_8))
                .isNotEmpty();
        assertThat(out.result().messagesRead()).isEqualTo(read);
    }

    @ParameterizedTest
    @CsvSource({"whatsapp, telegram/single_chat.json", "instagram, whatsapp/ios_us_12h.txt"})
    void theWrongPlatformIsAnExportError(String platform, String fixture) throws IOException {
        byte[] bytes = Files.readAllBytes(resource(fixture));

        assertThatThrownBy(
                        () -> BrowserConversion.convert("x", bytes, platform, ConvertOptions.DEFAULTS, (s, f, r) -> {}))
                .isInstanceOf(ChatpackException.class);
    }

    @ParameterizedTest
    @CsvSource({"tg, TELEGRAM", "Discord, DISCORD", "AUTO, WHATSAPP", "'', WHATSAPP"})
    void aPlatformIsNamedAsOnTheCommandLineOrDetected(String name, Platform expected) {
        byte[] chat = "1/15/24, 10:30 AM - Ann: hi\n".getBytes(StandardCharsets.UTF_8);

        assertThat(BrowserConversion.platform("chat.txt", chat, name)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"signal", "x"})
    void anUnknownPlatformNameIsRefused(String name) {
        assertThatThrownBy(() -> BrowserConversion.platform("chat.txt", new byte[0], name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name);
    }
}
