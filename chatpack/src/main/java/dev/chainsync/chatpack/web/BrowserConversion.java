package dev.chainsync.chatpack.web;

import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.ChatPack;
import dev.chainsync.chatpack.Conversion;
import dev.chainsync.chatpack.ConversionResult;
import dev.chainsync.chatpack.ConvertOptions;
import dev.chainsync.chatpack.Platform;
import dev.chainsync.chatpack.detect.SourceDetector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The browser page's conversion: a whole file already in memory goes through the CLI's own {@link Conversion}
 * (same readers, filter, merge and writers) into memory. Plain Java, so the JVM tests run it as the page does.
 */
public final class BrowserConversion {

    /** What the page shows: the platform read, the counts, and the converted bytes. */
    public record Outcome(Platform platform, ConversionResult result, byte[] output) {}

    private BrowserConversion() {}

    /**
     * Converts {@code bytes}, a file called {@code name}.
     *
     * @param platformName a command-line platform name, or {@code auto} to detect it from the content
     * @param progress     called now and then with the fraction of the input read
     * @throws dev.chainsync.chatpack.ChatpackException when the file is not a valid export
     */
    public static Outcome convert(
            String name, byte[] bytes, String platformName, ConvertOptions options, Conversion.Listener progress)
            throws IOException {
        Platform platform = platform(name, bytes, platformName);
        Conversion conversion = new Conversion(
                        platform, List.of(ChatInput.of(name, bytes)), options, ChatPack::openSingleThreaded)
                .onProgress(progress);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1 << 16, bytes.length / 2));
        ConversionResult result = conversion.writeTo(out);
        return new Outcome(platform, result, out.toByteArray());
    }

    /** The platform a name stands for, or the one detected from the file's head for {@code auto}. */
    static Platform platform(String name, byte[] bytes, String platformName) {
        if (platformName == null || platformName.isEmpty() || platformName.equalsIgnoreCase("auto")) {
            return SourceDetector.detect(name, Arrays.copyOf(bytes, Math.min(bytes.length, SourceDetector.HEAD_BYTES)));
        }
        return Platform.byName(platformName)
                .orElseThrow(() -> new IllegalArgumentException("unknown platform '" + platformName + "'"));
    }
}
