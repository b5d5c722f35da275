package dev.chainsync.chain;

/**
 * A devnet ledger file this process cannot use: another process holds it, or it was made for another
 * slot time. Both are fixed by the operator (stop the other process, choose another data directory),
 * so the command line reports it in one line rather than as a crash.
 */
public final class DevnetLedgerException extends IllegalStateException {
    public DevnetLedgerException(String message) {
        super(message);
    }
}
