package dev.chainsync.chatpack.instagram;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Undoes Instagram's export encoding: it writes each UTF-8 byte as a separate code point (U+0000..U+00FF), so
 * "Привет" arrives as "Ð\u009fÑ\u0080Ð¸Ð²ÐµÑ\u0082". Repair is exact or not at all: only when every char is at
 * most U+00FF, and only when those bytes are valid UTF-8. Text that is genuinely Latin-1 ("café" has a lone
 * 0xE9) fails the UTF-8 check and is returned as is.
 */
final class Mojibake {

    private Mojibake() {}

    static String repair(String s) {
        if (s == null) {
            return null;
        }
        boolean high = false;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xFF) {
                return s;
            }
            high |= c >= 0x80;
        }
        if (!high) {
            return s;
        }
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) s.charAt(i);
        }
        CharsetDecoder strict = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return strict.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notUtf8) {
            return s;
        }
    }
}
