package dev.chainsync.chatpack.cli;

import static dev.chainsync.chatpack.Fixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chainsync.chatpack.Platform;
import dev.chainsync.chatpack.bench.SyntheticExports;
import dev.chainsync.chatpack.tokens.TokenCounter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {

    @TempDir
    Path dir;

    /** What one run printed and returned. */
    record Run(int code, String out, String err) {}

    private Run run(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Io io = new Io(
                new ByteArrayInputStream(stdin),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                dir,
                false);
        int code = Main.run(args, io);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run run(String... args) {
        return run(new byte[0], args);
    }

    private Path copy(String resource) throws IOException {
        Path target = dir.resolve(Path.of(resource).getFileName().toString());
        Files.copy(resource(resource), target);
        return target;
    }

    private List<String> filesInDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theSummarySaysWhatWasSkippedAndHowToKeepNotices() throws IOException {
        copy("real/telegram_desktop_2025.json");
        Run r = run("tg", "telegram_desktop_2025.json", "--stats");
        assertThat(r.code()).isZero();
        assertThat(r.err())
                .contains("8 messages read, 8 kept, 7 written (merge 12.5% fewer), 4 skipped"
                        + " (1 notice, 1 empty, 2 other entries; --service keeps notices)")
                .containsPattern("skipped +4 +1 notice, 1 empty, 2 other entries");

        Run all = run("tg", "telegram_desktop_2025.json", "--service", "-o", "all.csv");
        assertThat(all.err()).contains("3 skipped (1 empty, 2 other entries)").doesNotContain("--service keeps");
    }

    @Test
    void convertsWithTheOriginalsDefaults() throws IOException {
        copy("telegram/single_chat.json");
        Run r = run("tg", "single_chat.json");
        assertThat(r.code()).isZero();
        assertThat(Files.readString(dir.resolve("optimized_chat.csv")))
                .startsWith("Sender;Content\nAlice Martin;\"Morning!");
        assertThat(r.err()).contains("Telegram -> optimized_chat.csv (CSV): 11 messages read, 11 kept, 7 written");
        assertThat(r.out()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "csv,optimized_chat.csv",
        "jsonl,optimized_chat.jsonl",
        "json,optimized_chat.json",
        "ndjson,optimized_chat.jsonl"
    })
    void defaultOutputNameFollowsTheFormat(String format, String expected) throws IOException {
        copy("telegram/single_chat.json");
        assertThat(run("telegram", "single_chat.json", "-f", format).code()).isZero();
        assertThat(dir.resolve(expected)).exists();
    }

    @Test
    void allOptionalColumnsInTheOriginalsOrder() throws IOException {
        copy("telegram/single_chat.json");
        assertThat(run("tg", "single_chat.json", "-t", "-r", "-e", "--ids", "--no-merge", "-o", "x.csv", "-q")
                        .code())
                .isZero();
        List<String> lines = Files.readAllLines(dir.resolve("x.csv"));
        assertThat(lines.getFirst()).isEqualTo("ID;Timestamp;Sender;Content;ReplyTo;Edited");
        assertThat(lines)
                .contains("104;2024-01-15 10:35:12;Bob Stone;\"I'm in; \"\"Ridge loop\"\" again?\";102;"
                        + "2024-01-15 10:36:00");
    }

    @Test
    void stdinToStdout() throws IOException {
        byte[] in = Files.readAllBytes(resource("whatsapp/android_us_12h.txt"));
        Run r = run(in, "wa", "-", "-o", "-", "--delimiter", "tab");
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .isEqualTo("Sender\tContent\nSam\tAre we still on for 12:30?\n"
                        + "Kim\t\"Yes\nRunning 5 min late\"\nSam\t[Voice message]\n");
        assertThat(r.err()).contains("-> stdout");
        assertThat(filesInDir()).isEmpty();
    }

    @Test
    void quietPrintsNothing() throws IOException {
        copy("discord/export.json");
        Run r = run("dc", "export.json", "-q");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void filtersFromTheCommandLine() throws IOException {
        copy("telegram/single_chat.json");
        Run r = run(
                "tg",
                "single_chat.json",
                "--from",
                "BOB STONE",
                "--after",
                "2024-01-15",
                "--before",
                "2024-01-15",
                "-o",
                "-",
                "--no-merge");
        assertThat(r.out())
                .isEqualTo("Sender;Content\nBob Stone;I'm in; \"Ridge loop\" again?\n"
                                .replace("I'm in; \"Ridge loop\" again?", "\"I'm in; \"\"Ridge loop\"\" again?\"")
                        + "Bob Stone;[Photo]\nBob Stone;[Photo] View from the top\n");
    }

    @Test
    void statsCountTokensOfInputAndOutputExactly() throws IOException {
        Path input = copy("telegram/single_chat.json");
        Run r = run("tg", "single_chat.json", "--stats", "-q");
        assertThat(r.code()).isZero();
        long tokensIn = TokenCounter.count(Files.readString(input));
        long tokensOut = TokenCounter.count(Files.readString(dir.resolve("optimized_chat.csv")));
        assertThat(number(r.err(), "tokens in")).isEqualTo(tokensIn);
        assertThat(number(r.err(), "tokens out")).isEqualTo(tokensOut);
        assertThat(number(r.err(), "messages in")).isEqualTo(11);
        assertThat(number(r.err(), "messages out")).isEqualTo(7);
        assertThat(number(r.err(), "bytes in")).isEqualTo(Files.size(input));
        assertThat(number(r.err(), "bytes out")).isEqualTo(Files.size(dir.resolve("optimized_chat.csv")));
        assertThat(r.err()).contains("cl100k_base").contains("merge ratio");
        assertThat(tokensOut).isLessThan(tokensIn / 3);
    }

    @Test
    void statsOnStdinCountWhatWasRead() throws IOException {
        byte[] in = Files.readAllBytes(resource("instagram/message_1.json"));
        Run r = run(in, "ig", "-", "-o", "-", "--stats");
        assertThat(r.code()).isZero();
        assertThat(number(r.err(), "bytes in")).isEqualTo(in.length);
        assertThat(number(r.err(), "tokens in")).isEqualTo(TokenCounter.count(new String(in, StandardCharsets.UTF_8)));
        assertThat(number(r.err(), "tokens out")).isEqualTo(TokenCounter.count(r.out()));
    }

    private static long number(String text, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "\\s+([\\d,]+)").matcher(text);
        assertThat(m.find()).as(label + " in:\n" + text).isTrue();
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    @ParameterizedTest
    @CsvSource({
        "telegram/single_chat.json,Telegram",
        "telegram/full_account.json,Telegram",
        "whatsapp/ios_us_12h.txt,WhatsApp",
        "instagram/message_1.json,Instagram",
        "discord/export.json,Discord",
        "discord/export.txt,Discord",
        "discord/export.csv,Discord"
    })
    void sourceAutoDetectsThePlatform(String resource, String platform) throws IOException {
        Path input = copy(resource);
        Run r = run("auto", input.getFileName().toString(), "-o", "out.csv");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("chatpack: " + platform + " -> out.csv");
    }

    @Test
    void sourceOptionWithSeveralInstagramParts() throws IOException {
        copy("instagram/message_1.json");
        copy("instagram/message_2.json");
        Run r = run("--source", "auto", "message_1.json", "message_2.json", "-o", "-", "-t", "--no-merge");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines()).hasSize(7).element(1).isEqualTo("2024-01-15 10:30:00;Leo;café tonight?");
    }

    @Test
    void autoOnStdin() throws IOException {
        byte[] in = Files.readAllBytes(resource("discord/export.json"));
        Run r = run(in, "auto", "-", "-o", "-", "-q");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("Sender;Content\nAna;\"fn main() {");
    }

    @Test
    void undetectableInputIsARuntimeError() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "just some notes\nnothing else\n");
        Run r = run("auto", "notes.txt");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("chatpack: error: notes.txt: cannot tell which platform");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "xx in.json",
                "tg",
                "tg in.json -f xml",
                "tg in.json --after 2024-13-01",
                "tg in.json --after 2024-02-01 --before 2024-01-01",
                "tg - - ",
                "tg in.json --delimiter ab",
                "tg in.json --delimiter \"",
                "tg in.json --bogus",
                "tg in.json --chat  "
            })
    void usageErrorsExitWithTwo(String line) {
        String[] args = line.isBlank() ? new String[0] : line.trim().split(" +");
        Run r = run(args);
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).isNotBlank();
        assertThat(r.out()).isEmpty();
    }

    @Test
    void missingFileExitsWithOneAndNamesIt() throws IOException {
        Run r = run("tg", "nope.json");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("chatpack: error: nope.json: no such file\n");
        assertThat(filesInDir()).isEmpty();
    }

    @Test
    void truncatedInputLeavesNoOutputAndKeepsAnOldOne() throws IOException {
        String whole = Files.readString(resource("telegram/single_chat.json"));
        Files.writeString(dir.resolve("cut.json"), whole.substring(0, whole.length() / 2));
        Files.writeString(dir.resolve("optimized_chat.csv"), "old result\n");
        Run r = run("tg", "cut.json");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).matches("chatpack: error: cut\\.json: line \\d+, column \\d+: truncated JSON.*\\n");
        assertThat(r.err().lines()).hasSize(1);
        assertThat(Files.readString(dir.resolve("optimized_chat.csv"))).isEqualTo("old result\n");
        assertThat(filesInDir()).containsExactly("cut.json", "optimized_chat.csv");
    }

    @Test
    void badBytesInALargeTelegramExportFailWithOneLineAndNoOutput() throws IOException {
        // Large enough to be read in blocks by worker threads that encode the CSV rows themselves.
        Path export = new SyntheticExports(3)
                .generate(Platform.TELEGRAM, dir.resolve("gen"), 20L << 20)
                .files()
                .getFirst();
        byte[] bytes = Files.readAllBytes(export);
        byte[] needle = "\"text\": \"".getBytes(StandardCharsets.US_ASCII);
        int at = bytes.length * 3 / 4;
        while (!Arrays.equals(bytes, at, at + needle.length, needle, 0, needle.length)) {
            at++;
        }
        bytes[at + needle.length] = (byte) 0xFF;
        Files.write(dir.resolve("broken.json"), bytes);
        Files.delete(export);
        Files.delete(export.getParent());
        Files.writeString(dir.resolve("optimized_chat.csv"), "old result\n");

        Run r = run("tg", "broken.json");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).matches("chatpack: error: broken\\.json: line \\d+, column \\d+: .*\\n");
        assertThat(r.err().lines()).hasSize(1);
        assertThat(Files.readString(dir.resolve("optimized_chat.csv"))).isEqualTo("old result\n");
        assertThat(filesInDir()).containsExactly("broken.json", "optimized_chat.csv");
    }

    @Test
    void wrongPlatformIsARuntimeError() throws IOException {
        copy("whatsapp/android_us_12h.txt");
        Run r = run("ig", "android_us_12h.txt", "-o", "out.json");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("chatpack: error: android_us_12h.txt: line 1, column ");
        assertThat(filesInDir()).containsExactly("android_us_12h.txt");
    }

    @Test
    void aFileForAnotherPlatformNamesThePlatformAndTheCommand() throws IOException {
        copy("whatsapp/android_us_12h.txt");
        Run r = run("tg", "android_us_12h.txt");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .startsWith("chatpack: error: android_us_12h.txt: ")
                .contains("it looks like a WhatsApp export: use 'chatpack wa android_us_12h.txt' (or 'chatpack auto')");
        assertThat(filesInDir()).containsExactly("android_us_12h.txt");
    }

    @Test
    void fromMatchingNobodySaysSoListsTheSendersAndKeepsTheOldOutput() throws IOException {
        copy("whatsapp/android_us_12h.txt");
        Files.writeString(dir.resolve("out.csv"), "earlier result\n");
        Run r = run("wa", "android_us_12h.txt", "--from", "Bobby", "-o", "out.csv");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .isEqualTo("chatpack: error: android_us_12h.txt: --from 'Bobby' matches none of the 4 messages read, "
                        + "so nothing was written; senders seen: Sam, Kim\n");
        assertThat(Files.readString(dir.resolve("out.csv"))).isEqualTo("earlier result\n");
        assertThat(filesInDir()).containsExactly("android_us_12h.txt", "out.csv");
    }

    @Test
    void theOriginalsNoStreamingOptionIsAccepted() throws IOException {
        copy("telegram/single_chat.json");
        Run r = run("tg", "single_chat.json", "--no-streaming", "-o", "-", "-q");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("Sender;Content\n");
    }

    @Test
    void anEmptyWhatsAppFileIsAnEmptyResult() throws IOException {
        Files.writeString(dir.resolve("_chat.txt"), "");
        Run r = run("wa", "_chat.txt", "-o", "-", "-q");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("Sender;Content\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void unknownDateFormatIsARuntimeError() throws IOException {
        Files.writeString(dir.resolve("chat.txt"), "2024/15/01 10:30 Ann: hi\n");
        Run r = run("wa", "chat.txt");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .startsWith("chatpack: error: chat.txt: line 1: not a WhatsApp message line (unknown date format");
        assertThat(filesInDir()).containsExactly("chat.txt");
    }

    @Test
    void outputIntoAMissingDirectoryIsARuntimeError() throws IOException {
        copy("telegram/single_chat.json");
        Run r = run("tg", "single_chat.json", "-o", "no/such/dir/out.csv");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("chatpack: error: ").contains("no/such/dir");
    }

    @Test
    void versionAndHelp() {
        Run v = run("-V");
        assertThat(v.code()).isZero();
        assertThat(v.out()).startsWith("chatpack ");
        Run h = run("--help");
        assertThat(h.code()).isZero();
        assertThat(h.out()).contains("--no-merge", "--delimiter", "--stats", "--source", "--chat", "Exit status");
    }

    @Test
    void benchRejectsABadSize() {
        Run r = run("bench", "--size", "lots");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Invalid --size");
    }
}
