package dev.chainsync.chatpack.cli;

import static dev.chainsync.chatpack.Fixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.chainsync.chatpack.ChatInput;
import dev.chainsync.chatpack.ChatPack;
import dev.chainsync.chatpack.ConvertOptions;
import dev.chainsync.chatpack.Platform;
import dev.chainsync.chatpack.Skipped;
import dev.chainsync.chatpack.bench.SyntheticExports;
import dev.chainsync.chatpack.web.PageServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The browser page in a real headless Chromium: each platform detected and converted to exactly the bytes the
 * CLI writes for the same file and options, with the CLI's --stats token counts, a 50 MB export with progress, a malformed file's error, and no
 * network request once the page has loaded. Skipped, saying so, when Chromium or the built page is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserPageTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final double WAIT_MILLIS = 180_000;

    private Playwright playwright;
    private Browser browser;
    private String pageUrl;

    @TempDir
    Path dir;

    @BeforeAll
    void launch() throws URISyntaxException {
        assumeTrue(
                Files.isExecutable(CHROMIUM),
                "SKIPPED: no Chromium at " + CHROMIUM + ", so the browser page is not tested;"
                        + " install it with 'apt-get install -y chromium'");
        assumeTrue(
                PageServer.pageBuilt(), "SKIPPED: the page was not built (-Dchatpack.web.skip), so it is not tested");
        pageUrl = PageServer.class
                .getResource(PageServer.PAGE_ROOT + "index.html")
                .toURI()
                .toString();
        playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(CHROMIUM)
                        .setHeadless(true)
                        .setArgs(List.of(
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-quic",
                                "--no-first-run",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync")));
    }

    @AfterAll
    void close() {
        if (playwright != null) {
            playwright.close();
        }
    }

    /** One page opened, a file converted in it, and every request made after the page had loaded. */
    private record Converted(Page page, List<String> requestsAfterLoad) {
        String text(String selector) {
            return page.textContent(selector);
        }

        byte[] download() throws IOException {
            Download d = page.waitForDownload(() -> page.click("#download"));
            return Files.readAllBytes(d.path());
        }
    }

    private Converted convertInPage(String url, Path file, Consumer<Page> options) {
        Page page = browser.newContext(new Browser.NewContextOptions().setAcceptDownloads(true))
                .newPage();
        List<String> requests = new CopyOnWriteArrayList<>();
        page.navigate(url);
        page.waitForFunction("() => document.body.dataset.state === 'idle'");
        page.onRequest(r -> requests.add(r.url()));
        options.accept(page);
        page.setInputFiles("#file", file);
        page.waitForFunction(
                "() => ['done', 'error'].includes(document.body.dataset.state)",
                null,
                new Page.WaitForFunctionOptions().setTimeout(WAIT_MILLIS));
        return new Converted(page, requests);
    }

    /** What the CLI writes for {@code args} (its -o is added here). */
    private byte[] cli(String... args) throws IOException {
        return cliRun(false, args).output();
    }

    /** The CLI's output and its --stats token counts. */
    private record CliRun(byte[] output, String stats) {
        /** The figure on the --stats line {@code label}, as the page shows it (grouped with commas). */
        String figure(String label) {
            Matcher m = Pattern.compile("(?m)^\\s*" + label + "\\s+([\\d,]+)").matcher(stats);
            assertThat(m.find()).as("'%s' in %s", label, stats).isTrue();
            return m.group(1);
        }
    }

    private CliRun cliRun(boolean stats, String... args) throws IOException {
        Path out = Files.createTempFile(dir, "cli-", ".out");
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-q", "-o", out.toString()));
        if (stats) {
            all.add("--stats");
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Io io = new Io(
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                dir,
                false);
        assertThat(Main.run(all.toArray(String[]::new), io))
                .as("CLI %s: %s", all, err)
                .isZero();
        return new CliRun(Files.readAllBytes(out), err.toString(StandardCharsets.UTF_8));
    }

    /** The page's token counts are the CLI's --stats counts, exactly (the same tokenizer, compiled). */
    private static void assertTokensAsTheCli(Converted c, CliRun cli) {
        assertThat(c.text("#tokens-in")).isEqualTo(cli.figure("tokens in"));
        assertThat(c.text("#tokens-out")).startsWith(cli.figure("tokens out") + " (");
    }

    /** Requests after load that could carry data away: the page's own blob: worker and download are local. */
    private static List<String> network(List<String> requests) {
        return requests.stream().filter(u -> !u.startsWith("blob:")).toList();
    }

    @ParameterizedTest
    @CsvSource({
        "telegram/single_chat.json, Telegram, tg",
        "whatsapp/android_us_12h.txt, WhatsApp, wa",
        "instagram/message_1.json, Instagram, ig",
        "discord/export.json, Discord, dc",
        "discord/export.txt, Discord, dc",
        "real/discord_dce_2019.csv, Discord, dc",
        "real/whatsapp_ios_nl.txt, WhatsApp, wa",
        "real/telegram_desktop_2025.json, Telegram, tg",
        "real/instagram_group_2024.json, Instagram, ig",
        "tokens/multilingual_whatsapp.txt, WhatsApp, wa"
    })
    void eachPlatformIsDetectedAndConvertedAsTheCliDoes(String fixture, String platform, String command)
            throws IOException {
        Path file = resource(fixture);
        Converted c = convertInPage(pageUrl, file, page -> {});

        assertThat(c.page().getAttribute("body", "data-state")).isEqualTo("done");
        assertThat(c.text("#detected")).isEqualTo(platform);
        CliRun cli = cliRun(true, command, file.toString());
        assertThat(c.download()).isEqualTo(cli.output());
        assertTokensAsTheCli(c, cli);
        // What the CLI says it skipped, the page says too.
        Skipped.Counts skipped = ChatPack.convert(
                        Platform.byName(command).orElseThrow(),
                        List.of(ChatInput.of(file)),
                        ConvertOptions.DEFAULTS,
                        OutputStream.nullOutputStream())
                .skipped();
        assertThat(c.text("#skipped"))
                .isEqualTo(skipped.total() == 0 ? "none" : skipped.total() + " (" + skipped.describe() + ")");
        assertThat(cli.figure("skipped")).isEqualTo(Long.toString(skipped.total()));
        assertThat(network(c.requestsAfterLoad())).isEmpty();
    }

    /**
     * Bytes that are not UTF-8 (Latin-1 and Windows-1252 bytes, overlongs, surrogates, bytes F5-FF, sequences cut
     * short, at the end too) become the same U+FFFD in the page as in the CLI: both decode with the shared
     * {@code io.Utf8}, so the result and both token counts are the CLI's.
     */
    @Test
    void aFileWithMalformedUtf8GivesTheCliOutputAndCounts() throws IOException {
        Path file = resource("whatsapp/malformed_utf8.txt");
        Converted c = convertInPage(pageUrl, file, page -> {});

        assertThat(c.page().getAttribute("body", "data-state")).isEqualTo("done");
        assertThat(c.text("#detected")).isEqualTo("WhatsApp");
        CliRun cli = cliRun(true, "wa", file.toString());
        assertThat(new String(cli.output(), StandardCharsets.UTF_8))
                .contains("Caf\uFFFD at 5?", "Zo\uFFFD;", "a surrogate \uFFFD and", "middle of a character \uFFFD");
        assertThat(c.download()).isEqualTo(cli.output());
        assertTokensAsTheCli(c, cli);
        assertThat(c.text("#messages-in")).isEqualTo("9");
        assertThat(network(c.requestsAfterLoad())).isEmpty();
    }

    /** A JSON escape of half a surrogate pair (valid JSON, no character) is written as the CLI writes it. */
    @ParameterizedTest
    @CsvSource({"csv", "jsonl"})
    void aLoneSurrogateEscapeGivesTheCliOutput(String format) throws IOException {
        Path file = dir.resolve("result.json");
        Files.writeString(
                file,
                Files.readString(resource("telegram/single_chat.json"))
                        .replace(
                                "\"text\": \"Morning! Trail report for Saturday:\"",
                                "\"text\": \"Morning \\ud83d high, \\ude00 low, \\ud83d\\ude00 pair\""));
        Converted c = convertInPage(pageUrl, file, page -> page.selectOption("#format", format));

        assertThat(c.page().getAttribute("body", "data-state")).isEqualTo("done");
        CliRun cli = cliRun(true, "tg", file.toString(), "-f", format);
        assertThat(new String(cli.output(), StandardCharsets.UTF_8)).contains("Morning ", " pair");
        assertThat(c.download()).isEqualTo(cli.output());
        assertTokensAsTheCli(c, cli);
    }

    @Test
    void everyOptionGivesTheCliOutputForTheSameOptions() throws IOException {
        Path file = resource("telegram/single_chat.json");
        Converted c = convertInPage(pageUrl, file, page -> {
            page.selectOption("#platform", "telegram");
            page.selectOption("#format", "jsonl");
            page.uncheck("#merge");
            page.check("#timestamps");
            page.check("#replies");
            page.check("#edited");
            page.check("#ids");
            page.uncheck("#media");
            page.check("#service");
            page.fill("#after", "2024-01-01");
            page.fill("#before", "2030-12-31");
        });

        String shown = c.text("#command");
        assertThat(shown)
                .isEqualTo("chatpack telegram single_chat.json -f jsonl --no-merge -t -r -e --ids --no-media"
                        + " --service --after 2024-01-01 --before 2030-12-31");
        // The command the page shows, run as shown (its file name pointing at the fixture).
        List<String> args = new ArrayList<>(List.of(shown.split(" ")));
        args.removeFirst();
        args.set(1, file.toString());
        CliRun cli = cliRun(true, args.toArray(String[]::new));
        byte[] expected = cli.output();
        assertTokensAsTheCli(c, cli);
        // Left in target/ for a look at the page as a user sees it.
        c.page()
                .screenshot(new Page.ScreenshotOptions()
                        .setPath(Path.of("target", "chatpack-web.png"))
                        .setFullPage(true));
        assertThat(c.download()).isEqualTo(expected);
        assertThat(new String(expected, StandardCharsets.UTF_8))
                .contains("\"id\":\"101\"", "\"reply_to\":\"102\"", "[Service: pin_message]");
        assertThat(network(c.requestsAfterLoad())).isEmpty();
    }

    @Test
    void aSecondFileInTheSamePageReusesTheWorkerAndCountsAsTheCliDoes() throws IOException {
        Path first = resource("telegram/single_chat.json");
        Path second = resource("tokens/multilingual_whatsapp.txt");
        Converted c = convertInPage(pageUrl, first, page -> {});
        assertThat(c.page().getAttribute("body", "data-tokenizer")).isEqualTo("ready");
        // Notices were left out, and the page says how to keep them.
        assertThat(c.page().isVisible("#skipped-note")).isTrue();

        c.page().setInputFiles("#file", second);
        c.page()
                .waitForFunction(
                        "name => document.getElementById('command').textContent.includes(name)"
                                + " && document.body.dataset.state === 'done'",
                        second.getFileName().toString());

        CliRun cli = cliRun(true, "wa", second.toString());
        assertThat(c.download()).isEqualTo(cli.output());
        assertTokensAsTheCli(c, cli);
        assertThat(c.text("#skipped")).isEqualTo("none");
        assertThat(c.page().isVisible("#skipped-note")).isFalse();
        assertThat(network(c.requestsAfterLoad())).isEmpty();
    }

    @Test
    void aSenderWithASpaceIsQuotedInTheShownCommandAndFiltersAsTheCliDoes() throws IOException {
        Path file = resource("telegram/single_chat.json");
        Converted c = convertInPage(pageUrl, file, page -> page.fill("#from", "bob stone"));

        assertThat(c.text("#command")).isEqualTo("chatpack telegram single_chat.json --from 'bob stone'");
        byte[] expected = cli("tg", file.toString(), "--from", "bob stone");
        assertThat(new String(expected, StandardCharsets.UTF_8))
                .contains("Bob Stone")
                .doesNotContain("Alice");
        assertThat(c.download()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"'', Chat;Sender;Content", "weekend hikers, Sender;Content"})
    void aTelegramAccountExportIsReadWholeOrOneChat(String chat, String header) throws IOException {
        Path file = resource("telegram/full_account.json");
        Converted c = convertInPage(pageUrl, file, page -> page.fill("#chat", chat));

        byte[] expected = chat.isEmpty() ? cli("tg", file.toString()) : cli("tg", file.toString(), "--chat", chat);
        assertThat(new String(expected, StandardCharsets.UTF_8)).startsWith(header);
        assertThat(c.download()).isEqualTo(expected);
    }

    @Test
    void aDroppedFileIsConvertedAndTheResultCopied() throws IOException {
        Path file = resource("discord/export.txt");
        Page page = browser.newContext(
                        new Browser.NewContextOptions().setPermissions(List.of("clipboard-read", "clipboard-write")))
                .newPage();
        List<String> requests = new CopyOnWriteArrayList<>();
        page.navigate(pageUrl);
        page.waitForFunction("() => document.body.dataset.state === 'idle'");
        page.onRequest(r -> requests.add(r.url()));

        // What a drop from the desktop delivers: a DataTransfer holding the file.
        page.evaluate(
                "text => { const dt = new DataTransfer();"
                        + " dt.items.add(new File([text], 'export.txt', {type: 'text/plain'}));"
                        + " document.getElementById('drop').dispatchEvent("
                        + "new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true})); }",
                Files.readString(file));
        page.waitForFunction("() => document.body.dataset.state === 'done'");
        page.click("#copy");
        page.waitForFunction("() => document.getElementById('copied').textContent !== ''");

        assertThat(page.textContent("#copied")).isEqualTo("Copied.");
        assertThat(page.evaluate("() => navigator.clipboard.readText()"))
                .isEqualTo(new String(cli("dc", file.toString()), StandardCharsets.UTF_8));
        assertThat(network(requests)).isEmpty();
    }

    @Test
    void aSenderFilterMatchingNobodyIsAnErrorAsInTheCli() {
        Converted c = convertInPage(
                pageUrl, resource("whatsapp/android_us_12h.txt"), page -> page.fill("#from", "Nobody At All"));

        assertThat(c.page().getAttribute("body", "data-state")).isEqualTo("error");
        assertThat(c.text("#error"))
                .contains("--from 'Nobody At All' matches none")
                .contains("senders seen");
        assertThat(c.page().isHidden("#result")).isTrue();
    }

    @Test
    void aMalformedFileShowsAClearErrorAndNoResult() throws IOException {
        Path broken = dir.resolve("result.json");
        String good = Files.readString(resource("telegram/single_chat.json"));
        Files.writeString(broken, good.substring(0, good.length() / 2));

        Converted c = convertInPage(pageUrl, broken, page -> page.selectOption("#platform", "telegram"));

        assertThat(c.page().getAttribute("body", "data-state")).isEqualTo("error");
        c.page().screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "chatpack-web-error.png")));
        assertThat(c.text("#error"))
                .startsWith("result.json: line ")
                .contains("truncated JSON")
                .doesNotContain("result.json: result.json");
        assertThat(c.page().isHidden("#result")).isTrue();
        assertThat(network(c.requestsAfterLoad())).isEmpty();
    }

    @Test
    void aBadDateIsAnErrorNamingTheOption() {
        Converted c = convertInPage(pageUrl, resource("whatsapp/android_us_12h.txt"), page -> {
            page.fill("#after", "2024-12-31");
            page.fill("#before", "2024-01-01");
        });

        assertThat(c.page().getAttribute("body", "data-state")).isEqualTo("error");
        assertThat(c.text("#error")).isEqualTo("--after 2024-12-31 is later than --before 2024-01-01");
    }

    @Test
    void aFileOfNoPlatformSaysSo() throws IOException {
        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "just some notes\nnothing like a chat\n");

        Converted c = convertInPage(pageUrl, notes, page -> {});

        assertThat(c.page().getAttribute("body", "data-state")).isEqualTo("error");
        assertThat(c.text("#error")).startsWith("notes.txt: ").doesNotContain("internal error");
    }

    @Test
    void aFiftyMegabyteExportConvertsWithProgressAsTheCliDoes() throws IOException {
        SyntheticExports.Generated export =
                new SyntheticExports(19).generate(Platform.TELEGRAM, dir, 50L * 1024 * 1024);
        Path file = export.files().getFirst();

        Converted c = convertInPage(pageUrl, file, page -> {});

        assertThat(c.page().getAttribute("body", "data-state")).isEqualTo("done");
        assertThat(Integer.parseInt(c.page().getAttribute("body", "data-progress-updates")))
                .as("progress reports from the worker")
                .isGreaterThan(3);
        long read = ChatPack.convert(
                        Platform.TELEGRAM,
                        List.of(ChatInput.of(file)),
                        ConvertOptions.DEFAULTS,
                        OutputStream.nullOutputStream())
                .messagesRead();
        assertThat(read).isGreaterThan(100_000);
        assertThat(c.text("#messages-in").replace(",", "")).isEqualTo(Long.toString(read));
        CliRun cli = cliRun(true, "tg", file.toString());
        assertThat(c.download()).isEqualTo(cli.output());
        assertTokensAsTheCli(c, cli);
        assertThat(network(c.requestsAfterLoad())).isEmpty();
    }

    @Test
    void chatpackWebServesThePageOnLoopback() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Io io = new Io(
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                dir,
                false);
        WebCommand web = new WebCommand(io);
        Thread serving = Thread.ofVirtual().start(() -> Main.run(web, "web", new String[] {"web", "--port", "0"}, io));
        try {
            assertThat(web.started.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(web.server).as("the server started").isNotNull();
            String url = web.server.uri().toString();
            assertThat(url).startsWith("http://127.0.0.1:");
            Path file = resource("whatsapp/ios_us_12h.txt");

            Converted c = convertInPage(url, file, page -> {});

            assertThat(c.text("#detected")).isEqualTo("WhatsApp");
            assertThat(c.download()).isEqualTo(cli("wa", file.toString()));
            assertThat(network(c.requestsAfterLoad())).isEmpty();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("serving the page on " + url);
        } finally {
            web.stop.countDown();
            serving.join();
        }
    }
}
