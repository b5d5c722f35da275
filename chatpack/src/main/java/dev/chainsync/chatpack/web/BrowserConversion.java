package dev.chainsync.chatpack.web;

import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.ChatPack;
import dev.chainsync.chatpack.Conversion;
import dev.chainsync.chatpack.ConversionResult;
import dev.chainsync.chatpack.ConvertOptions;
import dev.chainsync.chatpack.Platform;
import dev.chainsync.chatpack.detect.SourceDetector;
import dev.chainsync.chatpack.tokens.Tokens;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The browser page's conversion: a whole file already in memory goes through the CLI's own {@link Conversion}
 * (same readers, filter, merge and writers) into memory. Plain Java, so the JVM tests run it as the page does.
 */
public final class BrowserConversion {

    /**
     * What the page shows: the platform read, the counts, the converted bytes, and the {@code cl100k_base} tokens
     * of the file and of the output (the CLI's {@code --stats} figures).
     */
    public record Outcome(Platform platform, ConversionResult result, byte[] output, long tokensIn, long tokensOut) {}

    /** Told how far the page's work has come. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param stage        what is being done: {@link #CONVERTING} or {@link #COUNTING}
         * @param fraction     of the stage done, 0 to 1 (NaN when unknown)
         * @param messagesRead messages read so far
         */
        void progress(String stage, double fraction, long messagesRead);
    }

    /** The stage reading and writing messages. */
    public static final String CONVERTING = "converting";
    /** The stage counting tokens of the file and the result. */
    public static final String COUNTING = "counting tokens";

    private BrowserConversion() {}

    /**
     * Converts {@code bytes}, a file called {@code name}.
     *
     * @param platformName a command-line platform name, or {@code auto} to detect it from the content
     * @param progress     called now and then: the fraction of the input read, then of the tokens counted
     * @throws dev.chainsync.chatpack.ChatpackException when the file is not a valid export
     */
    public static Outcome convert(
            String name, byte[] bytes, String platformName, ConvertOptions options, Listener progress)
            throws IOException {
        Platform platform = platform(name, bytes, platformName);
        Conversion conversion = new Conversion(
                        platform, List.of(ChatInput.of(name, bytes)), options, ChatPack::openSingleThreaded)
                .onProgress((fraction, read) -> progress.progress(CONVERTING, fraction, read));
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1 << 16, bytes.length / 2));
        ConversionResult result = conversion.writeTo(out);
        byte[] output = out.toByteArray();
        // Counted as the CLI's --stats counts: every byte of the file, then every byte written.
        long read = result.messagesRead();
        double all = (double) bytes.length + output.length;
        long tokensIn =
                Tokens.count(bytes, f -> progress.progress(COUNTING, all == 0 ? 1 : f * bytes.length / all, read));
        long tokensOut =
                Tokens.count(output, f -> progress.progress(COUNTING, (bytes.length + f * output.length) / all, read));
        return new Outcome(platform, result, output, tokensIn, tokensOut);
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
