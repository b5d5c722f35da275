package dev.chainsync.db;

/**
 * Text that came from outside (a payload, a receiver's answer) made storable in PostgreSQL, whose
 * {@code text} and {@code jsonb} cannot hold NUL: an insert carrying one fails, and a failed
 * insert of a diagnostic must never undo the work it was recorded with.
 */
public final class PgText {
    /** Stands in for NUL: U+2400 SYMBOL FOR NULL (␀). */
    public static final char NUL_STAND_IN = '\u2400';

    private PgText() {}

    /** {@code s} with every NUL replaced by {@link #NUL_STAND_IN}; null stays null. */
    public static String storable(String s) {
        return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', NUL_STAND_IN);
    }

    /** Whether {@code s} can be stored as it is. */
    public static boolean isStorable(String s) {
        return s == null || s.indexOf('\0') < 0;
    }
}
