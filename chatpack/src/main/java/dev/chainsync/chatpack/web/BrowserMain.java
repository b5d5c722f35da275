package dev.chainsync.chatpack.web;

import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.ConvertOptions;
import dev.chainsync.chatpack.OutputFormat;
import dev.chainsync.chatpack.io.Text;
import dev.chainsync.chatpack.tokens.Tokens;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSFunctor;
import org.teavm.jso.JSObject;
import org.teavm.jso.JSProperty;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * The page's entry point, compiled to JavaScript by TeaVM (never run on the JVM): publishes
 * {@code chatpackConvert(bytes, name, options, progress)} and {@code chatpackWarm()} (loads the tokenizer's
 * vocabulary ahead of the first count) for the page's worker script.
 */
public final class BrowserMain {

    private BrowserMain() {}

    /** The settings the page's form holds; the same names and meanings as the CLI's options. */
    interface WebOptions extends JSObject {
        @JSProperty
        String getPlatform();

        @JSProperty
        String getFormat();

        @JSProperty
        boolean isMerge();

        @JSProperty
        boolean isTimestamps();

        @JSProperty
        boolean isReplies();

        @JSProperty
        boolean isEdited();

        @JSProperty
        boolean isIds();

        @JSProperty
        boolean isMedia();

        @JSProperty
        boolean isService();

        @JSProperty
        String getFrom();

        @JSProperty
        String getAfter();

        @JSProperty
        String getBefore();

        @JSProperty
        String getChat();
    }

    @JSFunctor
    interface ProgressCallback extends JSObject {
        void report(String stage, double fraction, double messagesRead);
    }

    @JSFunctor
    interface Converter extends JSObject {
        JSObject convert(Int8Array bytes, String name, WebOptions options, ProgressCallback progress);
    }

    @JSFunctor
    interface Warmer extends JSObject {
        void warm();
    }

    public static void main(String[] args) {
        publish(BrowserMain::convert, Tokens::load);
    }

    private static JSObject convert(Int8Array bytes, String name, WebOptions o, ProgressCallback progress) {
        try {
            ConvertOptions options = options(o);
            BrowserConversion.Outcome out = BrowserConversion.convert(
                    name,
                    bytes.copyToJavaArray(),
                    o.getPlatform(),
                    options,
                    (stage, fraction, read) -> progress.report(stage, fraction, read));
            return success(
                    out.platform().displayName(),
                    out.platform().names().getFirst(),
                    Int8Array.fromJavaArray(out.output()),
                    out.result().messagesRead(),
                    out.result().messagesKept(),
                    out.result().messagesWritten(),
                    out.result().skipped().total(),
                    out.result().skipped().describe(),
                    out.tokensIn(),
                    out.tokensOut());
        } catch (ChatpackException | IllegalArgumentException e) {
            return failure(e.getMessage());
        } catch (Exception | Error e) {
            // An Error too: the page must show it rather than wait forever for a result.
            return failure("internal error: " + e);
        }
    }

    private static ConvertOptions options(WebOptions o) {
        return ConvertOptions.builder()
                .format(OutputFormat.byName(o.getFormat())
                        .orElseThrow(() -> new IllegalArgumentException("unknown format '" + o.getFormat() + "'")))
                .merge(o.isMerge())
                .timestamps(o.isTimestamps())
                .replies(o.isReplies())
                .edited(o.isEdited())
                .ids(o.isIds())
                .media(o.isMedia())
                .serviceMessages(o.isService())
                .from(blankToNull(o.getFrom()))
                .after(date("--after", o.getAfter()))
                .before(date("--before", o.getBefore()))
                .chat(blankToNull(o.getChat()))
                .build();
    }

    private static String blankToNull(String s) {
        return s == null || Text.isBlank(s) ? null : Text.strip(s);
    }

    private static LocalDate date(String option, String value) {
        String v = blankToNull(value);
        if (v == null) {
            return null;
        }
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " needs a date as YYYY-MM-DD, not '" + v + "'");
        }
    }

    @JSBody(
            params = {"convert", "warm"},
            script = "self.chatpackConvert = convert; self.chatpackWarm = warm;")
    private static native void publish(Converter convert, Warmer warm);

    @JSBody(
            params = {
                "platform",
                "command",
                "output",
                "read",
                "kept",
                "written",
                "skipped",
                "skippedWhy",
                "tokensIn",
                "tokensOut"
            },
            script = "return {platform: platform, command: command, output: output,"
                    + " read: read, kept: kept, written: written, skipped: skipped, skippedWhy: skippedWhy,"
                    + " tokensIn: tokensIn, tokensOut: tokensOut};")
    private static native JSObject success(
            String platform,
            String command,
            Int8Array output,
            double read,
            double kept,
            double written,
            double skipped,
            String skippedWhy,
            double tokensIn,
            double tokensOut);

    @JSBody(params = "message", script = "return {error: message};")
    private static native JSObject failure(String message);
}
