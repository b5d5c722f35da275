package dev.chainsync.queue;

import java.time.Instant;
import java.util.List;

/**
 * One kind of work on a leased queue table, run pass by pass by {@link LeasedQueue}: claim due rows
 * in one short statement, work on them outside any transaction, settle them with versioned set
 * statements ({@link LeaseTable}). A new kind of work (an operation kind, another chain's
 * transactions) implements this and gets the loop, the failure handling and the lifecycle.
 *
 * @param <B> a claimed batch with whatever the pass read before claiming (a block height, say)
 */
public interface LeasedWork<B extends LeasedWork.Batch> {

    /** A claimed batch. */
    interface Batch {
        List<? extends Leased> rows();
    }

    /** Claims due rows; null or an empty batch when there is nothing to do (or nothing can be done now). */
    B claim(Instant now);

    /** Works on the batch outside any transaction and settles every row of it (or lets its lease run out). */
    void process(B batch);

    /** After {@link #process} failed half-way: gives the batch's claims back so they are picked up soon. */
    void giveBack(B batch, RuntimeException cause);
}
