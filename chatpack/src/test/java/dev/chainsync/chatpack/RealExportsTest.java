package dev.chainsync.chatpack;

import static dev.chainsync.chatpack.Fixtures.contents;
import static dev.chainsync.chatpack.Fixtures.input;
import static dev.chainsync.chatpack.Fixtures.readAll;
import static dev.chainsync.chatpack.Fixtures.senders;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exports in {@code real/} (see its README for where each comes from): every line a person wrote comes
 * out as one message, and only the app's own notices are left out.
 */
class RealExportsTest {

    @ParameterizedTest
    @CsvSource({
        "WHATSAPP,  real/whatsapp-chat-parser_short-chat.txt, 3, 2",
        "WHATSAPP,  real/whatsapp_ios_nl.txt,                 10, 3",
        "WHATSAPP,  real/whatsapp_pre2017_us.txt,             5, 1",
        "WHATSAPP,  real/whatsapp_android_pasted_line.txt,    4, 0",
        "TELEGRAM,  real/telegram_desktop_2025.json,          8, 1",
        "INSTAGRAM, real/instagram_group_2024.json,           4, 2",
        "DISCORD,   real/discord_dce_2019.csv,                4, 0",
    })
    void everyAuthoredMessageIsKeptAndNoticesOnlyWithService(
            Platform platform, String resource, int authored, int notices) {
        assertThat(readAll(platform, input(resource))).hasSize(authored);
        List<Message> withNotices = readAll(platform, new ReadOptions(true, true, null), input(resource));
        assertThat(withNotices).hasSize(authored + notices);
        assertThat(contents(withNotices).stream().filter(c -> c.startsWith("[Service")))
                .hasSize(notices);
    }

    @org.junit.jupiter.api.Test
    void aDutchIosChatKeepsItsMediaAndItsPeople() {
        List<Message> all = readAll(Platform.WHATSAPP, input("real/whatsapp_ios_nl.txt"));
        assertThat(contents(all))
                .containsExactly(
                        "Welkom! Zaterdag 9 uur bij de molen?",
                        "Ik ben erbij 🚲\nNeem ik de route van vorige keer mee?",
                        "[Photo]",
                        "Deze route, 62 km",
                        "[Video]",
                        "Dit bericht is verwijderd.",
                        "Tot zaterdag",
                        "[Sticker]",
                        "Ik kom ook!",
                        "image");
        assertThat(senders(all)).contains("+31 6 12345678").doesNotContain("Fietsclub");
    }
}
