package dev.chainsync.chatpack.bench;

import dev.chainsync.chatpack.Platform;
import dev.chainsync.chatpack.io.Times;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes synthetic exports shaped like the real ones (field order, indentation, media, replies, edits, service
 * messages, runs of messages by one sender), of a requested size, for benchmarks and token measurements.
 * Deterministic for a given seed. Bytes are written straight from pre-encoded words: generating a gigabyte
 * must not take longer than converting it.
 */
public final class SyntheticExports {

    /** Instagram splits a conversation into files of this many messages. */
    static final int INSTAGRAM_PART_MESSAGES = 10_000;

    private static final long START_EPOCH = 1_672_531_200L; // 2023-01-01T00:00:00Z
    private static final int BUFFER_BYTES = 1 << 16;

    private static final String[] NAMES = {
        "Alice Johnson",
        "Bob",
        "Carol Smith",
        "Dmitry Ivanov",
        "Eve",
        "Frank Miller",
        "Grace Lee",
        "Hiro Tanaka",
        "Ivan Petrov",
        "Julia",
        "Karim Haddad",
        "Lena Fischer"
    };
    private static final String[] WORDS =
            ("the a to and of in is it you that for on was with he as I be at by this had not are but from or have "
                            + "an they which one we all were there can your when use how said each she do their time if will way "
                            + "about many then them write would like so these her long make thing see him two has look more day "
                            + "could go come did number sound no most people my over know water than call first who may down side "
                            + "been now find any new work part take get place made live where after back little only round man "
                            + "year came show every good me give our under name very through just form sentence great think say "
                            + "help low line differ turn cause much mean before move right boy old too same tell does set three "
                            + "want air well also play small end put home read hand port large spell add even land here must big "
                            + "deploy build release merge branch review test bug fix docs meeting lunch tomorrow today tonight "
                            + "weekend project deadline client server database query cache latency ticket sprint standup ok "
                            + "thanks sure yes maybe exactly agreed lol haha nice cool great wow hmm okay "
                            + "привет спасибо да нет хорошо сегодня завтра встреча проект код ревью релиз "
                            + "😀 👍 🎉 🔥 ❤️ 🙏")
                    .split(" ");
    private static final String[] STICKERS = {"😀", "👍", "🎉", "🔥", "😂"};

    private final SplittableRandom random;
    private final byte[][] words;
    private final byte[][] names;

    public SyntheticExports(long seed) {
        this.random = new SplittableRandom(seed);
        this.words = encodeAll(WORDS);
        this.names = encodeAll(NAMES);
    }

    /** What was written. */
    public record Generated(List<Path> files, long messages, long bytes) {}

    /** Writes an export of at least {@code targetBytes} into {@code dir}. */
    public Generated generate(Platform platform, Path dir, long targetBytes) throws IOException {
        Files.createDirectories(dir);
        return switch (platform) {
            case TELEGRAM -> telegram(dir.resolve("result.json"), targetBytes);
            case WHATSAPP -> whatsapp(dir.resolve("_chat.txt"), targetBytes);
            case INSTAGRAM -> instagram(dir, targetBytes);
            case DISCORD -> discord(dir.resolve("export.json"), targetBytes);
        };
    }

    // ---- Telegram Desktop result.json (single chat, one-space indentation as Telegram writes it) ----

    Generated telegram(Path file, long targetBytes) throws IOException {
        long count = 0;
        try (Sink s = new Sink(file)) {
            s.ascii("{\n \"name\": \"Team chat\",\n \"type\": \"private_supergroup\",\n \"id\": 1234567890,\n"
                    + " \"messages\": [");
            long time = START_EPOCH;
            int sender = 0;
            while (s.written < targetBytes) {
                time += 1 + random.nextInt(240);
                sender = nextSender(sender);
                long id = ++count;
                s.ascii(id == 1 ? "\n  {\n" : ",\n  {\n");
                s.ascii("   \"id\": ").num(id).ascii(",\n");
                telegramMessage(s, id, time, sender);
            }
            s.ascii("\n ]\n}\n");
            return new Generated(List.of(file), count, s.written);
        }
    }

