package dev.chainsync.chatpack.whatsapp;

import dev.chainsync.chatpack.io.Text;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * WhatsApp's media markers, matched against a whole first line of message text (never a substring, so a
 * message that merely mentions "image omitted" mid-sentence stays text).
 */
final class Media {

    /**
     * "image omitted" and its kin in the languages WhatsApp ships (the iOS app's strings; Android writes one
     * {@code <Media omitted>} for every kind), lower-cased. A marker missing here stays text, never a notice.
     */
    private static final Map<String, String> OMITTED = omitted(
            "[Photo]",
            List.of(
                    "image omitted",
                    "afbeelding weggelaten",
                    "bild weggelassen",
                    "imagen omitida",
                    "image absente",
                    "immagine omessa",
                    "imagem ocultada",
                    "imagem não revelada",
                    "изображение отсутствует",
                    "зображення відсутнє",
                    "görüntü dahil edilmedi",
                    "obraz pominięty",
                    "bild utesluten",
                    "billede udeladt",
                    "bilde ikke inkludert",
                    "ei kuvaa",
                    "obrázek vynechán",
                    "imagine omisă",
                    "gambar tidak disertakan",
                    "imej tidak dimasukkan",
                    "đã bỏ qua hình ảnh",
                    "εικόνα παραλείφθηκε",
                    "התמונה הושמטה",
                    "لم يتم إدراج الصورة",
                    "画像は含まれていません",
                    "이미지 생략됨",
                    "照片已忽略",
                    "圖片已略去"),
            "[Video]",
            List.of(
                    "video omitted",
                    "video weggelaten",
                    "video weggelassen",
                    "video omitido",
                    "vídeo omitido",
                    "vidéo absente",
                    "video omesso",
                    "vídeo não revelado",
                    "видео отсутствует",
                    "відео відсутнє",
                    "video dahil edilmedi",
                    "wideo pominięte",
                    "video utesluten",
                    "video udeladt",
                    "video utelatt",
                    "video tidak disertakan",
                    "ビデオは含まれていません",
                    "비디오 생략됨",
                    "视频已忽略"),
            "[Audio]",
            List.of(
                    "audio omitted",
                    "audio weggelaten",
                    "audio weggelassen",
                    "audio omitido",
                    "audio omis",
                    "audio omesso",
                    "áudio ocultado",
                    "аудиофайл отсутствует",
                    "ses dahil edilmedi",
                    "audio pominięte",
                    "lyd udeladt",
                    "lyd utelatt"),
            "[Sticker]",
            List.of(
                    "sticker omitted",
                    "sticker weggelaten",
                    "sticker weggelassen",
                    "sticker omitido",
                    "sticker omis",
                    "sticker non incluso",
                    "figurinha omitida",
                    "стикер не добавлен",
                    "çıkartma dahil edilmedi",
                    "pominięto naklejkę",
                    "klistermærke udeladt"),
            "[GIF]",
            List.of(
                    "gif omitted",
                    "gif weggelaten",
                    "gif weggelassen",
                    "gif omitido",
                    "gif retiré",
                    "gif esclusa",
                    "gif отсутствует",
                    "gif dahil edilmedi",
                    "gif udeladt"),
            "[File]",
            List.of(
                    "document omitted",
                    "document weggelaten",
                    "dokument weggelassen",
                    "documento omitido",
                    "document manquant",
                    "documento omesso",
                    "documento não revelado",
                    "документ отсутствует",
                    "belge dahil edilmedi",
                    "dokument pominięty",
                    "dokument udeladt"),
            "[Contact]",
            List.of(
                    "contact card omitted",
                    "visitekaartje weggelaten",
                    "kontaktkarte ausgelassen",
                    "tarjeta de contacto omitida",
                    "fiche contact manquante",
                    "scheda contatto omessa",
                    "cartão do contato omitido",
                    "карточка контакта отсутствует"),
            "[Media]",
            List.of(
                    "<media omitted>",
                    "<media weggelaten>",
                    "<medien weggelassen>",
                    "<medien ausgeschlossen>",
                    "<multimedia omitido>",
                    "<archivo omitido>",
                    "<médias omis>",
                    "<fichier omis>",
                    "<media omesso>",
                    "<mídia omitida>",
                    "<ficheiro não revelado>",
                    "<без медиафайлов>",
                    "<медіа пропущено>",
                    "<medya atlanmış>",
                    "<pliki pominięto>",
                    "<media har utelämnats>",
                    "<mediefil udeladt>",
                    "<uten vedlegg>",
                    "<media jätetty pois>",
                    "<media tidak disertakan>",
                    "<メディアは含まれていません>"));

