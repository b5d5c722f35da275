package dev.chainsync.chatpack.instagram;

import java.util.Arrays;

/**
 * A growable list of primitive longs stored in fixed-size chunks, so growing never copies or needs one huge
 * contiguous array (the index of a multi-gigabyte export holds millions of entries).
 */
final class LongArrayList {

    private static final int CHUNK_BITS = 16;
    private static final int CHUNK = 1 << CHUNK_BITS;

    private long[][] chunks = new long[4][];
    private long size;

    void add(long v) {
        int c = (int) (size >>> CHUNK_BITS);
        if (c == chunks.length) {
            chunks = Arrays.copyOf(chunks, chunks.length * 2);
        }
        if (chunks[c] == null) {
            chunks[c] = new long[CHUNK];
        }
        chunks[c][(int) (size & (CHUNK - 1))] = v;
        size++;
    }

    long get(long i) {
        return chunks[(int) (i >>> CHUNK_BITS)][(int) (i & (CHUNK - 1))];
    }

    long size() {
        return size;
    }
}