    /** The rest of one Telegram message object, after its id: a random kind of message, text or media. */
    private void telegramMessage(Sink s, long id, long time, int sender) throws IOException {
        int kind = random.nextInt(1000);
        if (kind < 10) {
            s.ascii("   \"type\": \"service\",\n");
            date(s, time);
            s.ascii("   \"actor\": \"")
                    .bytes(names[sender])
                    .ascii("\",\n   \"actor_id\": \"user")
                    .num(1_000_000 + sender)
                    .ascii("\",\n   \"action\": \"invite_members\",\n" + "   \"members\": [\n    \"")
                    .bytes(names[(sender + 1) % names.length])
                    .ascii("\"\n   ],\n   \"text\": \"\",\n   \"text_entities\": []\n  }");
            return;
        }
        s.ascii("   \"type\": \"message\",\n");
        date(s, time);
        if (kind < 15) {
            s.ascii("   \"from\": null,\n   \"from_id\": \"user999\",\n");
        } else {
            s.ascii("   \"from\": \"")
                    .bytes(names[sender])
                    .ascii("\",\n   \"from_id\": \"user")
                    .num(1_000_000 + sender)
                    .ascii("\",\n");
        }
        if (kind < 80 && id > 1) {
            s.ascii("   \"reply_to_message_id\": ")
                    .num(id - 1 - random.nextInt((int) Math.min(id - 1, 50)))
                    .ascii(",\n");
        }
        if (kind >= 80 && kind < 110) {
            s.ascii("   \"edited\": \"");
            isoLocal(s, time + 60);
            s.ascii("\",\n   \"edited_unixtime\": \"").num(time + 60).ascii("\",\n");
        }
        if (kind >= 110 && kind < 120) {
            s.ascii("   \"forwarded_from\": \"")
                    .bytes(names[random.nextInt(names.length)])
                    .ascii("\",\n");
        }
        if (kind >= 120 && kind < 160) {
            s.ascii("   \"photo\": \"(File not included. Change data exporting settings to download.)\",\n"
                    + "   \"photo_file_size\": 123456,\n   \"width\": 1280,\n   \"height\": 960,\n");
            if (random.nextInt(3) == 0) {
                textField(s, 2 + random.nextInt(6));
            } else {
                s.ascii("   \"text\": \"\",\n   \"text_entities\": []\n  }");
            }
            return;
        }
        if (kind >= 160 && kind < 180) {
            s.ascii("   \"file\": \"(File not included. Change data exporting settings to download.)\",\n"
                            + "   \"file_size\": 23456,\n   \"thumbnail\": \"(File not included. Change data "
                            + "exporting settings to download.)\",\n   \"thumbnail_file_size\": 4567,\n"
                            + "   \"media_type\": \"sticker\",\n   \"sticker_emoji\": \"")
                    .utf8(STICKERS[random.nextInt(STICKERS.length)])
                    .ascii("\",\n   \"width\": 512,\n   \"height\": 512,\n   \"text\": \"\",\n"
                            + "   \"text_entities\": []\n  }");
            return;
        }
        if (kind >= 180 && kind < 190) {
            s.ascii("   \"file\": \"(File not included. Change data exporting settings to download.)\",\n"
                            + "   \"file_size\": 34567,\n   \"media_type\": \"voice_message\",\n"
                            + "   \"mime_type\": \"audio/ogg\",\n   \"duration_seconds\": ")
                    .num(3 + random.nextInt(60))
                    .ascii(",\n   \"text\": \"\",\n   \"text_entities\": []\n  }");
            return;
        }
        if (kind >= 190 && kind < 220) {
            linkText(s);
            return;
        }
        textField(s, 1 + random.nextInt(random.nextInt(4) == 0 ? 40 : 14));
    }

    private void date(Sink s, long time) throws IOException {
        s.ascii("   \"date\": \"");
        isoLocal(s, time);
        s.ascii("\",\n   \"date_unixtime\": \"").num(time).ascii("\",\n");
    }

    private void textField(Sink s, int wordCount) throws IOException {
        s.ascii("   \"text\": \"");
        int textStart = s.mark();
        words(s, wordCount);
        byte[] text = s.copy(textStart);
        s.ascii("\",\n   \"text_entities\": [\n    {\n     \"type\": \"plain\",\n     \"text\": \"")
                .bytes(text)
                .ascii("\"\n    }\n   ]\n  }");
    }

    private void linkText(Sink s) throws IOException {
        s.ascii("   \"text\": [\n    \"");
        int start = s.mark();
        words(s, 3 + random.nextInt(6));
        byte[] before = s.copy(start);
        s.ascii(" \",\n    {\n     \"type\": \"text_link\",\n     \"text\": \"the docs\",\n"
                        + "     \"href\": \"https://example.com/docs/")
                .num(random.nextInt(1000))
                .ascii("\"\n    }\n   ],\n"
                        + "   \"text_entities\": [\n    {\n     \"type\": \"plain\",\n     \"text\": \"")
                .bytes(before)
                .ascii(" \"\n    },\n    {\n     \"type\": \"text_link\",\n     \"text\": \"the docs\",\n"
                        + "     \"href\": \"https://example.com/docs/1\"\n    }\n   ]\n  }");
    }

