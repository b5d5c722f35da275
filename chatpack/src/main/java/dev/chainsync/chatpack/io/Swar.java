package dev.chainsync.chatpack.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight bytes at a time in one {@code long} (SIMD within a register), for the byte scanners' hot
 * loops: {@code ((x - ONES) & ~x & HIGHS) != 0} when some byte of {@code x} is zero, so
 * {@code v ^ (ONES * b)} tests for byte {@code b}, and {@code (v - SPACES) & HIGHS} flags bytes
 * below a space (or at or above 0x80, which the callers treat separately).
 */
public final class Swar {
    /** Reads a little-endian {@code long} at any byte offset of a {@code byte[]}. */
    public static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    public static final long ONES = 0x0101010101010101L;
    public static final long HIGHS = 0x8080808080808080L;
    public static final long QUOTES = 0x2222222222222222L;
    public static final long SPACES = 0x2020202020202020L;

    private Swar() {}
}
