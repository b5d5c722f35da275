package dev.chainsync.queue;

/** A claimed row of a leased table: its key and the version its claim left, checked when it is settled. */
public interface Leased {
    long id();

    long version();
}