    // ---- WhatsApp iOS .txt ----

    Generated whatsapp(Path file, long targetBytes) throws IOException {
        long count = 0;
        try (Sink s = new Sink(file)) {
            long time = START_EPOCH;
            int sender = 0;
            s.utf8("[01/01/2023, 00:00:00] Team chat: \u200EMessages and calls are end-to-end encrypted. "
                    + "No one outside of this chat, not even WhatsApp, can read or listen to them.\n");
            while (s.written < targetBytes) {
                time += 1 + random.nextInt(240);
                sender = nextSender(sender);
                int kind = random.nextInt(1000);
                if (kind < 20) {
                    s.utf8("\u200E");
                }
                waHeader(s, time);
                if (kind < 5) {
                    s.ascii("Team chat: ")
                            .utf8("\u200E")
                            .bytes(names[sender])
                            .ascii(" added ")
                            .bytes(names[(sender + 3) % names.length])
                            .ascii("\n");
                    continue;
                }
                count++;
                s.bytes(names[sender]).ascii(": ");
                if (kind < 20) {
                    s.utf8("\u200Eimage omitted\n");
                    continue;
                }
                words(s, 1 + random.nextInt(random.nextInt(4) == 0 ? 40 : 14));
                s.ascii("\n");
                if (kind < 60) {
                    words(s, 2 + random.nextInt(10));
                    s.ascii("\n");
                }
            }
            return new Generated(List.of(file), count, s.written);
        }
    }

    private void waHeader(Sink s, long time) throws IOException {
        long days = Math.floorDiv(time, 86_400L);
        int secs = (int) Math.floorMod(time, 86_400L);
        int[] ymd = civil(days);
        s.ascii("[")
                .pad(ymd[2])
                .ascii("/")
                .pad(ymd[1])
                .ascii("/")
                .num(ymd[0])
                .ascii(", ")
                .pad(secs / 3600)
                .ascii(":")
                .pad(secs / 60 % 60)
                .ascii(":")
                .pad(secs % 60)
                .ascii("] ");
    }

    // ---- Instagram message_N.json parts, newest first, text in Instagram's mojibake ----

    Generated instagram(Path dir, long targetBytes) throws IOException {
        // Decide the message count first: parts are written newest first, so times run backwards.
        List<Path> files = new ArrayList<>();
        long written = 0;
        long count = 0;
        long time = START_EPOCH * 1000 + 400L * 86_400_000L;
        int part = 1;
        while (written < targetBytes) {
            Path file = dir.resolve("message_" + part++ + ".json");
            files.add(file);
            try (Sink s = new Sink(file)) {
                s.ascii("{\n  \"participants\": [\n");
                for (int i = 0; i < 4; i++) {
                    s.ascii(i == 0 ? "    {\n      \"name\": \"" : ",\n    {\n      \"name\": \"");
                    mojibake(s, names[i + 2]);
                    s.ascii("\"\n    }");
                }
                s.ascii("\n  ],\n  \"messages\": [");
                for (int m = 0; m < INSTAGRAM_PART_MESSAGES && written + s.written < targetBytes; m++) {
                    time -= 1000L * (1 + random.nextInt(240));
                    int sender = 2 + random.nextInt(4);
                    count++;
                    s.ascii(m == 0 ? "\n    {\n" : ",\n    {\n");
                    s.ascii("      \"sender_name\": \"");
                    mojibake(s, names[sender]);
                    s.ascii("\",\n      \"timestamp_ms\": ").num(time).ascii(",\n");
                    int kind = random.nextInt(100);
                    if (kind < 6) {
                        s.ascii("      \"content\": \"Reacted \\u00e2\\u009d\\u00a4 to your message \",\n");
                    } else if (kind < 12) {
                        s.ascii("      \"photos\": [\n        {\n          \"uri\": \"your_instagram_activity/"
                                        + "messages/inbox/team_123/photos/")
                                .num(time)
                                .ascii(".jpg\",\n" + "          \"creation_timestamp\": ")
                                .num(time / 1000)
                                .ascii("\n        }\n" + "      ],\n");
                    } else if (kind < 15) {
                        s.ascii("      \"share\": {\n        \"link\": \"https://www.instagram.com/p/")
                                .num(time % 100_000)
                                .ascii("/\"\n      },\n");
                        s.ascii("      \"content\": \"");
                        mojibake(s, names[sender]);
                        s.ascii(" sent an attachment.\",\n");
                    } else {
                        s.ascii("      \"content\": \"");
                        int start = s.mark();
                        words(s, 1 + random.nextInt(14));
                        byte[] text = s.copy(start);
                        s.truncate(start);
                        mojibake(s, text);
                        s.ascii("\",\n");
                    }
                    if (kind % 7 == 0) {
                        s.ascii("      \"reactions\": [\n        {\n          \"reaction\": \"\\u00f0\\u009f\\u0091"
                                + "\\u008d\",\n          \"actor\": \"Eve\"\n        }\n      ],\n");
                    }
                    s.ascii("      \"is_geoblocked_for_viewer\": false\n    }");
                }
                s.ascii("\n  ],\n  \"title\": \"Team\",\n  \"is_still_participant\": true,\n"
                        + "  \"thread_path\": \"inbox/team_123\",\n  \"magic_words\": []\n}\n");
                written += s.written;
            }
        }
        return new Generated(files, count, written);
    }

