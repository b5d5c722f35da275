package dev.chainsync.chatpack.web;

import dev.chainsync.chatpack.ChatpackException;
import dev.chainsync.chatpack.ConvertOptions;
import dev.chainsync.chatpack.OutputFormat;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSFunctor;
import org.teavm.jso.JSObject;
import org.teavm.jso.JSProperty;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * The page's entry point, compiled to JavaScript by TeaVM (never run on the JVM): publishes
 * {@code chatpackConvert(bytes, name, options, progress)} for the page's worker script.
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
        void report(double fraction, double messagesRead);
    }

    @JSFunctor
    interface Converter extends JSObject {
        JSObject convert(Int8Array bytes, String name, WebOptions options, ProgressCallback progress);
    }

    public static void main(String[] args) {
        publish(BrowserMain::convert);
    }

    private static JSObject convert(Int8Array bytes, String name, WebOptions o, ProgressCallback progress) {
        try {
            ConvertOptions options = options(o);
            BrowserConversion.Outcome out = BrowserConversion.convert(
                    name,
                    bytes.copyToJavaArray(),
                    o.getPlatform(),
                    options,
                    (fraction, read) -> progress.report(fraction, read));
            return success(
                    out.platform().displayName(),
                    out.platform().names().getFirst(),
                    Int8Array.fromJavaArray(out.output()),
                    out.result().messagesRead(),
                    out.result().messagesKept(),
                    out.result().messagesWritten());
        } catch (ChatpackException | IllegalArgumentException e) {
            return failure(e.getMessage());
        } catch (Exception e) {
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
        return s == null || s.isBlank() ? null : s.strip();
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

    @JSBody(params = "f", script = "self.chatpackConvert = f;")
    private static native void publish(Converter f);

    @JSBody(
            params = {"platform", "command", "output", "read", "kept", "written"},
            script = "return {platform: platform, command: command, output: output,"
                    + " read: read, kept: kept, written: written};")
    private static native JSObject success(
            String platform, String command, Int8Array output, double read, double kept, double written);

    @JSBody(params = "message", script = "return {error: message};")
    private static native JSObject failure(String message);
}
