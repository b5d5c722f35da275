package dev.chainsync.webhook;

/**
 * Runs a webhook dispatcher's work by hand, for tests that drive time themselves (the spirit of
 * db-scheduler's {@code ManualScheduler}). Not for a started dispatcher: its own loops would claim
 * and finish meanwhile.
 */
public final class ManualDispatcher {
    private ManualDispatcher() {}

    /** Claims what is due, delivers it and records the outcomes before returning. Returns how many it claimed. */
    public static int deliverDue(WebhookDispatcher dispatcher) {
        return dispatcher.deliverDue();
    }
}