    /** Writes UTF-8 text the way Instagram does: every non-ASCII byte as a \\u00XX escape. */
    private static void mojibake(Sink s, byte[] utf8) throws IOException {
        for (byte b : utf8) {
            int v = b & 0xFF;
            if (v < 0x80) {
                s.raw(b);
            } else {
                s.ascii("\\u00").hex(v);
            }
        }
    }

    // ---- DiscordChatExporter JSON ----

    Generated discord(Path file, long targetBytes) throws IOException {
        long count = 0;
        try (Sink s = new Sink(file)) {
            s.ascii("{\n  \"guild\": {\n    \"id\": \"987654321098765432\",\n    \"name\": \"Builders\",\n"
                    + "    \"iconUrl\": \"https://cdn.discordapp.com/icons/1/2.png\"\n  },\n  \"channel\": {\n"
                    + "    \"id\": \"876543210987654321\",\n    \"type\": \"GuildTextChat\",\n"
                    + "    \"categoryId\": \"1\",\n    \"category\": \"Text\",\n    \"name\": \"general\",\n"
                    + "    \"topic\": null\n  },\n  \"dateRange\": {\n    \"after\": null,\n    \"before\": null\n"
                    + "  },\n  \"exportedAt\": \"2024-06-01T00:00:00+00:00\",\n  \"messages\": [");
            long time = START_EPOCH * 1000;
            long snowflake = 1_100_000_000_000_000_000L;
            int sender = 0;
            while (s.written < targetBytes) {
                time += 1000L * (1 + random.nextInt(240)) + random.nextInt(1000);
                snowflake += 1 + random.nextInt(1 << 22);
                sender = nextSender(sender);
                count++;
                int kind = random.nextInt(100);
                s.ascii(count == 1 ? "\n    {\n" : ",\n    {\n");
                s.ascii("      \"id\": \"")
                        .num(snowflake)
                        .ascii("\",\n      \"type\": \"")
                        .ascii(kind < 2 ? "GuildMemberJoin" : kind < 12 ? "Reply" : "Default")
                        .ascii("\",\n      \"timestamp\": \"");
                isoMillis(s, time);
                s.ascii("\",\n      \"timestampEdited\": null,\n      \"callEndedTimestamp\": null,\n"
                        + "      \"isPinned\": false,\n      \"content\": \"");
                if (kind >= 2 && kind < 95) {
                    words(s, 1 + random.nextInt(random.nextInt(4) == 0 ? 40 : 14));
                    if (kind % 11 == 0) {
                        s.ascii(" {braces} in text");
                    }
                }
                s.ascii("\",\n      \"author\": {\n        \"id\": \"")
                        .num(100_000_000_000_000_000L + sender)
                        .ascii("\",\n        \"name\": \"user")
                        .num(sender)
                        .ascii("\",\n        \"discriminator\": " + "\"0000\",\n        \"nickname\": \"")
                        .bytes(names[sender])
                        .ascii("\",\n        \"color\": null,\n        \"isBot\": false,\n        \"roles\": [],\n"
                                + "        \"avatarUrl\": \"https://cdn.discordapp.com/embed/avatars/0.png\"\n"
                                + "      },\n      \"attachments\": [");
                if (kind >= 95) {
                    s.ascii("\n        {\n          \"id\": \"")
                            .num(snowflake + 1)
                            .ascii("\",\n          \"url\": "
                                    + "\"https://cdn.discordapp.com/attachments/1/2/screenshot.png\",\n"
                                    + "          \"fileName\": \"screenshot.png\",\n          \"fileSizeBytes\": 123456\n"
                                    + "        }\n      ");
                }
                s.ascii("],\n      \"embeds\": [],\n      \"stickers\": [],\n      \"reactions\": [],\n"
                        + "      \"mentions\": [],\n");
                if (kind >= 2 && kind < 12) {
                    s.ascii("      \"reference\": {\n        \"messageId\": \"")
                            .num(snowflake - 5000)
                            .ascii("\",\n        \"channelId\": \"876543210987654321\",\n        \"guildId\": "
                                    + "\"987654321098765432\"\n      },\n");
                }
                s.ascii("      \"inlineEmojis\": []\n    }");
            }
            s.ascii("\n  ],\n  \"messageCount\": ").num(count).ascii("\n}\n");
            return new Generated(List.of(file), count, s.written);
        }
    }

