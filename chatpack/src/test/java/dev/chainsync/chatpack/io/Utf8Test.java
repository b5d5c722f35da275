package dev.chainsync.chatpack.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The shared decoder gives, for every input, the characters the JDK's UTF-8 {@code CharsetDecoder} with
 * {@code REPLACE} gives: whole, and streamed through {@link Utf8Reader} in pieces of every size (so a sequence
 * split between reads is decided as when whole).
 */
class Utf8Test {

    /** Bytes where UTF-8's rules change: ASCII, continuation ranges, every kind of lead and the never-valid ones. */
    private static final int[] EDGES = {
        0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
        0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8, 0xFE, 0xFF
    };

    private static String jdk(byte[] b) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(b))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertAsTheJdk(byte[] b) {
        assertThat(Utf8.decode(b))
                .as("%s", HexFormat.ofDelimiter(" ").formatHex(b))
                .isEqualTo(jdk(b));
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void namedMalformedSequencesAreReplacedAsTheJdkDoes() {
        List<byte[]> cases = List.of(
                // truncated sequences, at the end and before ASCII
                bytes(0xC3),
                bytes(0xC3, 0x41),
                bytes(0xE2, 0x82),
                bytes(0xE2, 0x82, 0x41),
                bytes(0xF0, 0x9F, 0x98),
                bytes(0xF0, 0x9F, 0x98, 0x41),
                bytes(0xF0, 0x9F),
                bytes(0x41, 0xF0),
                // overlongs
                bytes(0xC0, 0x80),
                bytes(0xC1, 0xBF),
                bytes(0xE0, 0x80, 0x80),
                bytes(0xE0, 0x9F, 0xBF),
                bytes(0xF0, 0x80, 0x80, 0x80),
                bytes(0xF0, 0x8F, 0xBF, 0xBF),
                // surrogates encoded in UTF-8, alone and as a CESU-8 pair
                bytes(0xED, 0xA0, 0x80),
                bytes(0xED, 0xBF, 0xBF),
                bytes(0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80),
                bytes(0xED, 0xA0),
                bytes(0xED, 0xA0, 0x41),
                // beyond U+10FFFF and bytes that never start anything
                bytes(0xF4, 0x90, 0x80, 0x80),
                bytes(0xF5, 0x80, 0x80, 0x80),
                bytes(0xF7, 0xBF, 0xBF, 0xBF),
                bytes(0xF8, 0x88, 0x80, 0x80, 0x80),
                bytes(0xFC, 0x84, 0x80, 0x80, 0x80, 0x80),
                bytes(0xFE),
                bytes(0xFF, 0xFE, 0x41),
                // lone continuation bytes
                bytes(0x80),
                bytes(0xBF, 0x80, 0xBF),
                bytes(0x41, 0x80, 0x42),
                // valid neighbours: the last code point of each length, and U+10FFFF
                bytes(0x7F, 0xDF, 0xBF, 0xEF, 0xBF, 0xBF, 0xF4, 0x8F, 0xBF, 0xBF),
                "12/31/23, 10:00 - Ann: caf\u00e9 \uD83D\uDE00".getBytes(StandardCharsets.UTF_8));
        for (byte[] c : cases) {
            assertAsTheJdk(c);
        }
        // The replacement itself, as Unicode's maximal subparts: one U+FFFD for E0 A0, then 'A'.
        assertThat(Utf8.decode(bytes(0xE0, 0xA0, 0x41))).isEqualTo("\uFFFDA");
        assertThat(Utf8.decode(bytes(0xF8, 0x88))).isEqualTo("\uFFFD\uFFFD");
    }

    @Test
    void everySequenceOfUpToFourEdgeBytesIsDecodedAsTheJdkDoes() {
        int n = EDGES.length;
        for (int len = 1; len <= 4; len++) {
            int total = (int) Math.pow(n, len);
            byte[] b = new byte[len];
            for (int k = 0; k < total; k++) {
                int rest = k;
                for (int i = 0; i < len; i++) {
                    b[i] = (byte) EDGES[rest % n];
                    rest /= n;
                }
                assertAsTheJdk(b);
            }
        }
    }

    @Test
    void randomBytesWholeAndStreamedInPiecesAreDecodedAsTheJdkDoes() throws IOException {
        Random random = new Random(19);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = randomBytes(random, random.nextInt(80));
            String expected = jdk(b);
            assertThat(Utf8.decode(b)).as("%s", HexFormat.of().formatHex(b)).isEqualTo(expected);
            assertThat(readAll(new Utf8Reader(new Pieces(b, random))))
                    .as("streamed %s", HexFormat.of().formatHex(b))
                    .isEqualTo(expected);
        }
    }

    @Test
    void aLargeMixedInputStreamedThroughTheReaderIsTheJdksText() throws IOException {
        Random random = new Random(20_261_208);
        StringBuilder text = new StringBuilder();
        List<byte[]> parts = new ArrayList<>();
        int size = 0;
        while (size < 1 << 20) {
            byte[] part = random.nextInt(10) == 0
                    ? randomBytes(random, 1 + random.nextInt(6))
                    : ("8/1/24, 9:0" + random.nextInt(10) + " - Zoë: h\u00e9llo \u4e16\u754c \uD83D\uDE00\n")
                            .getBytes(StandardCharsets.UTF_8);
            parts.add(part);
            size += part.length;
        }
        byte[] all = new byte[size];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        text.append(jdk(all));
        assertThat(Utf8.decode(all)).isEqualTo(text.toString());
        assertThat(readAll(new Utf8Reader(new ByteArrayInputStream(all)))).isEqualTo(text.toString());
        assertThat(readAll(new Utf8Reader(new Pieces(all, random)))).isEqualTo(text.toString());
    }

    @Test
    void encodingGivesTheJvmsBytesLoneSurrogatesIncluded() {
        List<String> samples = new ArrayList<>(List.of(
                "",
                "plain ascii",
                "caf\u00e9 \u20ac \uD83D\uDE00",
                "\uD83D lone high, \uDE00 lone low, \uD83D\uDE00 pair",
                "\uDE00\uD83D",
                "end \uD83D",
                "\uDBFF\uDFFF\uD800"));
        Random random = new Random(19);
        char[] pool = {'a', ' ', '\u00e9', '\u4e16', '\uD83D', '\uDE00', '\uDBFF', '\uDC00', '\uFFFD'};
        for (int i = 0; i < 5_000; i++) {
            char[] c = new char[random.nextInt(12)];
            for (int k = 0; k < c.length; k++) {
                c[k] = pool[random.nextInt(pool.length)];
            }
            samples.add(new String(c));
        }
        for (String s : samples) {
            assertThat(Utf8.encode(s))
                    .as("%s", s.chars().boxed().toList())
                    .isEqualTo(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Mostly bytes that make or break sequences, some valid UTF-8 among them. */
    private static byte[] randomBytes(Random random, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = switch (random.nextInt(4)) {
                case 0 -> (byte) EDGES[random.nextInt(EDGES.length)];
                case 1 -> (byte) (0x80 + random.nextInt(0x40));
                case 2 -> (byte) random.nextInt(256);
                default -> (byte) (0xC0 + random.nextInt(0x40));
            };
        }
        if (len > 4 && random.nextBoolean()) {
            byte[] valid = "\u00e9\u20ac\uD83D\uDE00".getBytes(StandardCharsets.UTF_8);
            int at = random.nextInt(len - 3);
            System.arraycopy(valid, 0, b, at, Math.min(valid.length, len - at));
        }
        return b;
    }

    private static String readAll(Reader r) throws IOException {
        StringWriter out = new StringWriter();
        char[] buf = new char[7];
        int n;
        while ((n = r.read(buf, 0, buf.length)) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toString();
    }

    /** An input stream handing out its bytes in pieces of random size (1 to 5 bytes). */
    private static final class Pieces extends InputStream {
        private final byte[] b;
        private final Random random;
        private int pos;

        Pieces(byte[] b, Random random) {
            this.b = b;
            this.random = random;
        }

        @Override
        public int read() {
            return pos < b.length ? b[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] dst, int off, int len) {
            if (pos == b.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 1 + random.nextInt(5)), b.length - pos);
            System.arraycopy(b, pos, dst, off, n);
            pos += n;
            return n;
        }
    }
}
