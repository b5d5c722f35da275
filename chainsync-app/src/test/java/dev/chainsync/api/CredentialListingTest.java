package dev.chainsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code GET /v1/credentials}: keyset pagination and filters over seven credentials. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CredentialListingTest {
    @TempDir
    static Path dataDir;

    ApiHarness h;
    /** In issue order: 0-3 by uni-a and confirmed, 4-6 by uni-b and pending; even ones to alice, odd ones to bob. */
    final List<JsonNode> issued = new ArrayList<>();

    @BeforeAll
    void start() {
        h = ApiHarness.start("listing", dataDir);
        for (int i = 0; i < 7; i++) {
            if (i == 4) {
                h.submitAndConfirm();
            }
            issued.add(h.issue(
                    i < 4 ? "uni-a" : "uni-b",
                    i % 2 == 0 ? "alice" : "bob",
                    "S-" + i,
                    ("credential file " + i).getBytes(StandardCharsets.UTF_8)));
            h.clock.advance(Duration.ofMillis(1));
        }
    }

    @AfterAll
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private List<String> hashes(int... indexes) {
        List<String> out = new ArrayList<>();
        for (int i : indexes) {
            out.add(issued.get(i).path("hash").asText());
        }
        return out;
    }

    /** Follows next_cursor from the first page; returns each page's hashes. */
    private List<List<String>> allPages(String query) {
        List<List<String>> pages = new ArrayList<>();
        String cursor = null;
        do {
            String url = "/v1/credentials?" + query + (cursor == null ? "" : "&cursor=" + cursor);
            HttpResponse<String> r = h.get(url);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = ApiHarness.json(r);
            List<String> page = new ArrayList<>();
            body.path("data").forEach(c -> page.add(c.path("hash").asText()));
            pages.add(page);
            cursor = body.has("next_cursor")
                    ? URLEncoder.encode(body.path("next_cursor").asText(), StandardCharsets.UTF_8)
                    : null;
            assertThat(pages).as("runaway pagination").hasSizeLessThan(20);
        } while (cursor != null);
        return pages;
    }

    private static List<String> flat(List<List<String>> pages) {
        return pages.stream().flatMap(List::stream).toList();
    }

    @Test
    void pagesOfThreeCoverAllSevenNewestFirstWithoutDuplicatesOrGaps() {
        List<List<String>> pages = allPages("limit=3");

        assertThat(pages).extracting(List::size).containsExactly(3, 3, 1);
        List<String> all = flat(pages);
        assertThat(new LinkedHashSet<>(all)).hasSize(7);
        assertThat(all).containsExactlyElementsOf(hashes(6, 5, 4, 3, 2, 1, 0));
    }

    @Test
    void aPageExactlyFullOfTheRestHasNoNextCursor() {
        assertThat(allPages("limit=7")).extracting(List::size).containsExactly(7);
        assertThat(allPages("limit=500")).extracting(List::size).containsExactly(7);
        // Default page size is larger than seven.
        assertThat(allPages("")).extracting(List::size).containsExactly(7);
    }

    @Test
    void filtersByIssuerRecipientAndStatusAlsoAcrossPages() {
        assertThat(flat(allPages("issuer_id=uni-a&limit=3"))).containsExactlyElementsOf(hashes(3, 2, 1, 0));
        assertThat(allPages("issuer_id=uni-a&limit=3")).extracting(List::size).containsExactly(3, 1);
        assertThat(flat(allPages("issuer_id=uni-b"))).containsExactlyElementsOf(hashes(6, 5, 4));
        assertThat(flat(allPages("recipient_id=bob&limit=2"))).containsExactlyElementsOf(hashes(5, 3, 1));
        assertThat(flat(allPages("recipient_id=alice"))).containsExactlyElementsOf(hashes(6, 4, 2, 0));
        assertThat(flat(allPages("status=confirmed&limit=1"))).containsExactlyElementsOf(hashes(3, 2, 1, 0));
        assertThat(flat(allPages("status=pending"))).containsExactlyElementsOf(hashes(6, 5, 4));
        assertThat(flat(allPages("issuer_id=uni-a&recipient_id=bob&status=confirmed")))
                .containsExactlyElementsOf(hashes(3, 1));
        assertThat(flat(allPages("issuer_id=uni-b&status=confirmed"))).isEmpty();
        assertThat(flat(allPages("status=dead_lettered"))).isEmpty();
        assertThat(flat(allPages("issuer_id=nobody"))).isEmpty();

        JsonNode page = ApiHarness.json(h.get("/v1/credentials?status=confirmed&limit=10"));
        page.path("data").forEach(c -> {
            assertThat(c.path("status").asText()).isEqualTo("confirmed");
            assertThat(c.has("history")).as("lists carry no history").isFalse();
        });
    }

    @Test
    void aCursorFromOneFilterContinuesAfterThatRow() {
        JsonNode first = ApiHarness.json(h.get("/v1/credentials?limit=2"));
        String cursor = first.path("next_cursor").asText();

        // The cursor is a position: the same cursor with a filter continues below the same row.
        assertThat(flat(allPages("issuer_id=uni-a&cursor=" + cursor))).containsExactlyElementsOf(hashes(3, 2, 1, 0));
        Set<String> firstPage = new LinkedHashSet<>();
        first.path("data").forEach(c -> firstPage.add(c.path("hash").asText()));
        assertThat(firstPage).containsExactlyElementsOf(hashes(6, 5));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "limit=0 | limit",
                "limit=501 | limit",
                "limit=-3 | limit",
                "limit=abc | limit",
                "limit=2.5 | limit",
                "cursor=%21%21%21 | cursor",
                "cursor=aWQ6YWJj | cursor", // id:abc
                "cursor=eDo1 | cursor", // x:5
                "status=archived | status"
            })
    void badQueryParametersAreProblems(String query, String field) {
        long before = h.count("credentials");

        HttpResponse<String> r = h.get("/v1/credentials?" + query);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(ApiHarness.contentType(r)).startsWith(HttpApi.PROBLEM_JSON);
        JsonNode p = ApiHarness.json(r);
        assertThat(p.path("type").asText()).isEqualTo(ApiProblem.TYPE_BASE + "invalid-request");
        assertThat(p.path("status").asInt()).isEqualTo(400);
        assertThat(p.path("field").asText()).isEqualTo(field);
        assertThat(p.path("detail").asText()).contains(field);
        assertThat(h.count("credentials")).isEqualTo(before);
    }

    @Test
    void cursorsAreUrlSafeAndStable() {
        String cursor = ApiHarness.json(h.get("/v1/credentials?limit=1"))
                .path("next_cursor")
                .asText();
        assertThat(cursor).matches("[A-Za-z0-9_-]+");
        assertThat(ApiHarness.json(h.get("/v1/credentials?limit=1"))
                        .path("next_cursor")
                        .asText())
                .isEqualTo(cursor);
    }
}