    // ---- shared pieces ----

    /** Runs of one sender are common in real chats; merging depends on them. */
    private int nextSender(int previous) {
        return random.nextInt(10) < 4 ? previous : random.nextInt(NAMES.length);
    }

    private void words(Sink s, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.raw((byte) ' ');
            }
            s.bytes(words[random.nextInt(words.length)]);
        }
        if (random.nextInt(5) == 0) {
            s.raw((byte) (random.nextBoolean() ? '?' : '.'));
        }
    }

    private static void isoLocal(Sink s, long time) throws IOException {
        int[] ymd = civil(Math.floorDiv(time, 86_400L));
        int secs = (int) Math.floorMod(time, 86_400L);
        s.num(ymd[0])
                .ascii("-")
                .pad(ymd[1])
                .ascii("-")
                .pad(ymd[2])
                .ascii("T")
                .pad(secs / 3600)
                .ascii(":")
                .pad(secs / 60 % 60)
                .ascii(":")
                .pad(secs % 60);
    }

    private static void isoMillis(Sink s, long millis) throws IOException {
        isoLocal(s, Math.floorDiv(millis, 1000L));
        int ms = (int) Math.floorMod(millis, 1000L);
        s.ascii(".")
                .raw((byte) ('0' + ms / 100))
                .raw((byte) ('0' + ms / 10 % 10))
                .raw((byte) ('0' + ms % 10))
                .ascii("+00:00");
    }

    private static int[] civil(long days) {
        long date = Times.civilFromDays(days);
        return new int[] {(int) (date / 10_000), (int) (date / 100 % 100), (int) (date % 100)};
    }

    private static byte[][] encodeAll(String[] strings) {
        byte[][] out = new byte[strings.length][];
        for (int i = 0; i < strings.length; i++) {
            out[i] = strings[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    /** A byte buffer over a file that knows how much it has written. */
    private static final class Sink implements AutoCloseable {
        private final OutputStream out;
        private final byte[] buf = new byte[BUFFER_BYTES];
        private int pos;
        long written;

        Sink(Path file) throws IOException {
            this.out = Files.newOutputStream(file);
        }

        Sink raw(byte b) throws IOException {
            if (pos == buf.length) {
                drain();
            }
            buf[pos++] = b;
            written++;
            return this;
        }

        Sink bytes(byte[] b) throws IOException {
            for (byte x : b) {
                raw(x);
            }
            return this;
        }

        Sink ascii(String s) throws IOException {
            for (int i = 0; i < s.length(); i++) {
                raw((byte) s.charAt(i));
            }
            return this;
        }

        Sink utf8(String s) throws IOException {
            return bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        Sink num(long v) throws IOException {
            return ascii(Long.toString(v));
        }

        Sink pad(int v) throws IOException {
            raw((byte) ('0' + v / 10 % 10));
            return raw((byte) ('0' + v % 10));
        }

        Sink hex(int v) throws IOException {
            raw((byte) Character.forDigit(v >> 4, 16));
            return raw((byte) Character.forDigit(v & 0xF, 16));
        }

        /** A position in the current buffer to copy back from; drains first so it stays valid. */
        int mark() throws IOException {
            if (pos > buf.length / 2) {
                drain();
            }
            return pos;
        }

        byte[] copy(int from) {
            return java.util.Arrays.copyOfRange(buf, from, pos);
        }

        void truncate(int to) {
            written -= pos - to;
            pos = to;
        }

        private void drain() throws IOException {
            out.write(buf, 0, pos);
            pos = 0;
        }

        @Override
        public void close() throws IOException {
            drain();
            out.close();
        }
    }
}
