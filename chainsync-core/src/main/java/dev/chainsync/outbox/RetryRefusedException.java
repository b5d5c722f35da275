package dev.chainsync.outbox;

/**
 * An operation's handler refuses to take a dead-lettered operation up again (its aggregate moved on
 * meanwhile); thrown from {@link OperationHandler#onRetried}, it rolls the retry back.
 */
public class RetryRefusedException extends RuntimeException {
    public RetryRefusedException(String message) {
        super(message);
    }
}
