package dev.chainsync.chatpack;

import static dev.chainsync.chatpack.Fixtures.input;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every entry of an export that becomes no message is counted, by reason, on every platform: notices left out
 * without --service, messages with nothing to write, entries that are no message. Nothing is lost without a word.
 */
class SkippedTest {

    private static ConversionResult convert(Platform platform, String resource, ConvertOptions options)
            throws IOException {
        return ChatPack.convert(platform, List.of(input(resource)), options, OutputStream.nullOutputStream());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({
        // platform, fixture, notices, empty, other, what --service writes of the notices
        "WHATSAPP,  whatsapp/android_us_12h.txt,              1, 0, 0, 1",
        "WHATSAPP,  real/whatsapp_ios_nl.txt,                 3, 0, 0, 3",
        "WHATSAPP,  real/whatsapp-chat-parser_short-chat.txt, 2, 0, 0, 2",
        "TELEGRAM,  telegram/single_chat.json,                2, 0, 0, 2",
        "TELEGRAM,  real/telegram_desktop_2025.json,          1, 1, 2, 1",
        "INSTAGRAM, instagram/message_1.json,                 1, 0, 1, 1",
        "INSTAGRAM, real/instagram_group_2024.json,           2, 0, 0, 2",
        "DISCORD,   discord/export.json,                      3, 0, 0, 3",
    })
    void whatBecomesNoMessageIsCountedByReason(
            Platform platform, String fixture, long notices, long empty, long other, long noticesWritten)
            throws IOException {
        ConversionResult r = convert(platform, fixture, ConvertOptions.DEFAULTS);

        assertThat(r.skipped()).isEqualTo(new Skipped.Counts(notices, empty, other));

        // With --service the notices are written instead, and no longer counted as skipped.
        ConversionResult all = convert(
                platform,
                fixture,
                ConvertOptions.builder().serviceMessages(true).build());
        assertThat(all.messagesRead()).isEqualTo(r.messagesRead() + noticesWritten);
        assertThat(all.skipped().notices()).isZero();
        assertThat(all.skipped().total()).isEqualTo(r.skipped().total() - noticesWritten);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "DISCORD, discord/export.txt,        4",
        "DISCORD, discord/export.csv,        2",
        "DISCORD, real/discord_dce_2019.csv, 4",
    })
    void aLayoutWithoutNoticesSkipsNothingItCouldWrite(Platform platform, String fixture, long read)
            throws IOException {
        ConversionResult r = convert(platform, fixture, ConvertOptions.DEFAULTS);

        assertThat(r.messagesRead()).isEqualTo(read);
        assertThat(r.skipped()).isEqualTo(Skipped.Counts.NONE);
    }

    @Test
    void mediaLeftOutWithNoMediaIsCountedAsEmpty() throws IOException {
        ConvertOptions noMedia = ConvertOptions.builder().media(false).build();

        ConversionResult with = convert(Platform.WHATSAPP, "real/whatsapp_ios_nl.txt", ConvertOptions.DEFAULTS);
        ConversionResult without = convert(Platform.WHATSAPP, "real/whatsapp_ios_nl.txt", noMedia);

        long mediaOnly = with.messagesRead() - without.messagesRead();
        assertThat(mediaOnly).isPositive();
        assertThat(without.skipped().empty()).isEqualTo(with.skipped().empty() + mediaOnly);
    }

    @Test
    void severalFilesAddUp() throws IOException {
        ConversionResult one = convert(Platform.WHATSAPP, "whatsapp/android_us_12h.txt", ConvertOptions.DEFAULTS);
        ConversionResult two = ChatPack.convert(
                Platform.WHATSAPP,
                List.of(input("whatsapp/android_us_12h.txt"), input("real/whatsapp_ios_nl.txt")),
                ConvertOptions.DEFAULTS,
                OutputStream.nullOutputStream());

        assertThat(two.skipped().notices()).isEqualTo(one.skipped().notices() + 3);
    }

    @Test
    void theDescriptionNamesEachReason() {
        assertThat(new Skipped.Counts(2, 1, 1).describe()).isEqualTo("2 notices, 1 empty, 1 other entry");
        assertThat(new Skipped.Counts(1, 0, 3).describe()).isEqualTo("1 notice, 3 other entries");
        assertThat(Skipped.Counts.NONE.describe()).isEmpty();
    }
}
