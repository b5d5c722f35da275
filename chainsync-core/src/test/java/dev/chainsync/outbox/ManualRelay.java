package dev.chainsync.outbox;

/**
 * Runs a relay's passes by hand, for tests that drive time themselves (the spirit of db-scheduler's
 * {@code ManualScheduler}). Not for a started relay: its own loops would run passes meanwhile.
 */
public final class ManualRelay {
    private ManualRelay() {}

    /** One submit pass: claim due pending operations and send each a transaction. Returns how many it claimed. */
    public static int submitPass(Relay relay) {
        return relay.submitPass();
    }

    /** One confirmation pass: claim due submitted operations and settle what the chain says. Returns how many it claimed. */
    public static int confirmPass(Relay relay) {
        return relay.confirmPass();
    }
}
