package dev.chainsync.chatpack.telegram;

import static dev.chainsync.chatpack.Fixtures.drain;
import static dev.chainsync.chatpack.Fixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.Message;
import dev.chainsync.chatpack.ReadOptions;
import dev.chainsync.chatpack.io.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Newer Telegram Desktop fields and entry kinds, read the same by the Jackson reader and the block reader. */
class TelegramRealLayoutTest {

    private static final Path EXPORT = resource("real/telegram_desktop_2025.json");

    private static List<Message> sequential(ReadOptions options) throws IOException {
        return drain(new TelegramSource(
                ChatInput.of(EXPORT), options, new ChatSelection(options.chat()), new Progress(-1, 1)));
    }

    private static List<Message> blocks(ReadOptions options) throws IOException {
        return drain(new ParallelTelegramSource(
                ChatInput.of(EXPORT), options, new ChatSelection(options.chat()), new Progress(-1, 1), 2));
    }

    private static Message byId(List<Message> messages, String id) {
        return messages.stream().filter(m -> id.equals(m.id())).findFirst().orElseThrow();
    }

    @Test
    void newerMediaKindsArePlaceholdersNotDropped() throws IOException {
        List<Message> all = sequential(ReadOptions.DEFAULTS);
        assertThat(byId(all, "4").content()).isEqualTo("[To-do list: Saturday]");
        assertThat(byId(all, "5").content()).isEqualTo("[Giveaway]");
        assertThat(byId(all, "6").content()).isEqualTo("[Giveaway results]");
        assertThat(byId(all, "7").content()).isEqualTo("[Location: Dice & Slice Café]");
    }

    @Test
    void whitespaceOnlyTextAndEntriesThatAreNotMessagesAreSkipped() throws IOException {
        List<Message> all = sequential(ReadOptions.DEFAULTS);
        assertThat(all).extracting(Message::id).containsExactly("2", "3", "4", "5", "6", "7", "9", "12");
        // --service keeps service entries, never "action" or unknown kinds.
        assertThat(sequential(new ReadOptions(true, true, null)))
                .extracting(Message::id)
                .containsExactly("1", "2", "3", "4", "5", "6", "7", "9", "12");
    }

    @Test
    void aLinkWhoseTextIsItsTargetIsWrittenOnce() throws IOException {
        assertThat(byId(sequential(ReadOptions.DEFAULTS), "3").content()).isEqualTo("example.org/rules read them");
    }

    @Test
    void theBlockReaderAgrees() throws IOException {
        for (ReadOptions options :
                List.of(ReadOptions.DEFAULTS, new ReadOptions(false, true, null), new ReadOptions(true, true, null))) {
            assertThat(blocks(options)).isEqualTo(sequential(options));
        }
    }
}
