package dev.chainsync.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stream entries from a raw reply ({@code [[id, [field, value, ...]], ...]}, bulk strings as
 * bytes), keeping what a field map would hide: a field name that occurs more than once and a
 * name or value that is not UTF-8 become {@link StreamEntry#defects()}. Only the first value of
 * a repeated field is kept in the map (the dead letter records the defect).
 */
final class RawEntries {
    private RawEntries() {}

    static List<StreamEntry> entries(String stream, List<Object> raw) {
        List<StreamEntry> out = new ArrayList<>(raw.size());
        for (Object o : raw) {
            if (!(o instanceof List<?> pair) || pair.isEmpty() || pair.get(0) == null) {
                continue; // XAUTOCLAIM of Redis 6.2 lists a deleted entry as nil
            }
            String id = text(pair.get(0));
            // An entry trimmed from the stream while pending comes back without fields.
            List<?> body = pair.size() > 1 && pair.get(1) instanceof List<?> l ? l : List.of();
            out.add(entry(stream, id, body));
        }
        return out;
    }

    static StreamEntry entry(String stream, String id, List<?> body) {
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, Integer> occurrences = new HashMap<>();
        List<String> defects = new ArrayList<>();
        for (int i = 0; i + 1 < body.size(); i += 2) {
            Decoded name = decode(body.get(i));
            Decoded value = decode(body.get(i + 1));
            if (!name.utf8()) {
                defects.add("a field name is not valid UTF-8");
            }
            if (!value.utf8()) {
                defects.add("field '" + name.text() + "' is not valid UTF-8");
            }
            if (occurrences.merge(name.text(), 1, Integer::sum) == 2) {
                defects.add("field '" + name.text() + "' is given more than once");
            }
            fields.putIfAbsent(name.text(), value.text());
        }
        if (body.size() % 2 != 0) {
            defects.add("the entry has an odd number of field names and values");
        }
        return new StreamEntry(stream, id, fields, 1, defects);
    }

    /** A bulk string as text; replies other than bulk strings (ids, cursors) are always ASCII. */
    static String text(Object o) {
        return decode(o).text();
    }

    private record Decoded(String text, boolean utf8) {}

    private static Decoded decode(Object o) {
        if (!(o instanceof byte[] bytes)) {
            return new Decoded(String.valueOf(o), true);
        }
        String strict = strictUtf8(bytes);
        return strict != null
                ? new Decoded(strict, true)
                : new Decoded(new String(bytes, StandardCharsets.UTF_8), false);
    }

    /** {@code bytes} as UTF-8 text, or null when they are not valid UTF-8. */
    static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
