package dev.chainsync.webhook;

import java.util.List;

/**
 * Every event type chainsync emits, so a subscription names types that exist: a typo such as
 * {@code credential.confimed} or {@code nope.*} is refused instead of silently receiving nothing.
 * The emitters live in their own packages; tests keep this list, docs/webhooks.md and the OpenAPI
 * document's {@code webhooks} equal.
 */
public final class WebhookEventTypes {
    /** The types, in the order docs/webhooks.md and the OpenAPI document list them. */
    public static final List<String> ALL = List.of(
            "credential.confirmed",
            "credential.failed",
            "operation.dead_lettered",
            "transfer.completed",
            "reconciliation.discrepancy",
            "review.opened",
            "ingest.dead_lettered",
            "ticket.minted",
            "ticket.transferred",
            "ticket.burned",
            "ticket.ownership_corrected",
            WebhookDispatcher.EVENT_ENDPOINT_DISABLED);

    private WebhookEventTypes() {}

    /** Whether a subscription ({@code *}, a prefix {@code credential.*}, or an exact type) matches any type. */
    static boolean known(String subscription) {
        if (subscription.equals("*")) {
            return true;
        }
        if (subscription.endsWith(".*")) {
            String prefix = subscription.substring(0, subscription.length() - 1);
            return ALL.stream().anyMatch(t -> t.startsWith(prefix));
        }
        return ALL.contains(subscription);
    }
}
