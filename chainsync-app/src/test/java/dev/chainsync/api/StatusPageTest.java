package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Request;
import dev.chainsync.apikey.Scope;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator status page in a real headless Chromium against a running service: each section
 * shown, a dead letter retried and a review resolved from the page, and nothing shown without an
 * admin key. Skipped, saying so, when Chromium is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPageTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    static Path dataDir;

    private Playwright playwright;
    private Browser browser;
    private StatusFixture f;
    private String pageUrl;

    @BeforeAll
    void launch() {
        assumeTrue(
                Files.isExecutable(CHROMIUM),
                "SKIPPED: no Chromium at " + CHROMIUM + ", so the status page is not tested in a browser;"
                        + " install it with 'apt-get install -y chromium'");
        f = StatusFixture.start("status_page", dataDir);
        pageUrl = f.h.base.resolve("/status").toString();
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
        try {
            if (playwright != null) {
                playwright.close();
            }
        } finally {
            if (f != null) {
                f.close();
            }
        }
    }

    /** A fresh tab (its own session storage) on the page, every request it makes recorded. */
    private Page open(List<Request> requests) {
        Page page = browser.newContext().newPage();
        // The page's timers run only when a test moves this clock: no refresh happens on its own.
        page.clock().install();
        page.onRequest(requests::add);
        page.onDialog(d -> d.accept());
        page.navigate(pageUrl);
        waitForState(page, "no-key");
        page.clock().pauseAt(System.currentTimeMillis() + 1_000);
        return page;
    }

    private static void waitForState(Page page, String state) {
        page.waitForFunction("s => document.body.dataset.state === s", state);
    }

    private static void useKey(Page page, String key, String expectedState) {
        page.evaluate("() => { document.body.dataset.state = 'submitting'; }");
        page.fill("#key", key);
        page.click("#use-key");
        waitForState(page, expectedState);
    }

    /** Nothing of the service's state on the page: no rows, no summaries, the sections hidden. */
    private static void assertShowsNoData(Page page) {
        assertThat(page.isHidden("#data")).isTrue();
        assertThat(page.locator("tbody tr").count()).isZero();
        assertThat(page.textContent("#data")).doesNotContain("devnet", "127.0.0.1:9", "failed on chain");
    }

    @Test
    void withoutAnAdminKeyThePageSaysSoAndShowsNothing() {
        List<Request> requests = new CopyOnWriteArrayList<>();
        Page page = open(requests);

        assertThat(page.textContent("#message")).contains("Paste an admin API key");
        assertShowsNoData(page);
        assertThat(requests).noneMatch(r -> r.url().contains("/v1/"));

        String reader = f.h.app
                .services()
                .apiKeys()
                .create("page-reader", Set.of(Scope.READ), null)
                .secret();
        useKey(page, reader, "refused");
        assertThat(page.textContent("#message")).contains("not an admin key").contains("admin");
        assertShowsNoData(page);
        assertThat(page.evaluate("() => sessionStorage.length")).isEqualTo(0);

        useKey(page, "no-such-key-0123456789", "refused");
        assertThat(page.textContent("#message")).contains("unknown or revoked");
        assertShowsNoData(page);
        page.context().close();
    }

    @Test
    void aSectionThatCannotBeReadSaysSoAndTheOthersAreShown() {
        f.h.update("ALTER TABLE webhook_endpoints RENAME TO webhook_endpoints_away");
        try {
            Page page = open(new CopyOnWriteArrayList<>());
            useKey(page, ApiHarness.ADMIN_KEY, "ready");

            assertThat(page.textContent("#webhooks-summary"))
                    .startsWith("Cannot read this section: ")
                    .contains("webhook_endpoints");
            assertThat(page.locator("#webhook-endpoints tr").count()).isZero();
            assertThat(page.textContent("#chain-endpoints")).contains("devnet");
            assertThat(page.locator("#reviews tr").count()).isPositive();
            page.context().close();
        } finally {
            f.h.update("ALTER TABLE webhook_endpoints_away RENAME TO webhook_endpoints");
        }
    }

    @Test
    void showsEverySectionRetriesADeadLetterAndResolvesAReview() {
        List<Request> requests = new CopyOnWriteArrayList<>();
        Page page = open(requests);
        useKey(page, ApiHarness.ADMIN_KEY, "ready");
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(Path.of("target", "status-page.png"))
                .setFullPage(true));

        assertThat(page.textContent("#chain-endpoints")).contains("devnet").contains("up");
        assertThat(page.textContent("#chain-summary")).contains("devnet: up, block height");
        assertThat(page.textContent("#ingest-sources")).contains(f.stream).contains("redis_streams");
        assertThat(page.textContent("#ingest-summary")).contains("Ingest runs in this instance");
        assertThat(page.textContent("#outbox-summary")).contains("dead-lettered 1");
        assertThat(page.textContent("#dead-letters"))
                .contains(String.valueOf(f.deadOperation))
                .contains("failed on chain");
        assertThat(page.textContent("#runs")).contains("credentials").contains(StatusFixture.ROYALTIES);
        // The royalty run's row shows the engine's counts: healed 0, rewritten 0, reviewed 2, reported 0.
        assertThat(page.locator("#runs tr:has-text('" + StatusFixture.ROYALTIES + "') td")
                        .allTextContents()
                        .subList(5, 9))
                .containsExactly("0", "0", "2", "0");
        assertThat(page.locator("#reviews tr").count()).isEqualTo(2);
        assertThat(page.textContent("#reviews")).contains("100.25").contains("100.20");
        assertThat(page.locator("#webhook-endpoints tr").count()).isEqualTo(4);
        assertThat(page.textContent("#webhook-endpoints"))
                .contains("healthy", "dead_letters", "failing", "disabled", "http://127.0.0.1:9/failing");

        // Retry: the operation goes back to pending.
        page.click("button[data-retry='" + f.deadOperation + "']");
        page.waitForFunction("() => document.getElementById('notice').textContent.includes('pending again')");
        assertThat(ApiHarness.json(f.h.get("/v1/operations/" + f.deadOperation))
                        .path("status")
                        .asText())
                .isEqualTo("pending");
        assertThat(page.textContent("#dead-letters")).contains("No dead letters.");
        assertThat(page.textContent("#outbox-summary")).contains("Pending 1").contains("dead-lettered 0");

        // Resolve: accepting the chain heals the database, with the note kept.
        long r1 = f.review("r1");
        page.fill("input[data-note='" + r1 + "']", "chain is right, checked by hand");
        page.click("button[data-resolve='" + r1 + "'][data-resolution='accept_chain']");
        page.waitForFunction("() => document.getElementById('notice').textContent.includes('resolved')");
        JsonNode resolved = ApiHarness.json(f.h.get("/v1/reviews/" + r1));
        assertThat(resolved.path("status").asText()).isEqualTo("resolved");
        assertThat(resolved.path("resolution").asText()).isEqualTo("accept_chain");
        assertThat(resolved.path("note").asText()).isEqualTo("chain is right, checked by hand");
        assertThat(f.h.queryLong("SELECT count(*) FROM status_royalties WHERE key = 'r1' AND value = '100.25'"))
                .isEqualTo(1);
        assertThat(page.locator("#reviews tr").count()).isEqualTo(1);
        assertThat(page.textContent("#reviews")).doesNotContain("100.20");

        // Only this service was asked, always with the key in the header and never in a URL.
        assertThat(requests).isNotEmpty().allSatisfy(r -> assertThat(r.url()).startsWith(f.h.base.toString()));
        List<Request> api =
                requests.stream().filter(r -> r.url().contains("/v1/")).toList();
        assertThat(api).hasSizeGreaterThanOrEqualTo(5).allSatisfy(r -> {
            assertThat(r.headers()).containsEntry("authorization", "Bearer " + ApiHarness.ADMIN_KEY);
            assertThat(r.url()).doesNotContain(ApiHarness.ADMIN_KEY);
        });

        // A review resolved elsewhere meanwhile: the page's button is refused and says why, and the
        // next refresh (every 15 s) drops the review.
        long r2 = f.review("r2");
        assertThat(f.h.post(
                                "/v1/reviews/" + r2 + "/resolve",
                                "application/json",
                                HttpRequest.BodyPublishers.ofString("{\"resolution\":\"dismiss\"}"))
                        .statusCode())
                .isEqualTo(200);
        page.click("button[data-resolve='" + r2 + "'][data-resolution='accept_database']");
        page.waitForFunction("() => document.getElementById('message').textContent.startsWith('Failed')");
        assertThat(page.textContent("#message")).contains("resolved already");
        assertThat(page.getAttribute("body", "data-state")).isEqualTo("ready");
        assertThat(f.h.queryLong("SELECT count(*) FROM chain_operations WHERE kind = 'royalty'"))
                .isZero();
        page.clock().runFor(15_000);
        page.waitForFunction("() => document.getElementById('reviews').textContent.includes('No open review.')");
        assertThat(page.textContent("#message")).isEmpty();

        // Forgetting the key takes every value off the page.
        page.click("#forget-key");
        waitForState(page, "no-key");
        assertShowsNoData(page);
        page.context().close();
    }
}
