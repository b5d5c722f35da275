package dev.chainsync.chatpack.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.Platform;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SourceDetectorTest {

    private static Platform detect(String head) {
        return SourceDetector.detect("x", head.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void jsonPlatformsByTheirOwnFieldNames() {
        assertThat(detect("{\"name\":\"A\",\"type\":\"personal_chat\",\"id\":1,\"messages\":[{\"id\":1,\"type\":"
                        + "\"message\",\"date\":\"2024-01-01T00:00:00\",\"date_unixtime\":\"1\""))
                .isEqualTo(Platform.TELEGRAM);
        assertThat(detect("{\"participants\":[{\"name\":\"A\"}],\"messages\":["))
                .isEqualTo(Platform.INSTAGRAM);
        assertThat(detect("{\"guild\":{\"id\":\"1\"},\"channel\":{}}")).isEqualTo(Platform.DISCORD);
    }

    @Test
    void aTruncatedHeadStillCounts() {
        assertThat(detect("\uFEFF  {\"about\":\"x\",\"personal_information\":{\"user_id\":1,\"first_na"))
                .isEqualTo(Platform.TELEGRAM);
    }

    @Test
    void textFormats() {
        assertThat(detect("[15/01/2024, 10:30:00] Ann: hi\n")).isEqualTo(Platform.WHATSAPP);
        assertThat(detect("\u200E15/01/2024, 10:30 - Ann: hi\n")).isEqualTo(Platform.WHATSAPP);
        assertThat(detect("=".repeat(62) + "\nGuild: G\nChannel: c\n")).isEqualTo(Platform.DISCORD);
        assertThat(detect("AuthorID,Author,Date,Content,Attachments,Reactions\n"))
                .isEqualTo(Platform.DISCORD);
    }

    @Test
    void olderAndHeaderlessLayouts() {
        assertThat(detect("AuthorID;Author;Date;Content;Attachments;Reactions;\n"))
                .isEqualTo(Platform.DISCORD);
        assertThat(detect("[1/15/2024 14:30] alice\nhi\n")).isEqualTo(Platform.DISCORD);
        assertThat(detect("7/8/12, 3:20:08 PM: ROOT: text\n")).isEqualTo(Platform.WHATSAPP);
        assertThat(detect("2022/12/14, 13:34. - John Doe: text\n")).isEqualTo(Platform.WHATSAPP);
    }

    @Test
    void somethingElseIsAnError() {
        assertThatThrownBy(() -> detect("{\"foo\": [1, 2, 3]}"))
                .isInstanceOf(ChatpackException.class)
                .hasMessageStartingWith("x: cannot tell which platform");
        assertThatThrownBy(() -> detect("")).isInstanceOf(ChatpackException.class);
    }
}