    private static Map<String, String> omitted(Object... placeholderThenMarkers) {
        Map<String, String> byMarker = new HashMap<>();
        for (int i = 0; i < placeholderThenMarkers.length; i += 2) {
            String placeholder = (String) placeholderThenMarkers[i];
            @SuppressWarnings("unchecked")
            List<String> markers = (List<String>) placeholderThenMarkers[i + 1];
            for (String marker : markers) {
                if (byMarker.put(marker, placeholder) != null) {
                    throw new AssertionError("duplicate media marker: " + marker);
                }
            }
        }
        return Map.copyOf(byMarker);
    }

    /** Longest marker; anything longer cannot be one. */
    private static final int MAX_OMITTED =
            OMITTED.keySet().stream().mapToInt(String::length).max().orElseThrow();

    static final String ATTACHED = "<attached: ";
    private static final String FILE_ATTACHED = " (file attached)";

    private Media() {}

    /**
     * The placeholder a first line stands for, or null when it is ordinary text. Runs once per message, so
     * lines that cannot be markers are turned away by their last character before any copying.
     */
    static String placeholder(String line) {
        int n = line.length();
        if (n == 0) {
            return null;
        }
        char last = line.charAt(n - 1);
        if (n > MAX_OMITTED + 1) {
            return attachment(line, last);
        }
        // Some exports put a dot after the marker.
        String marker = (last == '.' ? line.substring(0, n - 1) : line).toLowerCase(Locale.ROOT);
        String omitted = OMITTED.get(marker);
        return omitted != null ? omitted : attachment(line, last);
    }

    /** A file named by the app: {@code <attached: name>} (iOS) or {@code name (file attached)} (Android). */
    private static String attachment(String line, char last) {
        int n = line.length();
        if (last == '>') {
            // iOS with media: "<attached: 00000012-PHOTO-2024-01-15-10-31-02.jpg>", documents may have a
            // description before it ("report.pdf • 3 pages <attached: ...>").
            int at = line.lastIndexOf(ATTACHED);
            return at < 0 ? null : classify(Text.strip(line.substring(at + ATTACHED.length(), n - 1)));
        }
        if (last == ')') {
            // Android with media: "IMG-20240115-WA0001.jpg (file attached)".
            return line.endsWith(FILE_ATTACHED)
                    ? classify(Text.strip(line.substring(0, n - FILE_ATTACHED.length())))
                    : null;
        }
        return null;
    }

    /** Names follow WhatsApp's own patterns: IMG-/VID-/PTT-/AUD-/STK- on Android, -PHOTO-/-VIDEO-... on iOS. */
    static String classify(String fileName) {
        String upper = fileName.toUpperCase(Locale.ROOT);
        if (upper.startsWith("IMG-") || upper.contains("-PHOTO-")) {
            return "[Photo]";
        }
        if (upper.startsWith("VID-") || upper.contains("-VIDEO-")) {
            return "[Video]";
        }
        if (upper.startsWith("PTT-") || (upper.contains("-AUDIO-") && upper.endsWith(".OPUS"))) {
            return "[Voice message]";
        }
        if (upper.startsWith("AUD-") || upper.contains("-AUDIO-")) {
            return "[Audio]";
        }
        if (upper.startsWith("STK-") || upper.contains("-STICKER-")) {
            return "[Sticker]";
        }
        if (upper.contains("-GIF-")) {
            return "[GIF]";
        }
        return fileName.isEmpty() ? "[File]" : "[File: " + fileName + "]";
    }
}
