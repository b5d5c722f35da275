/**
 * {@code chatpack bench}: synthetic exports of any size per platform, and a worker that converts one in a fresh
 * JVM and reports its throughput and peak memory.
 */
package dev.chainsync.chatpack.bench;
