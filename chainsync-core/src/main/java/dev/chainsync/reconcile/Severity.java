package dev.chainsync.reconcile;

/** How urgent a data type's discrepancies are (seed 001 section 1.3's priorities). */
public enum Severity {
    CRITICAL,
    HIGH,
    MEDIUM,
    LOW
}
