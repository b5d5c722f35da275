package dev.chainsync.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The catalogue of event types: what subscriptions are checked against, and what docs/webhooks.md lists. */
class WebhookEventTypesTest {
    @Test
    void subscriptionsMustMatchAType() {
        assertThat(WebhookEventTypes.known("*")).isTrue();
        assertThat(WebhookEventTypes.known("credential.*")).isTrue();
        assertThat(WebhookEventTypes.known("webhook_endpoint.*")).isTrue();
        assertThat(WebhookEventTypes.known("reconciliation.discrepancy")).isTrue();
        assertThat(WebhookEventTypes.known("nope.*")).isFalse();
        assertThat(WebhookEventTypes.known("credential.confimed")).isFalse();
        assertThat(WebhookEventTypes.known("credential")).isFalse();
        assertThat(WebhookEventTypes.known("cred.*")).isFalse();
    }

    @Test
    void endpointsRefuseUnknownTypesNamingTheKnownOnes() {
        assertThatThrownBy(() -> WebhookEndpoints.checkEventTypes(List.of("credential.*", "nope.*")))
                .isInstanceOf(WebhookRequestException.class)
                .hasMessageContaining("'nope.*'")
                .hasMessageContaining(String.join(", ", WebhookEventTypes.ALL));
    }

    /** The table in docs/webhooks.md lists exactly the catalogue, in its order. */
    @Test
    void theDocumentationListsEveryType() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "webhooks.md"));
        String events = doc.substring(doc.indexOf("## Events"), doc.indexOf("\n## ", doc.indexOf("## Events") + 1));
        Matcher row = Pattern.compile("(?m)^\\| `([a-z_.]+)` \\|").matcher(events);
        List<String> documented = row.results().map(m -> m.group(1)).toList();
        assertThat(documented).isEqualTo(WebhookEventTypes.ALL);
    }
}
